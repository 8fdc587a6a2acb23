import { presenter, shapeOf } from '../../store/shape.js';
import { projectShape } from '../projects/present.js';
import type { UserGroup } from '../../store/types.js';
import type { UserGroupProjectPermission, UserGroupSharedCloudDrivePermission } from '../../store/subjectPermissions.js';
import type { UserUserGroup } from '../../store/userGroupMembers.js';

/** A user group as the API shows it (the UserGroup DTO): the fields of a project, both being named records. */
export const userGroupShape = shapeOf<UserGroup>()({ ...projectShape });
export const presentUserGroup = presenter<UserGroup, typeof userGroupShape>(userGroupShape);

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
