import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { dialectOf } from './dialect.js';
import { LIVE } from './listing.js';
import type { User } from './types.js';
import { UserStatus } from './values.js';

/** An `active` column's value for an active project or group. */
const ACTIVE = 1;

/**
 * The SQL of who reaches what (the rule itself is in src/domain/access.ts). A user reaches a project
 * granted to them or to a live group they belong to; a shared cloud drive granted to them, to such a
 * group, or assigned to a project they reach. Deleted or inactive groups and projects, and deleted drives,
 * lead nowhere; a deleted or inactive user reaches nothing.
 */

export type Via = 'direct' | 'group' | 'project' | 'groupProject';

/** One way by which a user reaches a drive. */
export interface DrivePath {
  shared_cloud_drive_id: string;
  user_id: string;
  via: Via;
  user_group_id: string | null;
  user_group_name: string | null;
  project_id: string | null;
  project_name: string | null;
  permission_type: number;
}

/** Whose paths: one user's (to every drive), or everyone's to one drive. */
export type PathsOf = { userId: string } | { sharedCloudDriveId: string };

const none = sql<string | null>`null`;

/**
 * The four ways to a drive, as one UNION ALL: a row per path, each with the permission it carries. Only live,
 * users who are not inactive reach anything (a pending one, once signed up, reaches what was granted); an
 * inactive project or group, like a deleted one, leads nowhere
 * (DECISIONS.md section 9).
 */
function drivePathsQuery(db: Db, accountId: string, of: PathsOf) {
  const forUser = 'userId' in of;
  const direct = db
    .selectFrom('user_shared_cloud_drive_permissions as p')
    .innerJoin('shared_cloud_drives as d', 'd.id', 'p.shared_cloud_drive_id')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .where('p.account_id', '=', accountId)
    .$if(forUser, (q) => q.where('p.user_id', '=', (of as { userId: string }).userId))
    .$if(!forUser, (q) => q.where('p.shared_cloud_drive_id', '=', (of as { sharedCloudDriveId: string }).sharedCloudDriveId))
    .where('d.deleted', '=', LIVE)
    .where('u.deleted', '=', LIVE)
    .where('u.status', '<>', UserStatus.Inactive)
    .select([
      'p.shared_cloud_drive_id as shared_cloud_drive_id',
      'p.user_id as user_id',
      sql<Via>`'direct'`.as('via'),
      none.as('user_group_id'),
      none.as('user_group_name'),
      none.as('project_id'),
      none.as('project_name'),
      'p.permission_type as permission_type',
    ]);
  const group = db
    .selectFrom('user_group_shared_cloud_drive_permissions as p')
    .innerJoin('user_user_groups as m', 'm.user_group_id', 'p.user_group_id')
    .innerJoin('user_groups as g', 'g.id', 'p.user_group_id')
    .innerJoin('shared_cloud_drives as d', 'd.id', 'p.shared_cloud_drive_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('p.account_id', '=', accountId)
    .$if(forUser, (q) => q.where('m.user_id', '=', (of as { userId: string }).userId))
    .$if(!forUser, (q) => q.where('p.shared_cloud_drive_id', '=', (of as { sharedCloudDriveId: string }).sharedCloudDriveId))
    .where('g.deleted', '=', LIVE)
    .where('g.active', '=', ACTIVE)
    .where('d.deleted', '=', LIVE)
    .where('u.deleted', '=', LIVE)
    .where('u.status', '<>', UserStatus.Inactive)
    .select([
      'p.shared_cloud_drive_id as shared_cloud_drive_id',
      'm.user_id as user_id',
      sql<Via>`'group'`.as('via'),
      'g.id as user_group_id',
      'g.name as user_group_name',
      none.as('project_id'),
      none.as('project_name'),
      'p.permission_type as permission_type',
    ]);
  const project = db
    .selectFrom('user_project_permissions as p')
    .innerJoin('projects as pr', 'pr.id', 'p.project_id')
    .innerJoin('project_shared_cloud_drives as a', 'a.project_id', 'p.project_id')
    .innerJoin('shared_cloud_drives as d', 'd.id', 'a.shared_cloud_drive_id')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .where('p.account_id', '=', accountId)
    .$if(forUser, (q) => q.where('p.user_id', '=', (of as { userId: string }).userId))
    .$if(!forUser, (q) => q.where('a.shared_cloud_drive_id', '=', (of as { sharedCloudDriveId: string }).sharedCloudDriveId))
    .where('pr.deleted', '=', LIVE)
    .where('pr.active', '=', ACTIVE)
    .where('d.deleted', '=', LIVE)
    .where('u.deleted', '=', LIVE)
    .where('u.status', '<>', UserStatus.Inactive)
    .select([
      'a.shared_cloud_drive_id as shared_cloud_drive_id',
      'p.user_id as user_id',
      sql<Via>`'project'`.as('via'),
      none.as('user_group_id'),
      none.as('user_group_name'),
      'pr.id as project_id',
      'pr.name as project_name',
      'p.permission_type as permission_type',
    ]);
  const groupProject = db
    .selectFrom('user_group_project_permissions as p')
    .innerJoin('user_user_groups as m', 'm.user_group_id', 'p.user_group_id')
    .innerJoin('user_groups as g', 'g.id', 'p.user_group_id')
    .innerJoin('projects as pr', 'pr.id', 'p.project_id')
    .innerJoin('project_shared_cloud_drives as a', 'a.project_id', 'p.project_id')
    .innerJoin('shared_cloud_drives as d', 'd.id', 'a.shared_cloud_drive_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('p.account_id', '=', accountId)
    .$if(forUser, (q) => q.where('m.user_id', '=', (of as { userId: string }).userId))
    .$if(!forUser, (q) => q.where('a.shared_cloud_drive_id', '=', (of as { sharedCloudDriveId: string }).sharedCloudDriveId))
    .where('g.deleted', '=', LIVE)
    .where('g.active', '=', ACTIVE)
    .where('pr.deleted', '=', LIVE)
    .where('pr.active', '=', ACTIVE)
    .where('d.deleted', '=', LIVE)
    .where('u.deleted', '=', LIVE)
    .where('u.status', '<>', UserStatus.Inactive)
    .select([
      'a.shared_cloud_drive_id as shared_cloud_drive_id',
      'm.user_id as user_id',
      sql<Via>`'groupProject'`.as('via'),
      'g.id as user_group_id',
      'g.name as user_group_name',
      'pr.id as project_id',
      'pr.name as project_name',
      'p.permission_type as permission_type',
    ]);
  return direct.unionAll(group).unionAll(project).unionAll(groupProject);
}

/**
 * Every path to a live drive of the account: those of one user (to every drive), or those of every user to
 * one drive. One query.
 */
export async function drivePaths(db: Db, accountId: string, of: PathsOf | string): Promise<DrivePath[]> {
  const which = typeof of === 'string' ? { userId: of } : of;
  return (await drivePathsQuery(db, accountId, which).execute()) as DrivePath[];
}

/** The live users of the account among `ids` that are not inactive: one query whatever the count. */
export async function usersWhoMayReachAmong(db: Db, accountId: string, ids: readonly string[]): Promise<User[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', dialectOf(db).listValues([...new Set(ids)]))
    .where('deleted', '=', LIVE)
    .where('status', '<>', UserStatus.Inactive)
    .execute();
}

/** The ids of the projects the user reaches, as a subquery. */
function reachableProjectIds(db: Db, accountId: string, userId: string) {
  const direct = db
    .selectFrom('user_project_permissions as p')
    .innerJoin('projects as pr', 'pr.id', 'p.project_id')
    .where('p.account_id', '=', accountId)
    .where('p.user_id', '=', userId)
    .where('pr.active', '=', ACTIVE)
    .select('p.project_id as id');
  const group = db
    .selectFrom('user_group_project_permissions as p')
    .innerJoin('user_user_groups as m', 'm.user_group_id', 'p.user_group_id')
    .innerJoin('user_groups as g', 'g.id', 'p.user_group_id')
    .innerJoin('projects as pr', 'pr.id', 'p.project_id')
    .where('p.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('g.deleted', '=', LIVE)
    .where('g.active', '=', ACTIVE)
    .where('pr.active', '=', ACTIVE)
    .select('p.project_id as id');
  return direct.unionAll(group);
}

/** The ids of the drives the user reaches, as a subquery. */
function reachableSharedCloudDriveIds(db: Db, accountId: string, userId: string) {
  return db.selectFrom(drivePathsQuery(db, accountId, { userId }).as('paths')).select('paths.shared_cloud_drive_id');
}

export type Reachable = 'projects' | 'shared_cloud_drives';

/** `<idColumn> in (the ids of the records the user reaches)`, to restrict any query on that table. */
export function reachableWhere(db: Db, accountId: string, userId: string, of: Reachable, idColumn: string): Expression<SqlBool> {
  const ids =
    of === 'projects' ? reachableProjectIds(db, accountId, userId) : reachableSharedCloudDriveIds(db, accountId, userId);
  // Kysely parenthesises the subquery itself; extra parentheses would make it a scalar subquery.
  return sql<SqlBool>`${sql.ref(idColumn)} in ${ids}`;
}

/** Those of `ids` that the user reaches (live records only): one query. */
export async function reachableAmong(
  db: Db,
  accountId: string,
  userId: string,
  of: Reachable,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom(of)
    .select(`${of}.id as id`)
    .where(`${of}.account_id`, '=', accountId)
    .where(`${of}.deleted`, '=', LIVE)
    .where(`${of}.id`, 'in', [...new Set(ids)])
    .where(reachableWhere(db, accountId, userId, of, `${of}.id`))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** True if the user belongs to the live group. */
export async function isMemberOf(db: Db, accountId: string, userId: string, userGroupId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_user_groups as m')
    .innerJoin('user_groups as g', 'g.id', 'm.user_group_id')
    .where('m.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('m.user_group_id', '=', userGroupId)
    .where('g.deleted', '=', LIVE)
    .select('m.id')
    .executeTakeFirst();
  return row !== undefined;
}
