import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { containsPattern, fetchPage, likeEscape, LIVE, newId, now, type Page } from './listing.js';
import { pageMemoryOf } from './pageMemory.js';
import type { Selectable } from 'kysely';
import type {
  Database,
  UserGroupProjectPermissionTable,
  UserGroupSharedCloudDrivePermissionTable,
  UserProjectPermissionTable,
  UserSharedCloudDrivePermissionTable,
} from './types.js';

/**
 * The four permission tables: a subject (user or user group) granted a target (project or shared cloud
 * drive) with a permission type. One repository for the four, since they share their shape: the
 * UsersPermission controller's grants (rows with the subject and target columns named generically), the
 * details views' grants of a page of subjects or targets, and the deletes that go with a record's.
 */
export type GrantKind = 'userProject' | 'userSharedCloudDrive' | 'userGroupProject' | 'userGroupSharedCloudDrive';

export type RecordTable = 'users' | 'user_groups' | 'projects' | 'shared_cloud_drives';

export interface GrantKindInfo {
  table: keyof Database;
  subjectColumn: 'user_id' | 'user_group_id';
  subjectTable: 'users' | 'user_groups';
  targetColumn: 'project_id' | 'shared_cloud_drive_id';
  targetTable: 'projects' | 'shared_cloud_drives';
}

export const grantKinds: Record<GrantKind, GrantKindInfo> = {
  userProject: {
    table: 'user_project_permissions',
    subjectColumn: 'user_id',
    subjectTable: 'users',
    targetColumn: 'project_id',
    targetTable: 'projects',
  },
  userSharedCloudDrive: {
    table: 'user_shared_cloud_drive_permissions',
    subjectColumn: 'user_id',
    subjectTable: 'users',
    targetColumn: 'shared_cloud_drive_id',
    targetTable: 'shared_cloud_drives',
  },
  userGroupProject: {
    table: 'user_group_project_permissions',
    subjectColumn: 'user_group_id',
    subjectTable: 'user_groups',
    targetColumn: 'project_id',
    targetTable: 'projects',
  },
  userGroupSharedCloudDrive: {
    table: 'user_group_shared_cloud_drive_permissions',
    subjectColumn: 'user_group_id',
    subjectTable: 'user_groups',
    targetColumn: 'shared_cloud_drive_id',
    targetTable: 'shared_cloud_drives',
  },
};

/** The row of each kind's table, with its own column names. */
export interface PermissionRows {
  userProject: Selectable<UserProjectPermissionTable>;
  userSharedCloudDrive: Selectable<UserSharedCloudDrivePermissionTable>;
  userGroupProject: Selectable<UserGroupProjectPermissionTable>;
  userGroupSharedCloudDrive: Selectable<UserGroupSharedCloudDrivePermissionTable>;
}

/** A permission record, whatever its kind. */
export interface Grant {
  id: string;
  account_id: string;
  subject_id: string;
  target_id: string;
  permission_type: number;
  create_date: string;
  update_date: string;
}

export interface NewGrant {
  subjectId: string;
  targetId: string;
  permissionType: number;
}

const CHUNK = 300;
// Kysely cannot follow a table chosen at run time; the casts stay inside this module.
const q = (db: Db) => db as any;

function selectGrant(info: GrantKindInfo) {
  const t = info.table;
  return [
    `${t}.id as id`,
    `${t}.account_id as account_id`,
    `${t}.${info.subjectColumn} as subject_id`,
    `${t}.${info.targetColumn} as target_id`,
    `${t}.permission_type as permission_type`,
    `${t}.create_date as create_date`,
    `${t}.update_date as update_date`,
  ];
}

/** Grants of the kind in the account whose subject and target are both live (not soft-deleted). */
function liveGrants(db: Db, accountId: string, info: GrantKindInfo) {
  const t = info.table;
  return q(db)
    .selectFrom(t)
    .innerJoin(info.subjectTable, `${info.subjectTable}.id`, `${t}.${info.subjectColumn}`)
    .innerJoin(info.targetTable, `${info.targetTable}.id`, `${t}.${info.targetColumn}`)
    .where(`${t}.account_id`, '=', accountId)
    .where(`${info.subjectTable}.deleted`, '=', LIVE)
    .where(`${info.targetTable}.deleted`, '=', LIVE);
}

/** Inserts the grants whose pair has none yet; a pair that has one keeps it (the silent skip). */
export async function insertGrants(db: Db, accountId: string, kind: GrantKind, grants: readonly NewGrant[]): Promise<void> {
  const info = grantKinds[kind];
  const at = now();
  for (let i = 0; i < grants.length; i += CHUNK) {
    const rows = grants.slice(i, i + CHUNK).map((g) => ({
      id: newId(),
      account_id: accountId,
      [info.subjectColumn]: g.subjectId,
      [info.targetColumn]: g.targetId,
      permission_type: g.permissionType,
      create_date: at,
      update_date: at,
    }));
    await q(db)
      .insertInto(info.table)
      .values(rows)
      .onConflict((oc: any) => oc.doNothing()) // the pair exists already (its unique key; with account_id first on PostgreSQL)
      .execute();
  }
}

/** The grants among `ids` in the account whose subject and target are live. */
export async function findGrants(db: Db, accountId: string, kind: GrantKind, ids: readonly string[]): Promise<Grant[]> {
  if (ids.length === 0) return [];
  const info = grantKinds[kind];
  return liveGrants(db, accountId, info).select(selectGrant(info)).where(`${info.table}.id`, 'in', ids).execute();
}

/** Sets the permission type of the given grants: one statement per type, whatever the count. */
export async function setPermissionTypes(
  db: Db,
  accountId: string,
  kind: GrantKind,
  changes: readonly { id: string; permissionType: number }[],
): Promise<void> {
  const info = grantKinds[kind];
  const at = now();
  const byType = new Map<number, string[]>();
  for (const c of changes) byType.set(c.permissionType, [...(byType.get(c.permissionType) ?? []), c.id]);
  for (const [permissionType, ids] of byType) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await q(db)
        .updateTable(info.table)
        .set({ permission_type: permissionType, update_date: at })
        .where('account_id', '=', accountId)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }
}

/** Deletes one grant of the account; false if there was none. */
export async function deleteGrant(db: Db, accountId: string, kind: GrantKind, id: string): Promise<boolean> {
  const result = await q(db)
    .deleteFrom(grantKinds[kind].table)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface GrantListQuery {
  page: number;
  pageSize: number;
  /** Qualified column to sort by: of the grant table or of the joined subject or target table. */
  sortColumn: string;
  descending: boolean;
  /** Case-insensitive substring filter on the other side's name (username for users). */
  filter?: string;
  /** Further restriction on the joined tables. */
  where?: Expression<SqlBool>;
}

/**
 * One page of the live grants of one subject (`of: 'subject'`) or of one target, sorted and filtered on
 * the joined records. The filter applies to the other side: a target's name, or a subject's name.
 */
export async function listGrants(
  db: Db,
  accountId: string,
  kind: GrantKind,
  of: { side: 'subject' | 'target'; id: string },
  query: GrantListQuery,
): Promise<Page<Grant>> {
  const info = grantKinds[kind];
  const parentColumn = of.side === 'subject' ? info.subjectColumn : info.targetColumn;
  let filtered = liveGrants(db, accountId, info).where(`${info.table}.${parentColumn}`, '=', of.id);
  if (query.filter) {
    const other = of.side === 'subject' ? info.targetTable : info.subjectTable;
    const column = other === 'users' ? 'users.username_key' : `${other}.name_key`;
    filtered = filtered.where(sql<SqlBool>`${sql.ref(column)} like ${containsPattern(query.filter)} escape ${likeEscape}`);
  }
  if (query.where) filtered = filtered.where(query.where);
  return fetchPage(filtered, (s: any) => s.select(selectGrant(info)), {
    page: query.page,
    pageSize: query.pageSize,
    sortColumn: query.sortColumn,
    idColumn: `${info.table}.id`,
    descending: query.descending,
    memory: pageMemoryOf(db),
    db,
  }) as Promise<Page<Grant>>;
}

/** Every live grant on the given targets (for the details views): one query whatever the count. */
export async function grantsOnTargets(
  db: Db,
  accountId: string,
  kind: GrantKind,
  targetIds: readonly string[],
): Promise<Grant[]> {
  if (targetIds.length === 0) return [];
  const info = grantKinds[kind];
  const subjectSort = info.subjectTable === 'users' ? 'users.username_key' : 'user_groups.name_key';
  return liveGrants(db, accountId, info)
    .select(selectGrant(info))
    .where(`${info.table}.${info.targetColumn}`, 'in', targetIds)
    .orderBy(subjectSort)
    .orderBy(`${info.table}.id`)
    .execute();
}

/**
 * The live records of the account among `ids`, in any of the four tables a grant names (users have no
 * named-record repository; this is what grants need of them).
 */
export async function liveRecords<T extends RecordTable>(
  db: Db,
  accountId: string,
  table: T,
  ids: readonly string[],
): Promise<(Database[T] & { id: string })[]> {
  if (ids.length === 0) return [];
  return q(db)
    .selectFrom(table)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .where('deleted', '=', LIVE)
    .execute();
}

/**
 * Every grant of the kind to the given subjects whose target is live (users' and groups' details), as
 * rows of the kind's table, by target name: one query whatever the count.
 */
export async function grantsOfSubjects<K extends GrantKind>(
  db: Db,
  accountId: string,
  kind: K,
  subjectIds: readonly string[],
): Promise<PermissionRows[K][]> {
  if (subjectIds.length === 0) return [];
  const info = grantKinds[kind];
  const t = info.table;
  return q(db)
    .selectFrom(t)
    .innerJoin(info.targetTable, `${info.targetTable}.id`, `${t}.${info.targetColumn}`)
    .selectAll(t)
    .where(`${t}.account_id`, '=', accountId)
    .where(`${t}.${info.subjectColumn}`, 'in', subjectIds)
    .where(`${info.targetTable}.deleted`, '=', LIVE)
    .orderBy(`${info.targetTable}.name_key`)
    .orderBy(`${t}.id`)
    .execute();
}

const kindsOf = (side: 'subjectTable' | 'targetTable', table: RecordTable) =>
  (Object.values(grantKinds) as GrantKindInfo[]).filter((info) => info[side] === table);

/** Removes every permission on a project or a drive (part of deleting it): the users', then the groups'. */
export async function deletePermissionsOn(
  db: Db,
  accountId: string,
  target: 'projects' | 'shared_cloud_drives',
  targetId: string,
): Promise<void> {
  for (const info of kindsOf('targetTable', target)) {
    await q(db).deleteFrom(info.table).where('account_id', '=', accountId).where(info.targetColumn, '=', targetId).execute();
  }
}

/** Removes every permission granted to a user or a group (part of deleting it): on projects, then on drives. */
export async function deletePermissionsOf(
  db: Db,
  accountId: string,
  subject: 'users' | 'user_groups',
  subjectId: string,
): Promise<void> {
  for (const info of kindsOf('subjectTable', subject)) {
    await q(db).deleteFrom(info.table).where('account_id', '=', accountId).where(info.subjectColumn, '=', subjectId).execute();
  }
}
