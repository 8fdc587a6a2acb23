import { Type } from 'typebox';

// The usersData and groupsData of the projects and drives details views; the records are declared in src/records/.
import * as records from '../../records/index.js';
import { PERMISSION_TYPES, PermissionTypeField } from '../../records/index.js';

export { PERMISSION_TYPES, PermissionTypeField };

export const PermissionUser = records.user.schema;
export const PermissionUserGroup = records.userGroup.schema;
export const UserProjectPermission = records.userProjectPermission.schema;
export const UserSharedCloudDrivePermission = records.userSharedCloudDrivePermission.schema;
export const UserGroupProjectPermission = records.userGroupProjectPermission.schema;
export const UserGroupSharedCloudDrivePermission = records.userGroupSharedCloudDrivePermission.schema;

/** usersData / groupsData entries of the projects and drives details views. */
export const ProjectUsersData = Type.Array(Type.Object({ user: PermissionUser, permission: UserProjectPermission }), {
  description: '[{user, permission}]: the users granted this project directly.',
});
export const ProjectGroupsData = Type.Array(
  Type.Object({ userGroup: PermissionUserGroup, permission: UserGroupProjectPermission }),
  {
    description: '[{userGroup, permission}]: the user groups granted this project.',
  },
);
export const DriveUsersData = Type.Array(Type.Object({ user: PermissionUser, permission: UserSharedCloudDrivePermission }), {
  description: '[{user, permission}]: the users granted this drive directly.',
});
export const DriveGroupsData = Type.Array(
  Type.Object({ userGroup: PermissionUserGroup, permission: UserGroupSharedCloudDrivePermission }),
  { description: '[{userGroup, permission}]: the user groups granted this drive.' },
);
