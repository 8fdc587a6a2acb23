import { presenter, shapeOf } from '../../store/shape.js';
import type { SharedCloudDrive } from '../../store/types.js';

/** A shared cloud drive as the API shows it (the SharedCloudDrive DTO). */
export const sharedCloudDriveShape = shapeOf<SharedCloudDrive>()({
  id: 'id',
  accountId: 'account_id',
  creatorUserId: 'creator_user_id',
  cloudAccountId: 'cloud_account_id',
  name: 'name',
  prefix: 'prefix',
  prefixId: 'prefix_id',
  storageId: 'storage_id',
  storageName: 'storage_name',
  objectsPerFolder: 'objects_per_folder',
  allowDelete: { boolean: 'allow_delete' },
  localCacheEncrypted: { boolean: 'local_cache_encrypted' },
  cloudObjectsEncrypted: { boolean: 'cloud_objects_encrypted' },
  driveType: 'drive_type',
  syncType: 'sync_type',
  active: { boolean: 'active' },
  deleted: { boolean: 'deleted' },
  cloudAccount: { constant: null },
  createDate: 'create_date',
  updateDate: 'update_date',
});
export const presentSharedCloudDrive = presenter<SharedCloudDrive, typeof sharedCloudDriveShape>(sharedCloudDriveShape);

/** API field → column, for the writable fields of a drive. */
export const driveColumns = {
  cloudAccountId: 'cloud_account_id',
  prefix: 'prefix',
  prefixId: 'prefix_id',
  storageId: 'storage_id',
  storageName: 'storage_name',
  objectsPerFolder: 'objects_per_folder',
  allowDelete: 'allow_delete',
  localCacheEncrypted: 'local_cache_encrypted',
  cloudObjectsEncrypted: 'cloud_objects_encrypted',
  driveType: 'drive_type',
  syncType: 'sync_type',
  active: 'active',
} as const;

/** Converts the given API fields to column values (booleans to 0/1); fields not given are left out. */
export function driveChanges(body: Partial<Record<keyof typeof driveColumns, unknown>>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(driveColumns)) {
    const value = body[field as keyof typeof driveColumns];
    if (value === undefined) continue;
    changes[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  return changes;
}
