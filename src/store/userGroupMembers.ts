import { sql, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { containsPattern, fetchPage, likeEscape, LIVE, newId, now, type Page } from './listing.js';
import { pageMemoryOf } from './pageMemory.js';
import type { Selectable } from 'kysely';
import type { UserGroupTable, UserUserGroupTable } from './types.js';

export type UserUserGroup = Selectable<UserUserGroupTable>;

/** A user's membership of a user group (the UserUserGroup join record). */
export interface Membership {
  userId: string;
  userGroupId: string;
}

const CHUNK = 500;

/** Inserts the memberships that do not exist yet; existing pairs are left alone (the documented silent skip). */
export async function insertMemberships(db: Db, accountId: string, pairs: readonly Membership[]): Promise<void> {
  const at = now();
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const rows = pairs.slice(i, i + CHUNK).map((p) => ({
      id: newId(),
      account_id: accountId,
      user_id: p.userId,
      user_group_id: p.userGroupId,
      create_date: at,
    }));
    await db
      .insertInto('user_user_groups')
      .values(rows)
      .onConflict((oc) => oc.doNothing()) // a member already
      .execute();
  }
}

export async function deleteMembership(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_user_groups')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Removes every membership of a user (or of a group): part of deleting it. */
export async function deleteMembershipsOf(
  db: Db,
  accountId: string,
  of: { userId: string } | { userGroupId: string },
): Promise<void> {
  const [column, value] = 'userId' in of ? (['user_id', of.userId] as const) : (['user_group_id', of.userGroupId] as const);
  await db.deleteFrom('user_user_groups').where('account_id', '=', accountId).where(column, '=', value).execute();
}

export interface MembershipListQuery {
  page: number;
  pageSize: number;
  /** Qualified column of `users`, `user_groups` or `user_user_groups` to sort by. */
  sortColumn: string;
  descending: boolean;
  /** Case-insensitive substring filter: on the username when listing a group's users, on the group name otherwise. */
  filter?: string;
}

/**
 * One page of the members of a group (or of the groups of a user). Memberships of deleted users or
 * deleted groups are never listed.
 */
export async function listMemberships(
  db: Db,
  accountId: string,
  of: { userGroupId: string } | { userId: string },
  query: MembershipListQuery,
): Promise<Page<UserUserGroup>> {
  let filtered = db
    .selectFrom('user_user_groups')
    .innerJoin('users', 'users.id', 'user_user_groups.user_id')
    .innerJoin('user_groups', 'user_groups.id', 'user_user_groups.user_group_id')
    .where('user_user_groups.account_id', '=', accountId)
    .where('users.deleted', '=', LIVE)
    .where('user_groups.deleted', '=', LIVE);
  if ('userGroupId' in of) {
    filtered = filtered.where('user_user_groups.user_group_id', '=', of.userGroupId);
    if (query.filter) {
      filtered = filtered.where(
        sql<SqlBool>`${sql.ref('users.username_key')} like ${containsPattern(query.filter)} escape ${likeEscape}`,
      );
    }
  } else {
    filtered = filtered.where('user_user_groups.user_id', '=', of.userId);
    if (query.filter) {
      filtered = filtered.where(
        sql<SqlBool>`${sql.ref('user_groups.name_key')} like ${containsPattern(query.filter)} escape ${likeEscape}`,
      );
    }
  }
  return fetchPage(filtered as never, (q: any) => q.selectAll('user_user_groups'), {
    page: query.page,
    pageSize: query.pageSize,
    sortColumn: query.sortColumn,
    idColumn: 'user_user_groups.id',
    descending: query.descending,
    memory: pageMemoryOf(db),
    db,
  }) as Promise<Page<UserUserGroup>>;
}

/**
 * Every membership of the given users (or groups) whose user and group are both live, for the details
 * views: one query whatever the count.
 */
export async function membershipsOf(
  db: Db,
  accountId: string,
  of: { userIds: readonly string[] } | { userGroupIds: readonly string[] },
): Promise<UserUserGroup[]> {
  const [column, ids] =
    'userIds' in of
      ? (['user_user_groups.user_id', of.userIds] as const)
      : (['user_user_groups.user_group_id', of.userGroupIds] as const);
  if (ids.length === 0) return [];
  return db
    .selectFrom('user_user_groups')
    .innerJoin('users', 'users.id', 'user_user_groups.user_id')
    .innerJoin('user_groups', 'user_groups.id', 'user_user_groups.user_group_id')
    .selectAll('user_user_groups')
    .where('user_user_groups.account_id', '=', accountId)
    .where(column, 'in', ids)
    .where('users.deleted', '=', LIVE)
    .where('user_groups.deleted', '=', LIVE)
    .orderBy('user_user_groups.create_date')
    .orderBy('user_user_groups.id')
    .execute();
}

/** Live groups of the account whose folded name is among `nameKeys` or whose id is among `ids` (for imports). */
export async function findGroupsByNameOrId(db: Db, accountId: string, nameKeys: readonly string[], ids: readonly string[]) {
  const found = new Map<string, Selectable<UserGroupTable>>();
  const keys = [...new Set(nameKeys)];
  const uniqueIds = [...new Set(ids)];
  for (const [column, values] of [
    ['name_key', keys],
    ['id', uniqueIds],
  ] as const) {
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await db
        .selectFrom('user_groups')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('deleted', '=', LIVE)
        .where(column, 'in', values.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.set(row.id, row);
    }
  }
  return [...found.values()];
}
