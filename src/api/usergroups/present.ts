import type { UserGroup } from '../../store/types.js';
import type { UserGroupProjectPermission, UserGroupSharedCloudDrivePermission } from '../../store/subjectPermissions.js';
import type { UserUserGroup } from '../../store/userGroupMembers.js';

export function presentUserGroup(row: UserGroup) {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    description: row.description,
    active: row.active === 1,
    deleted: row.deleted === 1,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

export function presentUserUserGroup(row: UserUserGroup) {
  return { id: row.id, userId: row.user_id, userGroupId: row.user_group_id, createDate: row.create_date };
}

export function presentUserGroupProjectPermission(row: UserGroupProjectPermission) {
  return {
    id: row.id,
    userGroupId: row.user_group_id,
    projectId: row.project_id,
    permissionType: row.permission_type,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

export function presentUserGroupSharedCloudDrivePermission(row: UserGroupSharedCloudDrivePermission) {
  return {
    id: row.id,
    userGroupId: row.user_group_id,
    sharedCloudDriveId: row.shared_cloud_drive_id,
    permissionType: row.permission_type,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}
