import { namedRecords } from './records.js';
import * as sqlitePermissions from './permissions.js';
import type { NamedRecordsRepository, PermissionsRepository } from './repositories.js';

// The store's main table families, typed by their interfaces (repositories.ts); routes and domain import
// these, not the implementation's files.
export const projects: NamedRecordsRepository<'projects'> = namedRecords('projects', 'project');
export const sharedCloudDrives: NamedRecordsRepository<'shared_cloud_drives'> = namedRecords(
  'shared_cloud_drives',
  'shared cloud drive',
);
export const userGroups: NamedRecordsRepository<'user_groups'> = namedRecords('user_groups', 'user group');
export const permissions: PermissionsRepository = sqlitePermissions;
export type { NamedRecordsRepository, PermissionsRepository } from './repositories.js';

export * as users from './users.js';
export * as sessions from './sessions.js';
export * as oneTimeTokens from './oneTimeTokens.js';
export * as apiTokens from './apiTokens.js';
export * as assignments from './projectSharedCloudDrives.js';
export * as access from './access.js';
export * as userGroupMembers from './userGroupMembers.js';
export * as invitations from './invitations.js';
export type { Db, Trx, OpenStore } from './db.js';
// The dialect's pieces the rest of the program needs (the PostgreSQL twin will sit beside them).
export { isUniqueViolation } from './sqlite/sql.js';
export { projectDetailsObjectSql } from './sqlite/projectDetails.js';
