import { Type } from 'typebox';

// The records a grant links and the four permission records. Kept apart from schema.ts, which imports the
// project and drive schemas, so that the projects and drives details views can import these without a cycle.

export const PERMISSION_TYPES = [1, 2] as const;

export const PermissionTypeField = Type.Integer({ enum: [...PERMISSION_TYPES], description: '1 Read, 2 ReadWrite.' });

const dates = {
  createDate: Type.String({ format: 'date-time' }),
  updateDate: Type.String({ format: 'date-time' }),
};

export const PermissionUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  accountId: Type.String({ format: 'uuid' }),
  firstname: Type.String(),
  lastname: Type.String(),
  username: Type.String({ description: 'The sign-in name (an email).' }),
  email: Type.String(),
  userType: Type.Integer({ description: 'UserType flags: 4 AccountAdmin, 16 DesktopAdmin, 32 DesktopCreativeUser, ...' }),
  status: Type.Integer({ description: 'UserStatus: 1 Active, 2 Inactive, 4 Pending.' }),
  owner: Type.Boolean({ description: 'The owner of the account.' }),
  mfa: Type.Boolean({ description: 'TOTP multi-factor authentication is on.' }),
  authProvider: Type.Integer(),
  migration: Type.Boolean(),
  deleted: Type.Boolean(),
  signupDate: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  ...dates,
});

export const PermissionUserGroup = Type.Object({
  id: Type.String({ format: 'uuid' }),
  accountId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  active: Type.Boolean(),
  deleted: Type.Boolean(),
  ...dates,
});

const permissionRecord = (subject: 'userId' | 'userGroupId', target: 'projectId' | 'sharedCloudDriveId') =>
  Type.Object({
    id: Type.String({ format: 'uuid', description: 'Id of the permission record (what PUT and DELETE take).' }),
    [subject]: Type.String({ format: 'uuid' }),
    [target]: Type.String({ format: 'uuid' }),
    permissionType: PermissionTypeField,
    ...dates,
  });

export const UserProjectPermission = permissionRecord('userId', 'projectId');
export const UserSharedCloudDrivePermission = permissionRecord('userId', 'sharedCloudDriveId');
export const UserGroupProjectPermission = permissionRecord('userGroupId', 'projectId');
export const UserGroupSharedCloudDrivePermission = permissionRecord('userGroupId', 'sharedCloudDriveId');

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
