import type { SharedCloudDrive } from '../../store/types.js';

export function presentSharedCloudDrive(row: SharedCloudDrive) {
  return {
    id: row.id,
    accountId: row.account_id,
    creatorUserId: row.creator_user_id,
    cloudAccountId: row.cloud_account_id,
    name: row.name,
    prefix: row.prefix,
    prefixId: row.prefix_id,
    storageId: row.storage_id,
    storageName: row.storage_name,
    objectsPerFolder: row.objects_per_folder,
    allowDelete: row.allow_delete === 1,
    localCacheEncrypted: row.local_cache_encrypted === 1,
    cloudObjectsEncrypted: row.cloud_objects_encrypted === 1,
    driveType: row.drive_type,
    syncType: row.sync_type,
    active: row.active === 1,
    deleted: row.deleted === 1,
    cloudAccount: null,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

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
