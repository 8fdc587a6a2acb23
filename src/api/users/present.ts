import { presenter, shapeOf } from '../../store/shape.js';
import type { User } from '../../store/types.js';
import type { UserProjectPermission, UserSharedCloudDrivePermission } from '../../store/subjectPermissions.js';

/**
 * The documented User shape (lowercase firstname/lastname), fields in the order the response serializer
 * writes them, which the JSON that SQLite writes matches byte for byte (projects.test.ts compares the two);
 * never a password hash or a secret.
 */
export const userShape = shapeOf<User>()({
  id: 'id',
  accountId: 'account_id',
  firstname: 'firstname',
  lastname: 'lastname',
  username: 'username',
  email: 'email',
  userType: 'user_type',
  status: 'status',
  owner: { boolean: 'owner' },
  mfa: { boolean: 'mfa' },
  authProvider: 'auth_provider',
  migration: { boolean: 'migration' },
  deleted: { boolean: 'deleted' },
  signupDate: 'signup_date',
  createDate: 'create_date',
  updateDate: 'update_date',
});
export const presentUser = presenter<User, typeof userShape>(userShape);

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
