import { Type } from 'typebox';
import { BooleanQuery, CollectionOf, Uuid, pagingQuery } from '../../http/paging.js';

/** Sort fields of a drive list: API name → column. */
export const SHARED_CLOUD_DRIVE_SORT = {
  Name: 'name_key',
  Prefix: 'prefix',
  StorageName: 'storage_name',
  ObjectsPerFolder: 'objects_per_folder',
  AllowDelete: 'allow_delete',
  LocalCacheEncrypted: 'local_cache_encrypted',
  CloudObjectsEncrypted: 'cloud_objects_encrypted',
  DriveType: 'drive_type',
  SyncType: 'sync_type',
  Active: 'active',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  Id: 'id',
};

export const DRIVE_NAME_MAX = 50;
export const DriveType = { VirtualDrive: 1, LocalPath: 2 } as const;
export const SyncType = { Stream: 1, Mirror: 2 } as const;

const driveFields = {
  cloudAccountId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'Cloud account holding the backing bucket; stored as given.',
  }),
  name: Type.String({
    description: `Unique in the account among live drives, case-insensitively; 1 to ${DRIVE_NAME_MAX} characters.`,
  }),
  prefix: Type.String({ description: 'Optional folder prefix inside the bucket, e.g. "team/".' }),
  prefixId: Type.String(),
  storageId: Type.String(),
  storageName: Type.String({ description: 'Backing bucket name.' }),
  objectsPerFolder: Type.Integer({ description: 'Maximum objects listed per folder.' }),
  allowDelete: Type.Boolean({ description: 'When true, local deletions propagate to the cloud.' }),
  localCacheEncrypted: Type.Boolean({ description: 'Encrypt the local cache.' }),
  cloudObjectsEncrypted: Type.Boolean({ description: 'Encrypt objects at rest in the cloud.' }),
  driveType: Type.Integer({ enum: Object.values(DriveType), description: '1 VirtualDrive, 2 LocalPath.' }),
  syncType: Type.Integer({ enum: Object.values(SyncType), description: '1 Stream, 2 Mirror.' }),
  active: Type.Boolean(),
};

export const SharedCloudDrive = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    accountId: Type.String({ format: 'uuid', description: "The caller's account; set by the server." }),
    creatorUserId: Type.String({ format: 'uuid', description: 'The user who created the drive; set by the server.' }),
    ...driveFields,
    deleted: Type.Boolean({ description: 'Soft-delete flag.' }),
    cloudAccount: Type.Null({ description: 'The embedded cloud account; cloud accounts are not managed by clickd.' }),
    createDate: Type.String({ format: 'date-time' }),
    updateDate: Type.String({ format: 'date-time' }),
  },
  { $id: 'SharedCloudDrive' },
);

const DriveName = Type.String({ minLength: 1, maxLength: DRIVE_NAME_MAX });
const ShortText = Type.String({ maxLength: 1024 });

/** Writable fields with their defaults; every field but the name is optional on insert. */
const writable = {
  cloudAccountId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  prefix: Type.Optional(ShortText),
  prefixId: Type.Optional(ShortText),
  storageId: Type.Optional(ShortText),
  storageName: Type.Optional(ShortText),
  objectsPerFolder: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Default 10000.' })),
  allowDelete: Type.Optional(Type.Boolean({ description: 'Default false.' })),
  localCacheEncrypted: Type.Optional(Type.Boolean({ description: 'Default false.' })),
  cloudObjectsEncrypted: Type.Optional(Type.Boolean({ description: 'Default false.' })),
  driveType: Type.Optional(
    Type.Integer({ enum: Object.values(DriveType), description: '1 VirtualDrive (default), 2 LocalPath.' }),
  ),
  syncType: Type.Optional(Type.Integer({ enum: Object.values(SyncType), description: '1 Stream (default), 2 Mirror.' })),
  active: Type.Optional(Type.Boolean({ description: 'Default true.' })),
};

export const InsertDriveBody = Type.Object({ name: DriveName, ...writable });
export const UpdateDriveBody = Type.Object({ id: Uuid('The drive to update.'), name: Type.Optional(DriveName), ...writable });

export const ListDrivesQuery = pagingQuery('Name', {
  name: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the drive name.' })),
  deleted: Type.Optional(BooleanQuery('List the soft-deleted drives instead of the live ones.')),
});

export const DriveList = CollectionOf(SharedCloudDrive);
