import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type TestAccount,
  type TestServer,
} from '../../../test/helpers.js';
import {
  activeUser,
  invitationToken,
  invitationTokens,
  invite,
  uniqueEmail,
  type ActiveUser,
} from '../../../test/invitations.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;
/** A second admin of the owner's account (AccountAdmin), signed in. */
let admin: ActiveUser;
/** A non-admin (DesktopStandardUser) of the owner's account, signed in. */
let standard: ActiveUser;
let anonymous: Client;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Users Owner');
  other = await createAccount(server, 'Other Owner');
  anonymous = new Client(server.url);
  admin = await activeUser(server, owner.client, 4);
  standard = await activeUser(server, owner.client, 64);
});
after(() => server.close());

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const USER_KEYS = [
  'accountId',
  'authProvider',
  'createDate',
  'deleted',
  'email',
  'firstname',
  'id',
  'lastname',
  'mfa',
  'migration',
  'owner',
  'signupDate',
  'status',
  'updateDate',
  'userType',
  'username',
];
const listUsers = (client: Client, query: Record<string, string | number | boolean> = {}) =>
  client.get('/user/get_all_users', { pagesize: 1000, ...query });
const findListed = async (client: Client, id: string, query: Record<string, string | number | boolean> = {}) =>
  (await listUsers(client, query)).body.data.find((u: any) => u.id === id);

describe('insert_user', () => {
  test('creates a Pending user without a password and mails a 7-day invitation whose hash alone is stored', async () => {
    const email = uniqueEmail('Ada.');
    const res = await owner.client.post('/user/insert_user', {
      firstname: 'Ada',
      lastname: 'Lovelace',
      username: email,
      email,
      userType: 32,
    });
    assert.equal(res.status, 200, res.text);
    const user = res.body;
    assert.deepEqual(Object.keys(user).sort(), USER_KEYS);
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.equal(user.accountId, owner.accountId);
    assert.equal(user.firstname, 'Ada');
    assert.equal(user.lastname, 'Lovelace');
    assert.equal(user.username, email);
    assert.equal(user.email, email);
    assert.equal(user.userType, 32);
    assert.equal(user.status, 4);
    assert.equal(user.owner, false);
    assert.equal(user.mfa, false);
    assert.equal(user.deleted, false);
    assert.equal(user.signupDate, null);
    assert.equal(user.authProvider, 0);
    assert.equal(user.migration, false);

    const token = invitationToken(server, email);
    const rows = await server.ctx.store.db.selectFrom('one_time_tokens').selectAll().where('user_id', '=', user.id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.purpose, 'invite');
    assert.equal(rows[0]!.token_hash, sha256(token));
    const ttl = Date.parse(rows[0]!.expires_at) - Date.now();
    assert.ok(ttl > 6.9 * 86400_000 && ttl <= 7 * 86400_000, `expiry in ${ttl} ms`);
    const stored = await server.ctx.store.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(stored.password_hash, null);
    assert.ok(!JSON.stringify(await server.ctx.store.db.selectFrom('one_time_tokens').selectAll().execute()).includes(token));

    // A pending user cannot sign in yet.
    const login = await anonymous.post('/authentication/login', { username: email, password: 'anything-at-all' });
    assert.equal(login.status, 401);
  });

  test('firstname and lastname are optional', async () => {
    const email = uniqueEmail();
    const res = await owner.client.post('/user/insert_user', { username: email, email, userType: 8 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.firstname, '');
    assert.equal(res.body.lastname, '');
  });

  test('bad bodies are 499 DEFAULT naming the field', async () => {
    const email = uniqueEmail();
    const good = { firstname: 'A', lastname: 'B', username: email, email, userType: 32 };
    const insert = (body: unknown) => owner.client.post('/user/insert_user', body);
    expectError(await insert({ ...good, username: undefined }), 499, 'DEFAULT', /'username' is required/);
    expectError(await insert({ ...good, email: undefined }), 499, 'DEFAULT', /'email' is required/);
    expectError(await insert({ ...good, userType: undefined }), 499, 'DEFAULT', /'userType' is required/);
    expectError(await insert({ ...good, userType: '32' }), 499, 'DEFAULT', /'userType' must be of type integer/);
    expectError(await insert({ ...good, firstname: 7 }), 499, 'DEFAULT', /'firstname' must be of type string/);
    expectError(await insert({ ...good, firstname: 'x'.repeat(51) }), 499, 'DEFAULT', /'firstname' must be at most 50/);
    expectError(await insert({ ...good, lastname: 'x'.repeat(51) }), 499, 'DEFAULT', /'lastname' must be at most 50/);
    const long = `${'x'.repeat(40)}@example.com`;
    expectError(await insert({ ...good, username: long, email: long }), 499, 'DEFAULT', /'username' must be at most 50/);
    expectError(await insert({ ...good, username: 'not-an-email' }), 499, 'DEFAULT', /'username' must be a valid email/);
    expectError(await insert({ ...good, email: 'nope' }), 499, 'DEFAULT', /'email' must be a valid email/);
    expectError(await insert({ ...good, userType: 1 }), 499, 'DEFAULT', /ProviderAdmin/);
    expectError(await insert({ ...good, userType: 0 }), 499, 'DEFAULT', /'userType'/);
    expectError(await insert({ ...good, userType: 128 }), 499, 'DEFAULT', /'userType'/);
    expectError(await insert([good]), 499, 'DEFAULT', /object/);
    const raw = await owner.client.request('POST', '/user/insert_user', {
      raw: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expectError(raw, 499, 'DEFAULT', /JSON/);
    assert.equal(invitationTokens(server, email).length, 0);
  });

  test('usernames are unique across accounts, case-insensitively (DUPLICATE)', async () => {
    const mine = await invite(owner.client);
    expectError(
      await owner.client.post('/user/insert_user', { username: mine.username.toUpperCase(), email: mine.email, userType: 8 }),
      499,
      'DUPLICATE',
    );
    // The other account's owner already signs in with this name.
    expectError(
      await owner.client.post('/user/insert_user', { username: other.email, email: other.email, userType: 8 }),
      499,
      'DUPLICATE',
    );
    expectError(
      await other.client.post('/user/insert_user', { username: mine.username, email: mine.email, userType: 8 }),
      499,
      'DUPLICATE',
    );
  });
});

describe('the invitation flow', () => {
  test('insert_user → outbox → signupinfo → signup → login', async () => {
    const email = uniqueEmail('flow');
    const created = await invite(owner.client, { username: email, email, firstname: 'Grace', lastname: 'Hopper', userType: 64 });
    const token = invitationToken(server, email);

    const info = await anonymous.get('/user/signupinfo', { token });
    assert.equal(info.status, 200, info.text);
    assert.equal(info.body.username, email);
    assert.equal(info.body.email, email);
    assert.equal(info.body.firstname, 'Grace');
    assert.equal(info.body.lastname, 'Hopper');
    assert.equal(info.body.accountName, 'Users Owner');
    assert.equal(info.body.accountId, owner.accountId);
    assert.equal(info.body.userId, created.id);
    assert.equal(info.body.userType, 64);

    expectError(await anonymous.post('/user/signup', { password: 'short', token }), 499, 'DEFAULT', /at least 8/);
    expectError(await anonymous.post('/user/signup', { token }), 499, 'DEFAULT', /'password' is required/);
    expectError(await anonymous.post('/user/signup', { password: 'long-enough-pw' }), 499, 'DEFAULT', /'token' is required/);
    expectError(
      await anonymous.post('/user/signup', { password: 'long-enough-pw', token, firstname: 'x'.repeat(51) }),
      499,
      'DEFAULT',
      /'firstname'/,
    );

    const signup = await anonymous.post('/user/signup', {
      firstname: 'Amazing',
      lastname: 'Grace',
      password: 'cobol-rules-1959',
      token,
    });
    assert.equal(signup.status, 200, signup.text);
    assert.equal(signup.text, '');

    const listed = await findListed(owner.client, created.id);
    assert.equal(listed.status, 1);
    assert.equal(listed.firstname, 'Amazing');
    assert.equal(listed.lastname, 'Grace');
    assert.ok(listed.signupDate);

    const login = await anonymous.post('/authentication/login', { username: email, password: 'cobol-rules-1959' });
    assert.equal(login.status, 200, login.text);
    const me = await new Client(server.url, login.body.jwtToken).get('/authentication/user');
    assert.equal(me.status, 200);
    assert.equal(me.body.userId, created.id);
    assert.equal(me.body.accountId, owner.accountId);

    // The token works once.
    expectError(await anonymous.get('/user/signupinfo', { token }), 499, 'TOKEN');
    expectError(await anonymous.post('/user/signup', { password: 'another-password', token }), 499, 'TOKEN');
  });

  test('unknown, missing and expired tokens are 499 TOKEN', async () => {
    expectError(await anonymous.get('/user/signupinfo', { token: 'not-a-real-token' }), 499, 'TOKEN');
    expectError(await anonymous.get('/user/signupinfo'), 499, 'TOKEN');
    expectError(await anonymous.post('/user/signup', { password: 'long-enough-pw', token: 'not-a-real-token' }), 499, 'TOKEN');
    // A session token is not an invitation token.
    expectError(await anonymous.get('/user/signupinfo', { token: owner.token }), 499, 'TOKEN');

    const user = await invite(owner.client);
    const token = invitationToken(server, user.email);
    await server.ctx.store.db
      .updateTable('one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user.id)
      .execute();
    expectError(await anonymous.get('/user/signupinfo', { token }), 499, 'TOKEN');
    expectError(await anonymous.post('/user/signup', { password: 'long-enough-pw', token }), 499, 'TOKEN');
    assert.equal((await findListed(owner.client, user.id)).status, 4);
  });

  test('a deleted user’s invitation no longer works', async () => {
    const user = await invite(owner.client);
    const token = invitationToken(server, user.email);
    assert.equal((await owner.client.delete('/user/delete_user', { id: user.id })).status, 200);
    expectError(await anonymous.get('/user/signupinfo', { token }), 499, 'TOKEN');
    expectError(await anonymous.post('/user/signup', { password: 'long-enough-pw', token }), 499, 'TOKEN');
  });
});

describe('resend_user_email', () => {
  test('regenerates the token, by id or by username; the old token stops working', async () => {
    const user = await invite(owner.client);
    const first = invitationToken(server, user.email);
    const res = await owner.client.post('/user/resend_user_email', { ...user });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    const tokens = invitationTokens(server, user.email);
    assert.equal(tokens.length, 2);
    const second = tokens.find((t) => t !== first)!;
    expectError(await anonymous.get('/user/signupinfo', { token: first }), 499, 'TOKEN');
    assert.equal((await anonymous.get('/user/signupinfo', { token: second })).status, 200);

    assert.equal((await owner.client.post('/user/resend_user_email', { username: user.username.toUpperCase() })).status, 200);
    const third = invitationTokens(server, user.email).find((t) => t !== first && t !== second)!;
    expectError(await anonymous.get('/user/signupinfo', { token: second }), 499, 'TOKEN');
    assert.equal((await anonymous.post('/user/signup', { password: 'long-enough-pw', token: third })).status, 200);
  });

  test('a user that is not Pending is 499 DEFAULT; unknown or foreign users are NOT_FOUND', async () => {
    expectError(await owner.client.post('/user/resend_user_email', { id: standard.user.id }), 499, 'DEFAULT', /not pending/);
    expectError(await owner.client.post('/user/resend_user_email', { id: owner.userId }), 499, 'DEFAULT', /not pending/);
    expectError(await owner.client.post('/user/resend_user_email', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await owner.client.post('/user/resend_user_email', { username: 'nobody@example.com' }), 499, 'NOT_FOUND');
    const theirs = await invite(other.client);
    expectError(await owner.client.post('/user/resend_user_email', { id: theirs.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.post('/user/resend_user_email', { username: theirs.username }), 499, 'NOT_FOUND');
    assert.equal(invitationTokens(server, theirs.email).length, 1);
    expectError(await owner.client.post('/user/resend_user_email', {}), 499, 'DEFAULT', /'id' or 'username'/);
    expectError(await owner.client.post('/user/resend_user_email', { id: 'x' }), 499, 'DEFAULT', /uuid/);
  });
});

describe('edit_user', () => {
  test('replaces the given fields and keeps the others; a User from get_all_users round-trips', async () => {
    const user = await invite(owner.client, { firstname: 'Old', lastname: 'Name', userType: 32 });
    const res = await owner.client.put('/user/edit_user', { id: user.id, firstname: 'New' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.firstname, 'New');
    assert.equal(res.body.lastname, 'Name');
    assert.equal(res.body.userType, 32);
    assert.equal(res.body.status, 4);
    assert.equal(res.body.username, user.username);

    const listed = await findListed(owner.client, user.id);
    const roundTrip = await owner.client.put('/user/edit_user', { ...listed, lastname: 'Changed', userType: 64 });
    assert.equal(roundTrip.status, 200, roundTrip.text);
    assert.equal(roundTrip.body.lastname, 'Changed');
    assert.equal(roundTrip.body.userType, 64);
    assert.equal(roundTrip.body.accountId, owner.accountId);
    assert.ok(roundTrip.body.updateDate >= listed.updateDate);
  });

  test('username and email changes keep usernames unique', async () => {
    const user = await invite(owner.client);
    const renamed = uniqueEmail('renamed');
    const res = await owner.client.put('/user/edit_user', { id: user.id, username: renamed, email: renamed });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.username, renamed);
    assert.equal(res.body.email, renamed);
    // The old name is free again.
    assert.equal(
      (await owner.client.post('/user/insert_user', { username: user.username, email: user.email, userType: 8 })).status,
      200,
    );
    expectError(await owner.client.put('/user/edit_user', { id: user.id, username: other.email }), 499, 'DUPLICATE');
    expectError(
      await owner.client.put('/user/edit_user', { id: user.id, username: standard.user.username.toUpperCase() }),
      499,
      'DUPLICATE',
    );
    expectError(await owner.client.put('/user/edit_user', { id: user.id, username: 'nope' }), 499, 'DEFAULT', /'username'/);
    expectError(await owner.client.put('/user/edit_user', { id: user.id, email: 'nope' }), 499, 'DEFAULT', /'email'/);
    // Changing only the case of one's own username is fine.
    const upper = await owner.client.put('/user/edit_user', { id: user.id, username: renamed.toUpperCase() });
    assert.equal(upper.status, 200, upper.text);
  });

  test('status: Active/Inactive by an admin; an inactive user is signed out and cannot sign in', async () => {
    const target = await activeUser(server, owner.client, 32);
    const off = await owner.client.put('/user/edit_user', { id: target.user.id, status: 2 });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.status, 2);
    expectError(await target.client.get('/authentication/user'), 401, 'SESSION');
    expectError(
      await anonymous.post('/authentication/login', { username: target.user.username, password: target.password }),
      499,
      'INACTIVE_USER',
    );
    const on = await owner.client.put('/user/edit_user', { id: target.user.id, status: 1 });
    assert.equal(on.body.status, 1);
    assert.equal(
      (await anonymous.post('/authentication/login', { username: target.user.username, password: target.password })).status,
      200,
    );

    expectError(await owner.client.put('/user/edit_user', { id: target.user.id, status: 4 }), 499, 'DEFAULT', /Pending/);
    expectError(await owner.client.put('/user/edit_user', { id: target.user.id, status: 3 }), 499, 'DEFAULT', /'status'/);
    const pending = await invite(owner.client);
    expectError(await owner.client.put('/user/edit_user', { id: pending.id, status: 1 }), 499, 'DEFAULT', /invitation/);
    // Sending back a pending user's own status is no change.
    assert.equal((await owner.client.put('/user/edit_user', { id: pending.id, status: 4 })).status, 200);
  });

  test("the owner's userType and status cannot change (499 ACCESS); admins cannot deactivate themselves", async () => {
    expectError(await owner.client.put('/user/edit_user', { id: owner.userId, userType: 8 }), 499, 'ACCESS', /owner's userType/);
    expectError(await admin.client.put('/user/edit_user', { id: owner.userId, userType: 8 }), 499, 'ACCESS', /owner's userType/);
    expectError(await admin.client.put('/user/edit_user', { id: owner.userId, status: 2 }), 499, 'ACCESS');
    expectError(await admin.client.put('/user/edit_user', { id: owner.userId, email: uniqueEmail() }), 499, 'ACCESS');
    expectError(await admin.client.put('/user/edit_user', { id: admin.user.id, status: 2 }), 499, 'ACCESS', /yourself/);
    // Names of the owner may be changed, and the owner's unchanged type may be sent back.
    const named = await admin.client.put('/user/edit_user', { id: owner.userId, firstname: 'Renamed', userType: 20 });
    assert.equal(named.status, 200, named.text);
    assert.equal(named.body.firstname, 'Renamed');
    assert.equal(named.body.owner, true);
  });

  test('unknown ids, other accounts’ ids and bad bodies', async () => {
    const theirs = await invite(other.client);
    expectError(await owner.client.put('/user/edit_user', { id: UNKNOWN_ID, firstname: 'X' }), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/user/edit_user', { id: theirs.id, firstname: 'X' }), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/user/edit_user', { firstname: 'X' }), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.put('/user/edit_user', { id: 'x' }), 499, 'DEFAULT', /uuid/);
    expectError(await owner.client.put('/user/edit_user', { id: theirs.id, userType: 'admin' }), 499, 'DEFAULT', /'userType'/);
    expectError(
      await owner.client.put('/user/edit_user', { id: theirs.id, lastname: 'x'.repeat(51) }),
      499,
      'DEFAULT',
      /'lastname'/,
    );
    const user = await invite(owner.client);
    expectError(await owner.client.put('/user/edit_user', { id: user.id, userType: 2 }), 499, 'DEFAULT', /ResellerAdmin/);
    assert.equal((await findListed(other.client, theirs.id)).firstname, 'Given');
  });
});

describe('delete_user', () => {
  test('soft-deletes: ends sessions, removes memberships and permissions in one go; the username is free again', async () => {
    const target = await activeUser(server, owner.client, 32);
    const group = await owner.client.post('/usergroup/insert', { name: `Delete Group ${randomUUID()}` });
    assert.equal(group.status, 200, group.text);
    assert.equal(
      (await owner.client.post('/usergroup/assign_users', [{ userId: target.user.id, userGroupId: group.body.id }])).status,
      200,
    );
    const project = await owner.client.post('/projects/insert', { name: `Delete Project ${randomUUID()}` });
    const at = new Date().toISOString();
    await server.ctx.store.db
      .insertInto('user_project_permissions')
      .values({
        id: randomUUID(),
        account_id: owner.accountId,
        user_id: target.user.id,
        project_id: project.body.id,
        permission_type: 1,
        create_date: at,
        update_date: at,
      })
      .execute();
    assert.equal((await target.client.get('/authentication/user')).status, 200);

    const res = await owner.client.delete('/user/delete_user', { id: target.user.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');

    assert.equal((await target.client.get('/authentication/user')).status, 401);
    assert.equal(
      (await anonymous.post('/authentication/login', { username: target.user.username, password: target.password })).status,
      401,
    );
    assert.equal(await findListed(owner.client, target.user.id), undefined);
    const deleted = await findListed(owner.client, target.user.id, { deleted: true });
    assert.equal(deleted.deleted, true);
    const members = await owner.client.get('/usergroup/get_assigned_users', { userGroupId: group.body.id });
    assert.equal(members.body.total, 0);
    const db = server.ctx.store.db;
    assert.equal((await db.selectFrom('user_user_groups').selectAll().where('user_id', '=', target.user.id).execute()).length, 0);
    assert.equal(
      (await db.selectFrom('user_project_permissions').selectAll().where('user_id', '=', target.user.id).execute()).length,
      0,
    );

    expectError(await owner.client.delete('/user/delete_user', { id: target.user.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/user/edit_user', { id: target.user.id, firstname: 'Back' }), 499, 'NOT_FOUND');
    const again = await owner.client.post('/user/insert_user', {
      username: target.user.username,
      email: target.user.email,
      userType: 8,
    });
    assert.equal(again.status, 200, again.text);
    assert.notEqual(again.body.id, target.user.id);
  });

  test('the owner and oneself cannot be deleted (ACCESS); unknown and foreign ids are NOT_FOUND', async () => {
    expectError(await admin.client.delete('/user/delete_user', { id: owner.userId }), 499, 'ACCESS', /owner/);
    expectError(await owner.client.delete('/user/delete_user', { id: owner.userId }), 499, 'ACCESS', /owner/);
    expectError(await admin.client.delete('/user/delete_user', { id: admin.user.id }), 499, 'ACCESS', /yourself/);
    expectError(await owner.client.delete('/user/delete_user', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/user/delete_user', { id: other.userId }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/user/delete_user'), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.delete('/user/delete_user', { id: 'abc' }), 499, 'DEFAULT', /uuid/);
    assert.equal((await admin.client.get('/authentication/user')).status, 200);
  });
});

describe('get_all_users', () => {
  let listOwner: TestAccount;
  const ids: string[] = [];
  before(async () => {
    listOwner = await createAccount(server, 'Paging Owner');
    for (let i = 0; i < 124; i++) {
      const email = `pager${String(i).padStart(3, '0')}-${randomUUID().slice(0, 8)}@Example.com`;
      const res = await listOwner.client.post('/user/insert_user', {
        firstname: i % 3 === 0 ? 'Same' : `First${i % 7}`,
        lastname: `Last${i}`,
        username: email,
        email,
        userType: [8, 32, 64, 4][i % 4],
      });
      assert.equal(res.status, 200, res.text);
      ids.push(res.body.id);
    }
  });

  test('defaults: CreateDate descending, pagesize 50, all statuses and types, owner included', async () => {
    const res = await listOwner.client.get('/user/get_all_users');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, 125);
    assert.equal(res.body.data.length, 50);
    assert.deepEqual(res.body.options, { page: 1, pageSize: 50, sort: [{ field: 'CreateDate', descending: true }] });
    const dates = res.body.data.map((u: any) => u.createDate);
    assert.deepEqual(dates, [...dates].sort().reverse());
    for (const u of res.body.data) assert.deepEqual(Object.keys(u).sort(), USER_KEYS);
    const last = await listOwner.client.get('/user/get_all_users', { page: 3 });
    assert.equal(last.body.data.at(-1).id, listOwner.userId);
  });

  for (const [sortfield, descending] of [
    ['CreateDate', 'true'],
    ['Firstname', 'false'],
    ['UserType', 'true'],
    ['Username', 'false'],
  ] as const) {
    test(`pages through 125 users by ${sortfield} without gaps or repeats`, async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 18; page++) {
        const res = await listOwner.client.get('/user/get_all_users', { page, pagesize: 7, sortfield, descending });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.total, 125);
        seen.push(...res.body.data.map((u: any) => u.id));
      }
      assert.equal(seen.length, 125);
      assert.equal(new Set(seen).size, 125);
      for (const id of [...ids, listOwner.userId]) assert.ok(seen.includes(id));
      const all = await listOwner.client.get('/user/get_all_users', { pagesize: 1000, sortfield, descending });
      assert.deepEqual(
        all.body.data.map((u: any) => u.id),
        seen,
      );
      const past = await listOwner.client.get('/user/get_all_users', { page: 19, pagesize: 7, sortfield });
      assert.deepEqual(past.body.data, []);
      assert.equal(past.body.total, 125);
    });
  }

  test('sort fields are case-insensitive; unknown ones and bad paging are 499 DEFAULT', async () => {
    const res = await listOwner.client.get('/user/get_all_users', { sortfield: 'username', descending: false, pagesize: 200 });
    const names = res.body.data.map((u: any) => u.username.toLowerCase());
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(res.body.options.sort, [{ field: 'Username', descending: false }]);
    for (const field of ['Email', 'Lastname', 'UpdateDate', 'Status', 'Id']) {
      assert.equal((await listOwner.client.get('/user/get_all_users', { sortfield: field })).status, 200, field);
    }
    expectError(await listOwner.client.get('/user/get_all_users', { sortfield: 'PasswordHash' }), 499, 'DEFAULT', /sortfield/);
    expectError(await listOwner.client.get('/user/get_all_users', { pagesize: 0 }), 499, 'DEFAULT', /'pagesize'/);
    expectError(await listOwner.client.get('/user/get_all_users', { pagesize: 1001 }), 499, 'DEFAULT', /'pagesize'/);
    expectError(await listOwner.client.get('/user/get_all_users', { page: 0 }), 499, 'DEFAULT', /'page'/);
    expectError(await listOwner.client.get('/user/get_all_users', { userStatus: 'x' }), 499, 'DEFAULT', /'userStatus'/);
    expectError(await listOwner.client.get('/user/get_all_users', { userStatus: 8 }), 499, 'DEFAULT', /'userStatus'/);
    expectError(await listOwner.client.get('/user/get_all_users', { userType: 128 }), 499, 'DEFAULT', /'userType'/);
    expectError(await listOwner.client.get('/user/get_all_users', { descending: 'maybe' }), 499, 'DEFAULT', /'descending'/);
  });

  test('filters: userStatus flags, userType flags, username substring', async () => {
    const pending = await listOwner.client.get('/user/get_all_users', { userStatus: 4, pagesize: 1000 });
    assert.equal(pending.body.total, 124);
    const active = await listOwner.client.get('/user/get_all_users', { userStatus: 1 });
    assert.deepEqual(
      active.body.data.map((u: any) => u.id),
      [listOwner.userId],
    );
    assert.equal((await listOwner.client.get('/user/get_all_users', { userStatus: 2 })).body.total, 0);
    assert.equal((await listOwner.client.get('/user/get_all_users', { userStatus: 3 })).body.total, 1);

    const creative = await listOwner.client.get('/user/get_all_users', { userType: 32, pagesize: 1000 });
    assert.equal(creative.body.total, 31);
    for (const u of creative.body.data) assert.equal(u.userType & 32, 32);
    // Flags: 4 matches the AccountAdmins and the owner (AccountAdmin | DesktopAdmin).
    const admins = await listOwner.client.get('/user/get_all_users', { userType: 4, pagesize: 1000 });
    assert.equal(admins.body.total, 32);
    assert.equal((await listOwner.client.get('/user/get_all_users', { userType: 8 | 64, pagesize: 1000 })).body.total, 62);

    const byName = await listOwner.client.get('/user/get_all_users', { username: 'PAGER01', pagesize: 1000 });
    assert.equal(byName.body.total, 10);
    for (const u of byName.body.data) assert.match(u.username, /^pager01/);
    assert.equal((await listOwner.client.get('/user/get_all_users', { username: '%' })).body.total, 0);
    assert.equal((await listOwner.client.get('/user/get_all_users', { username: 'pager0', userType: 32 })).body.total, 25);
  });

  test('another account’s users never appear', async () => {
    const res = await owner.client.get('/user/get_all_users', { pagesize: 1000 });
    for (const u of res.body.data) assert.equal(u.accountId, owner.accountId);
    assert.ok(!res.body.data.some((u: any) => ids.includes(u.id)));
  });
});

describe('get_all_users_with_details', () => {
  test('inlines groups and direct grants under both the Click and the Web keys', async () => {
    const target = await invite(owner.client, { firstname: 'Detailed' });
    const group = (await owner.client.post('/usergroup/insert', { name: `Details Group ${randomUUID()}` })).body;
    await owner.client.post('/usergroup/assign_users', [{ userId: target.id, userGroupId: group.id }]);
    const project = (await owner.client.post('/projects/insert', { name: `Details Project ${randomUUID()}` })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: `Drive ${randomUUID().slice(0, 8)}` })).body;
    const at = new Date().toISOString();
    const projectPermissionId = randomUUID();
    const drivePermissionId = randomUUID();
    await server.ctx.store.db
      .insertInto('user_project_permissions')
      .values({
        id: projectPermissionId,
        account_id: owner.accountId,
        user_id: target.id,
        project_id: project.id,
        permission_type: 2,
        create_date: at,
        update_date: at,
      })
      .execute();
    await server.ctx.store.db
      .insertInto('user_shared_cloud_drive_permissions')
      .values({
        id: drivePermissionId,
        account_id: owner.accountId,
        user_id: target.id,
        shared_cloud_drive_id: drive.id,
        permission_type: 1,
        create_date: at,
        update_date: at,
      })
      .execute();

    const res = await owner.client.get('/user/get_all_users_with_details', { username: target.username });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, 1);
    const item = res.body.data[0];
    assert.deepEqual(Object.keys(item).slice(USER_KEYS.length), [
      'userGroups',
      'projects',
      'sharedCloudDrives',
      'groups',
      'projectsData',
      'drivesData',
    ]);
    assert.equal(item.id, target.id);
    assert.equal(item.firstname, 'Detailed');
    assert.equal(item.userGroups.length, 1);
    assert.equal(item.userGroups[0].userGroup.id, group.id);
    assert.equal(item.userGroups[0].user.id, target.id);
    assert.equal(item.userGroups[0].userUserGroup.userId, target.id);
    assert.equal(item.userGroups[0].userUserGroup.userGroupId, group.id);
    assert.deepEqual(item.projects, [
      {
        project,
        permission: {
          id: projectPermissionId,
          userId: target.id,
          projectId: project.id,
          permissionType: 2,
          createDate: at,
          updateDate: at,
        },
      },
    ]);
    assert.equal(item.sharedCloudDrives.length, 1);
    assert.equal(item.sharedCloudDrives[0].sharedCloudDrive.id, drive.id);
    assert.deepEqual(item.sharedCloudDrives[0].permission, {
      id: drivePermissionId,
      userId: target.id,
      sharedCloudDriveId: drive.id,
      permissionType: 1,
      createDate: at,
      updateDate: at,
    });
    assert.deepEqual(item.groups, item.userGroups);
    assert.deepEqual(item.projectsData, item.projects);
    assert.deepEqual(item.drivesData, item.sharedCloudDrives);

    // A deleted project disappears from the details.
    await owner.client.delete('/projects/delete', { id: project.id });
    const after = await owner.client.get('/user/get_all_users_with_details', { username: target.username });
    assert.deepEqual(after.body.data[0].projects, []);
  });

  test('a fixed number of queries per request, whatever the page size', async () => {
    const count = async (pagesize: number) => {
      await owner.client.get('/authentication/user'); // the session row is then cached: only the list is counted
      const before = server.ctx.store.queryCount();
      const res = await owner.client.get('/user/get_all_users_with_details', { pagesize });
      assert.equal(res.status, 200);
      assert.equal(res.body.data.length, Math.min(pagesize, res.body.total));
      return server.ctx.store.queryCount() - before;
    };
    // Every user of both pages has a group, a project and a drive, so that each request runs every query.
    const group = (await owner.client.post('/usergroup/insert', { name: `Counted ${randomUUID()}` })).body;
    const project = (await owner.client.post('/projects/insert', { name: `Counted ${randomUUID()}` })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: `Counted ${randomUUID().slice(0, 8)}` })).body;
    const at = new Date().toISOString();
    const all = (await owner.client.get('/user/get_all_users', { pagesize: 1000 })).body.data;
    for (let i = 0; i < 12; i++) all.unshift(await invite(owner.client));
    await owner.client.post(
      '/usergroup/assign_users',
      all.map((u: any) => ({ userId: u.id, userGroupId: group.id })),
    );
    for (const u of all) {
      const row = { account_id: owner.accountId, user_id: u.id, permission_type: 1, create_date: at, update_date: at };
      await server.ctx.store.db
        .insertInto('user_project_permissions')
        .values({ ...row, id: randomUUID(), project_id: project.id })
        .execute();
      await server.ctx.store.db
        .insertInto('user_shared_cloud_drive_permissions')
        .values({ ...row, id: randomUUID(), shared_cloud_drive_id: drive.id })
        .execute();
    }
    assert.ok((await owner.client.get('/user/get_all_users', { pagesize: 1 })).body.total > 12);
    const small = await count(2);
    const large = await count(1000);
    assert.equal(large, small);
  });
});

describe('access', () => {
  const endpoints: [string, string, unknown?, Record<string, string>?][] = [
    ['GET', '/user/get_all_users'],
    ['GET', '/user/get_all_users_with_details'],
    ['POST', '/user/insert_user', { username: 'x@example.com', email: 'x@example.com', userType: 8 }],
    ['PUT', '/user/edit_user', { id: UNKNOWN_ID, firstname: 'X' }],
    ['DELETE', '/user/delete_user', undefined, { id: UNKNOWN_ID }],
    ['POST', '/user/resend_user_email', { id: UNKNOWN_ID }],
  ];

  test('a non-admin gets 499 ACCESS on every endpoint', async () => {
    for (const [method, route, body, query] of endpoints) {
      expectError(await standard.client.request(method, route, { body, query }), 499, 'ACCESS');
    }
    // Nothing was changed on its behalf.
    expectError(await standard.client.put('/user/edit_user', { id: standard.user.id, userType: 4 }), 499, 'ACCESS');
    expectError(await standard.client.delete('/user/delete_user', { id: admin.user.id }), 499, 'ACCESS');
    assert.equal((await findListed(owner.client, standard.user.id)).userType, 64);
  });

  test('an AccountAdmin and a DesktopAdmin are admins', async () => {
    assert.equal((await admin.client.get('/user/get_all_users')).status, 200);
    const desktopAdmin = await activeUser(server, owner.client, 16);
    assert.equal((await desktopAdmin.client.get('/user/get_all_users_with_details')).status, 200);
    const created = await desktopAdmin.client.post('/user/insert_user', {
      username: uniqueEmail(),
      email: uniqueEmail(),
      userType: 8,
    });
    assert.equal(created.status, 200, created.text);
  });

  test('no token (or a bad one) is 401 on every endpoint but signupinfo and signup', async () => {
    for (const [method, route, body, query] of endpoints) {
      expectError(await anonymous.request(method, route, { body, query }), 401, 'AUTH');
      expectError(await anonymous.request(method, route, { body, query: { ...query, token: 'garbage' } }), 401, 'AUTH');
    }
  });

  test('routes match case-insensitively and wrong methods are 405', async () => {
    assert.equal((await owner.client.get('/User/Get_All_Users')).status, 200);
    assert.equal((await owner.client.post('/user/get_all_users', {})).status, 405);
  });
});
