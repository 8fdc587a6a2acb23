import { sql, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { containsPattern, deletedFlag, fetchPage, likeEscape, LIVE, newId, now, type Page } from './listing.js';
import { pageMemoryOf } from './pageMemory.js';
import type { NewUser, User, UserUpdate } from './types.js';

export { OWNER_USER_TYPE, UserStatus, UserType } from './values.js';

export async function createAccount(db: Db, name: string): Promise<string> {
  const id = newId();
  const at = now();
  await db.insertInto('accounts').values({ id, name, subscription_type: 1, create_date: at, update_date: at }).execute();
  return id;
}

export async function findAccount(db: Db, accountId: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

export async function renameAccount(db: Db, accountId: string, name: string): Promise<void> {
  await db.updateTable('accounts').set({ name, update_date: now() }).where('id', '=', accountId).execute();
}

export async function insertUser(
  db: Db,
  user: Omit<NewUser, 'id' | 'username_key' | 'create_date' | 'update_date'>,
): Promise<User> {
  const at = now();
  const row = { ...user, id: newId(), username_key: user.username.toLowerCase(), create_date: at, update_date: at };
  await db.insertInto('users').values(row).execute();
  return (await findUser(db, row.account_id, row.id))!;
}

export async function findUser(db: Db, accountId: string, userId: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .where('deleted', '=', LIVE)
    .executeTakeFirst();
}

/** Sign-in names are unique across accounts, so this lookup is the one query not scoped to an account. */
export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', username.trim().toLowerCase())
    .where('deleted', '=', LIVE)
    .executeTakeFirst();
}

/** Whether the store holds any user at all (a sign-in refused by an empty store is worth a hint in the log). */
export async function anyUser(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function updateUser(db: Db, accountId: string, userId: string, changes: UserUpdate): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...changes, update_date: now() })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/**
 * Records that the user's second factor accepted the code of TOTP time step `step`; false when a code of
 * this step or a later one was accepted before (a replay), so that each code works once even when two
 * requests carry it at the same moment.
 */
export async function claimTotpStep(db: Db, accountId: string, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ mfa_last_step: step })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface UserListQuery {
  page: number;
  pageSize: number;
  /** Column of `users` to sort by (unqualified). */
  sortColumn: string;
  descending: boolean;
  /** UserStatus flags: a user matches when its status is among them. */
  status: number;
  /** UserType flags: a user matches when its type shares a flag with them; all types when absent. */
  userType?: number;
  /** Case-insensitive substring filter on the username. */
  username?: string;
  /** List the soft-deleted users instead of the live ones. */
  deleted?: boolean;
}

/** One page of the account's users with the documented filters, ties broken by id. */
export async function listUsers(db: Db, accountId: string, query: UserListQuery): Promise<Page<User>> {
  let filtered = db
    .selectFrom('users')
    .where('users.account_id', '=', accountId)
    .where('users.deleted', '=', deletedFlag(query.deleted))
    .where(sql<SqlBool>`(${sql.ref('users.status')} & ${query.status}) != 0`);
  if (query.userType !== undefined) {
    filtered = filtered.where(sql<SqlBool>`(${sql.ref('users.user_type')} & ${query.userType}) != 0`);
  }
  if (query.username) {
    filtered = filtered.where(
      sql<SqlBool>`${sql.ref('users.username_key')} like ${containsPattern(query.username)} escape ${likeEscape}`,
    );
  }
  return fetchPage(filtered as never, (q: any) => q.selectAll('users'), {
    page: query.page,
    pageSize: query.pageSize,
    sortColumn: `users.${query.sortColumn}`,
    idColumn: 'users.id',
    descending: query.descending,
    memory: pageMemoryOf(db),
    db,
  }) as Promise<Page<User>>;
}

/** Live users of the account among `ids` (one query whatever the count). */
export async function findUsers(db: Db, accountId: string, ids: readonly string[]): Promise<User[]> {
  const unique = [...new Set(ids)];
  const found: User[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    found.push(
      ...(await db
        .selectFrom('users')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', unique.slice(i, i + CHUNK))
        .where('deleted', '=', LIVE)
        .execute()),
    );
  }
  return found;
}

/** Live users of any account by lower-cased username (sign-in names are unique across accounts). */
export async function findUsersByUsernameKeys(db: Db, keys: readonly string[]): Promise<User[]> {
  const unique = [...new Set(keys)];
  const found: User[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    found.push(
      ...(await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', 'in', unique.slice(i, i + CHUNK))
        .where('deleted', '=', LIVE)
        .execute()),
    );
  }
  return found;
}

/** Inserts several users at once and returns their rows (for imports). */
export async function insertUsers(
  db: Db,
  users: readonly Omit<NewUser, 'id' | 'username_key' | 'create_date' | 'update_date'>[],
): Promise<User[]> {
  const at = now();
  const rows: User[] = users.map((user) => ({
    ...user,
    id: newId(),
    username_key: user.username.toLowerCase(),
    create_date: at,
    update_date: at,
  })) as User[];
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('users')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  return rows;
}

/** Marks a live user deleted; false if there was none. */
export async function softDeleteUser(db: Db, accountId: string, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ deleted: 1, update_date: now() })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .where('deleted', '=', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// SQLite allows 32766 bound parameters; a user row has 21 columns, so 500 rows stay well below.
const CHUNK = 500;
