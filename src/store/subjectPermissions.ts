import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type {
  UserGroupProjectPermissionTable,
  UserGroupSharedCloudDrivePermissionTable,
  UserProjectPermissionTable,
  UserSharedCloudDrivePermissionTable,
} from './types.js';
import { LIVE } from './listing.js';

// The permissions seen from their subject (a user or a group): the details views and the deletes of
// users and groups. The grants themselves are written by the permissions controller's store.

export type UserProjectPermission = Selectable<UserProjectPermissionTable>;
export type UserSharedCloudDrivePermission = Selectable<UserSharedCloudDrivePermissionTable>;
export type UserGroupProjectPermission = Selectable<UserGroupProjectPermissionTable>;
export type UserGroupSharedCloudDrivePermission = Selectable<UserGroupSharedCloudDrivePermissionTable>;

/** Direct grants of live projects to the given users: one query whatever the count. */
export async function projectPermissionsOfUsers(
  db: Db,
  accountId: string,
  userIds: readonly string[],
): Promise<UserProjectPermission[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('user_project_permissions')
    .innerJoin('projects', 'projects.id', 'user_project_permissions.project_id')
    .selectAll('user_project_permissions')
    .where('user_project_permissions.account_id', '=', accountId)
    .where('user_project_permissions.user_id', 'in', userIds)
    .where('projects.deleted', '=', LIVE)
    .orderBy('projects.name_key')
    .orderBy('user_project_permissions.id')
    .execute();
}

/** Direct grants of live drives to the given users: one query whatever the count. */
export async function drivePermissionsOfUsers(
  db: Db,
  accountId: string,
  userIds: readonly string[],
): Promise<UserSharedCloudDrivePermission[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('user_shared_cloud_drive_permissions')
    .innerJoin('shared_cloud_drives', 'shared_cloud_drives.id', 'user_shared_cloud_drive_permissions.shared_cloud_drive_id')
    .selectAll('user_shared_cloud_drive_permissions')
    .where('user_shared_cloud_drive_permissions.account_id', '=', accountId)
    .where('user_shared_cloud_drive_permissions.user_id', 'in', userIds)
    .where('shared_cloud_drives.deleted', '=', LIVE)
    .orderBy('shared_cloud_drives.name_key')
    .orderBy('user_shared_cloud_drive_permissions.id')
    .execute();
}

/** Grants of live projects to the given groups: one query whatever the count. */
export async function projectPermissionsOfGroups(
  db: Db,
  accountId: string,
  userGroupIds: readonly string[],
): Promise<UserGroupProjectPermission[]> {
  if (userGroupIds.length === 0) return [];
  return db
    .selectFrom('user_group_project_permissions')
    .innerJoin('projects', 'projects.id', 'user_group_project_permissions.project_id')
    .selectAll('user_group_project_permissions')
    .where('user_group_project_permissions.account_id', '=', accountId)
    .where('user_group_project_permissions.user_group_id', 'in', userGroupIds)
    .where('projects.deleted', '=', LIVE)
    .orderBy('projects.name_key')
    .orderBy('user_group_project_permissions.id')
    .execute();
}

/** Grants of live drives to the given groups: one query whatever the count. */
export async function drivePermissionsOfGroups(
  db: Db,
  accountId: string,
  userGroupIds: readonly string[],
): Promise<UserGroupSharedCloudDrivePermission[]> {
  if (userGroupIds.length === 0) return [];
  return db
    .selectFrom('user_group_shared_cloud_drive_permissions')
    .innerJoin('shared_cloud_drives', 'shared_cloud_drives.id', 'user_group_shared_cloud_drive_permissions.shared_cloud_drive_id')
    .selectAll('user_group_shared_cloud_drive_permissions')
    .where('user_group_shared_cloud_drive_permissions.account_id', '=', accountId)
    .where('user_group_shared_cloud_drive_permissions.user_group_id', 'in', userGroupIds)
    .where('shared_cloud_drives.deleted', '=', LIVE)
    .orderBy('shared_cloud_drives.name_key')
    .orderBy('user_group_shared_cloud_drive_permissions.id')
    .execute();
}

/** Removes every permission granted to a user (part of deleting it). */
export async function deletePermissionsOfUser(db: Db, accountId: string, userId: string): Promise<void> {
  await db.deleteFrom('user_project_permissions').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  await db
    .deleteFrom('user_shared_cloud_drive_permissions')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();
}

/** Removes every permission granted to a group (part of deleting it). */
export async function deletePermissionsOfGroup(db: Db, accountId: string, userGroupId: string): Promise<void> {
  await db
    .deleteFrom('user_group_project_permissions')
    .where('account_id', '=', accountId)
    .where('user_group_id', '=', userGroupId)
    .execute();
  await db
    .deleteFrom('user_group_shared_cloud_drive_permissions')
    .where('account_id', '=', accountId)
    .where('user_group_id', '=', userGroupId)
    .execute();
}
