import { hashPassword } from '../src/domain/passwords.js';
import { newId, nameKey, now } from '../src/store/listing.js';
import { insertUser, UserStatus } from '../src/store/users.js';
import { Client, type TestServer } from './helpers.js';

/**
 * Factories that create users, groups and memberships directly in the store (so that a test does not
 * depend on the user and group controllers), then sign users in over HTTP like any client.
 */

export interface TestUser {
  accountId: string;
  userId: string;
  email: string;
  password: string;
  token: string;
  client: Client;
}

let counter = 0;
const PASSWORD = 'factory-password-1';
// scrypt is costly; one hash serves every factory user of the process.
let passwordHash: Promise<string> | undefined;

/** An Active user of the account with the given userType (flags), signed in over HTTP. */
export async function createUser(
  server: TestServer,
  accountId: string,
  options: { userType: number; username?: string; firstname?: string; lastname?: string },
): Promise<TestUser> {
  counter++;
  const email = options.username ?? `user${counter}-${Date.now()}@example.com`;
  passwordHash ??= hashPassword(PASSWORD);
  const row = await insertUser(server.ctx.store.db, {
    account_id: accountId,
    username: email,
    email,
    firstname: options.firstname ?? `First${counter}`,
    lastname: options.lastname ?? `Last${counter}`,
    user_type: options.userType,
    status: UserStatus.Active,
    owner: 0,
    mfa: 0,
    mfa_secret: null,
    mfa_pending_secret: null,
    password_hash: await passwordHash,
    auth_provider: 0,
    migration: 0,
    deleted: 0,
    signup_date: now(),
  });
  // The desktop login type matching the user's role (16 DesktopAdmin, 32 Creative, 64 Standard).
  const type = [16, 32, 64].find((t) => (options.userType & t) !== 0) ?? 16;
  const login = await new Client(server.url).post('/authentication/login', { username: email, password: PASSWORD, type });
  if (login.status !== 200 || !login.body.jwtToken) throw new Error(`login failed: ${login.status} ${login.text}`);
  const token = login.body.jwtToken as string;
  return { accountId, userId: row.id, email, password: PASSWORD, token, client: new Client(server.url, token) };
}

/** A live user group of the account. */
export async function createGroup(server: TestServer, accountId: string, name: string): Promise<{ id: string; name: string }> {
  const id = newId();
  const at = now();
  await server.ctx.store.db
    .insertInto('user_groups')
    .values({
      id,
      account_id: accountId,
      name,
      name_key: nameKey(name),
      description: '',
      active: 1,
      deleted: 0,
      create_date: at,
      update_date: at,
    })
    .execute();
  return { id, name };
}

/** Makes the user a member of the group. */
export async function addMember(server: TestServer, accountId: string, userGroupId: string, userId: string): Promise<void> {
  await server.ctx.store.db
    .insertInto('user_user_groups')
    .values({ id: newId(), account_id: accountId, user_id: userId, user_group_id: userGroupId, create_date: now() })
    .execute();
}

/** Soft-deletes a user or a group directly in the store. */
export async function softDelete(server: TestServer, table: 'users' | 'user_groups', id: string): Promise<void> {
  await server.ctx.store.db.updateTable(table).set({ deleted: 1, update_date: now() }).where('id', '=', id).execute();
}
