import { namedRecords } from './records.js';

export const projects = namedRecords('projects', 'project');
export const sharedCloudDrives = namedRecords('shared_cloud_drives', 'shared cloud drive');
export const userGroups = namedRecords('user_groups', 'user group');

export * as users from './users.js';
export * as sessions from './sessions.js';
export * as oneTimeTokens from './oneTimeTokens.js';
export * as apiTokens from './apiTokens.js';
export * as assignments from './projectSharedCloudDrives.js';
export * as permissions from './permissions.js';
export * as access from './access.js';
export * as userGroupMembers from './userGroupMembers.js';
export * as invitations from './invitations.js';
export type { Db, Trx, OpenStore } from './db.js';
// The dialect's pieces the rest of the program needs (the PostgreSQL twin will sit beside them).
export { isUniqueViolation } from './sqlite/sql.js';
export { projectDetailsObjectSql } from './sqlite/projectDetails.js';
