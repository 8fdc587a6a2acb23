import { Type } from 'typebox';
import { DRIVE_NAME_MAX, DriveType, sharedCloudDrive, SyncType } from '../../records/index.js';
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

export { DRIVE_NAME_MAX, DriveType, SyncType };

export const SharedCloudDrive = sharedCloudDrive.schema;

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
