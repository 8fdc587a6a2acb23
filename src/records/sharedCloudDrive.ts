import { Type } from 'typebox';
import type { SharedCloudDrive as SharedCloudDriveRow } from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

export const DRIVE_NAME_MAX = 50;
export const DriveType = { VirtualDrive: 1, LocalPath: 2 } as const;
export const SyncType = { Stream: 1, Mirror: 2 } as const;

/** A shared cloud drive (the SharedCloudDrive DTO). */
export const sharedCloudDrive = defineRecord<SharedCloudDriveRow>()(
  {
    id: { from: 'id', schema: Uuid() },
    accountId: { from: 'account_id', schema: Uuid("The caller's account; set by the server.") },
    creatorUserId: { from: 'creator_user_id', schema: Uuid('The user who created the drive; set by the server.') },
    cloudAccountId: {
      from: 'cloud_account_id',
      schema: Type.Union([Uuid(), Type.Null()], { description: 'Cloud account holding the backing bucket; stored as given.' }),
    },
    name: {
      from: 'name',
      schema: Type.String({
        description: `Unique in the account among live drives, case-insensitively; 1 to ${DRIVE_NAME_MAX} characters.`,
      }),
    },
    prefix: { from: 'prefix', schema: Type.String({ description: 'Optional folder prefix inside the bucket, e.g. "team/".' }) },
    prefixId: { from: 'prefix_id', schema: Type.String() },
    storageId: { from: 'storage_id', schema: Type.String() },
    storageName: { from: 'storage_name', schema: Type.String({ description: 'Backing bucket name.' }) },
    objectsPerFolder: {
      from: 'objects_per_folder',
      schema: Type.Integer({ description: 'Maximum objects listed per folder.' }),
    },
    allowDelete: {
      from: { boolean: 'allow_delete' },
      schema: Type.Boolean({ description: 'When true, local deletions propagate to the cloud.' }),
    },
    localCacheEncrypted: {
      from: { boolean: 'local_cache_encrypted' },
      schema: Type.Boolean({ description: 'Encrypt the local cache.' }),
    },
    cloudObjectsEncrypted: {
      from: { boolean: 'cloud_objects_encrypted' },
      schema: Type.Boolean({ description: 'Encrypt objects at rest in the cloud.' }),
    },
    driveType: {
      from: 'drive_type',
      schema: Type.Integer({ enum: Object.values(DriveType), description: '1 VirtualDrive, 2 LocalPath.' }),
    },
    syncType: { from: 'sync_type', schema: Type.Integer({ enum: Object.values(SyncType), description: '1 Stream, 2 Mirror.' }) },
    active: { from: { boolean: 'active' }, schema: Type.Boolean() },
    deleted: { from: { boolean: 'deleted' }, schema: Type.Boolean({ description: 'Soft-delete flag.' }) },
    cloudAccount: {
      from: { constant: null },
      schema: Type.Null({ description: 'The embedded cloud account; cloud accounts are not managed by clickd.' }),
    },
    createDate: { from: 'create_date', schema: DateTime() },
    updateDate: { from: 'update_date', schema: DateTime() },
  },
  { $id: 'SharedCloudDrive' },
);
