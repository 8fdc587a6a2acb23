import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { LIVE } from './listing.js';

/**
 * The SQL of who reaches what (the rule itself is in src/domain/access.ts). A user reaches a project
 * granted to them or to a live group they belong to; a shared cloud drive granted to them, to such a
 * group, or assigned to a project they reach. Deleted groups, projects and drives lead nowhere.
 */

export type Via = 'direct' | 'group' | 'project' | 'groupProject';

/** One way by which a user reaches a drive. */
export interface DrivePath {
  shared_cloud_drive_id: string;
  via: Via;
  user_group_id: string | null;
  user_group_name: string | null;
  project_id: string | null;
  project_name: string | null;
  permission_type: number;
}

const none = sql<string | null>`null`;

/** The four ways to a drive, as one UNION ALL: a row per path, each with the permission it carries. */
function drivePathsQuery(db: Db, accountId: string, userId: string) {
  const direct = db
    .selectFrom('user_shared_cloud_drive_permissions as p')
    .innerJoin('shared_cloud_drives as d', 'd.id', 'p.shared_cloud_drive_id')
    .where('p.account_id', '=', accountId)
    .where('p.user_id', '=', userId)
    .where('d.deleted', '=', LIVE)
    .select([
      'p.shared_cloud_drive_id as shared_cloud_drive_id',
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
    .where('p.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('g.deleted', '=', LIVE)
    .where('d.deleted', '=', LIVE)
    .select([
      'p.shared_cloud_drive_id as shared_cloud_drive_id',
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
    .where('p.account_id', '=', accountId)
    .where('p.user_id', '=', userId)
    .where('pr.deleted', '=', LIVE)
    .where('d.deleted', '=', LIVE)
    .select([
      'a.shared_cloud_drive_id as shared_cloud_drive_id',
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
    .where('p.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('g.deleted', '=', LIVE)
    .where('pr.deleted', '=', LIVE)
    .where('d.deleted', '=', LIVE)
    .select([
      'a.shared_cloud_drive_id as shared_cloud_drive_id',
      sql<Via>`'groupProject'`.as('via'),
      'g.id as user_group_id',
      'g.name as user_group_name',
      'pr.id as project_id',
      'pr.name as project_name',
      'p.permission_type as permission_type',
    ]);
  return direct.unionAll(group).unionAll(project).unionAll(groupProject);
}

/** Every path by which the user reaches a live drive of the account: one query. */
export async function drivePaths(db: Db, accountId: string, userId: string): Promise<DrivePath[]> {
  return (await drivePathsQuery(db, accountId, userId).execute()) as DrivePath[];
}

/** The ids of the projects the user reaches, as a subquery. */
function reachableProjectIds(db: Db, accountId: string, userId: string) {
  const direct = db
    .selectFrom('user_project_permissions as p')
    .where('p.account_id', '=', accountId)
    .where('p.user_id', '=', userId)
    .select('p.project_id as id');
  const group = db
    .selectFrom('user_group_project_permissions as p')
    .innerJoin('user_user_groups as m', 'm.user_group_id', 'p.user_group_id')
    .innerJoin('user_groups as g', 'g.id', 'p.user_group_id')
    .where('p.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('g.deleted', '=', LIVE)
    .select('p.project_id as id');
  return direct.unionAll(group);
}

/** The ids of the drives the user reaches, as a subquery. */
function reachableSharedCloudDriveIds(db: Db, accountId: string, userId: string) {
  return db.selectFrom(drivePathsQuery(db, accountId, userId).as('paths')).select('paths.shared_cloud_drive_id');
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
