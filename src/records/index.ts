// One module per record kind: each declares its fields once, and its schema, SQL shape and presenter
// derive from that list (define.ts). Every controller that returns a record imports it from here.
export { project, PROJECT_NAME_MAX } from './project.js';
export { sharedCloudDrive, DRIVE_NAME_MAX, DriveType, SyncType } from './sharedCloudDrive.js';
export { user, USER_TYPE_DESCRIPTION } from './user.js';
export { userGroup } from './userGroup.js';
export { userUserGroup } from './membership.js';
export { projectSharedCloudDrive } from './assignment.js';
export { apiToken } from './apiToken.js';
export {
  permissionRecords,
  PERMISSION_TYPES,
  PermissionTypeField,
  presentGrant,
  type PermissionOf,
  userGroupProjectPermission,
  userGroupSharedCloudDrivePermission,
  userProjectPermission,
  userSharedCloudDrivePermission,
} from './permission.js';
