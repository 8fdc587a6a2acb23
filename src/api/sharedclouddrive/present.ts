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
