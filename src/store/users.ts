import type { Db } from './db.js';
import { newId, now } from './listing.js';
import type { NewUser, User, UserUpdate } from './types.js';

export const UserStatus = { Active: 1, Inactive: 2, Pending: 4 } as const;
export const UserType = {
  ProviderAdmin: 1,
  ResellerAdmin: 2,
  AccountAdmin: 4,
  AccountUser: 8,
  DesktopAdmin: 16,
  DesktopCreativeUser: 32,
  DesktopStandardUser: 64,
} as const;
/** An account owner is an admin on both sides: the account (web) and the desktop agent. */
export const OWNER_USER_TYPE = UserType.AccountAdmin | UserType.DesktopAdmin;

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
    .where('deleted', '=', 0)
    .executeTakeFirst();
}

/** Sign-in names are unique across accounts, so this lookup is the one query not scoped to an account. */
export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', username.trim().toLowerCase())
    .where('deleted', '=', 0)
    .executeTakeFirst();
}

export async function updateUser(db: Db, accountId: string, userId: string, changes: UserUpdate): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...changes, update_date: now() })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}
