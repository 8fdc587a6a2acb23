import type { User } from '../../store/types.js';
import type { UserProjectPermission, UserSharedCloudDrivePermission } from '../../store/subjectPermissions.js';

/** The documented User shape (lowercase firstname/lastname); never a password hash or a secret. */
export function presentUser(row: User) {
  return {
    id: row.id,
    accountId: row.account_id,
    firstname: row.firstname,
    lastname: row.lastname,
    username: row.username,
    email: row.email,
    userType: row.user_type,
    status: row.status,
    owner: row.owner === 1,
    mfa: row.mfa === 1,
    authProvider: row.auth_provider,
    signupDate: row.signup_date,
    migration: row.migration === 1,
    deleted: row.deleted === 1,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

export function presentUserProjectPermission(row: UserProjectPermission) {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    permissionType: row.permission_type,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

export function presentUserSharedCloudDrivePermission(row: UserSharedCloudDrivePermission) {
  return {
    id: row.id,
    userId: row.user_id,
    sharedCloudDriveId: row.shared_cloud_drive_id,
    permissionType: row.permission_type,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

/** Items built from `items`, listed by key; items whose parts are gone (deleted meanwhile) are left out. */
export function groupBy<T, R>(
  items: readonly T[],
  key: (item: T) => string,
  build: (item: T) => R | undefined,
): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const item of items) {
    const built = build(item);
    if (built === undefined) continue;
    const list = map.get(key(item)) ?? [];
    list.push(built);
    map.set(key(item), list);
  }
  return map;
}
