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
export type { Db, Trx } from './db.js';
