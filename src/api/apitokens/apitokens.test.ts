import assert from 'node:assert/strict';
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
import { hashPassword } from '../../domain/passwords.js';
import { UserStatus, UserType } from '../../store/users.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Token Owner');
  other = await createAccount(server, 'Other Owner');
});
after(() => server.close());

const insert = (client: Client, body: unknown) => client.post('/apitoken/insert', body);
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

let userCounter = 0;

/** An active, non-admin user of the account, made directly in the store (the User controller is tested elsewhere). */
async function createStandardUser(accountId: string, password: string) {
  return server.ctx.store.users.insertUser(server.ctx.store.db, {
    account_id: accountId,
    username: `standard-${++userCounter}-${Date.now()}@example.com`,
    email: `standard-${userCounter}-${Date.now()}@example.com`,
    firstname: 'Standard',
    lastname: 'User',
    user_type: UserType.DesktopStandardUser,
    status: UserStatus.Active,
    owner: 0,
    mfa: 0,
    mfa_secret: null,
    mfa_pending_secret: null,
    password_hash: await hashPassword(password),
    auth_provider: 0,
    migration: 0,
    deleted: 0,
    signup_date: null,
  });
}

describe('insert', () => {
  test('returns the created token with its value, once; get_all never shows the value', async () => {
    const res = await insert(owner.client, { title: 'CI pipeline' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.title, 'CI pipeline');
    assert.equal(res.body.expirationDate, null);
    assert.ok(Date.parse(res.body.createDate) > 0);
    assert.equal(typeof res.body.token, 'string');
    assert.ok(res.body.token.length > 40);
    assert.deepEqual(Object.keys(res.body).sort(), ['createDate', 'expirationDate', 'id', 'title', 'token']);

    const list = await owner.client.get('/apitoken/get_all');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body), 'a plain array, not a DTOCollection');
    const listed = list.body.find((t: { id: string }) => t.id === res.body.id);
    assert.deepEqual(listed, {
      id: res.body.id,
      title: 'CI pipeline',
      expirationDate: null,
      createDate: res.body.createDate,
    });
    assert.ok(!list.text.includes(res.body.token), 'the value never appears again');
    assert.ok(!list.text.includes('token"'), 'no token field in the list');
  });

  test('the token works as ?token= and as a Bearer header, like a login token', async () => {
    const { token } = (await insert(owner.client, { title: 'script' })).body;
    const asQuery = await owner.client.withToken(token).get('/projects/get_all');
    assert.equal(asQuery.status, 200, asQuery.text);
    const asHeader = await new Client(server.url).request('GET', '/authentication/user', bearer(token));
    assert.equal(asHeader.status, 200);
    assert.equal(asHeader.body.userId, owner.userId);
    const created = await owner.client.withToken(token).post('/projects/insert', { name: 'Made with an API token' });
    assert.equal(created.status, 200);
    assert.equal(created.body.accountId, owner.accountId);
  });

  test('an expiration date in the future is kept and returned', async () => {
    const at = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const res = await insert(owner.client, { title: 'week', expirationDate: at.toISOString() });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.expirationDate, at.toISOString());
    const offset = await insert(owner.client, { title: 'offset', expirationDate: '2999-01-01T02:00:00+02:00' });
    assert.equal(offset.body.expirationDate, '2999-01-01T00:00:00.000Z');
    const asNull = await insert(owner.client, { title: 'no expiry', expirationDate: null });
    assert.equal(asNull.body.expirationDate, null);
  });

  test('an expiration date in the past, or not a date-time, is 499 DEFAULT', async () => {
    expectError(
      await insert(owner.client, { title: 't', expirationDate: '2020-01-01T00:00:00Z' }),
      499,
      'DEFAULT',
      /'expirationDate' must be in the future/,
    );
    expectError(
      await insert(owner.client, { title: 't', expirationDate: 'tomorrow' }),
      499,
      'DEFAULT',
      /'expirationDate' must be a valid date-time/,
    );
    expectError(await insert(owner.client, { title: 't', expirationDate: 1893456000 }), 499, 'DEFAULT', /'expirationDate'/);
  });

  test('the title is required, 1 to 100 characters, not blank, a string', async () => {
    expectError(await insert(owner.client, {}), 499, 'DEFAULT', /'title' is required/);
    expectError(await insert(owner.client, { title: '' }), 499, 'DEFAULT', /'title' must be at least 1 character/);
    expectError(await insert(owner.client, { title: '   ' }), 499, 'DEFAULT', /'title' must not be blank/);
    expectError(await insert(owner.client, { title: 'x'.repeat(101) }), 499, 'DEFAULT', /'title' must be at most 100/);
    expectError(await insert(owner.client, { title: 5 }), 499, 'DEFAULT', /'title' must be of type string/);
    const longest = await insert(owner.client, { title: 'y'.repeat(100) });
    assert.equal(longest.status, 200, longest.text);
    const trimmed = await insert(owner.client, { title: '  padded  ' });
    assert.equal(trimmed.body.title, 'padded');
  });

  test('an expired token is 401 SESSION', async () => {
    const res = await insert(owner.client, { title: 'short', expirationDate: new Date(Date.now() + 1500).toISOString() });
    assert.equal(res.status, 200, res.text);
    assert.equal((await owner.client.withToken(res.body.token).get('/apitoken/get_all')).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expectError(await owner.client.withToken(res.body.token).get('/apitoken/get_all'), 401, 'SESSION');
  });
});

describe('get_all', () => {
  test("lists only the caller's own tokens, newest first", async () => {
    const account = await createAccount(server, 'Lister');
    const first = (await insert(account.client, { title: 'first' })).body;
    const second = (await insert(account.client, { title: 'second' })).body;
    const list = (await account.client.get('/apitoken/get_all')).body;
    assert.deepEqual(
      list.map((t: { title: string }) => t.title),
      ['second', 'first'],
    );
    const theirs = (await other.client.get('/apitoken/get_all')).body;
    assert.ok(!theirs.some((t: { id: string }) => t.id === first.id || t.id === second.id));
  });

  test('a non-admin user manages their own tokens; an admin of the account does not see them', async () => {
    const password = 'standard-user-password';
    const user = await createStandardUser(owner.accountId, password);
    const login = await new Client(server.url).post('/authentication/login', { username: user.username, password });
    assert.equal(login.status, 200, login.text);
    const client = new Client(server.url, login.body.jwtToken);
    const created = await insert(client, { title: 'mine' });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(
      (await client.get('/apitoken/get_all')).body.map((t: { id: string }) => t.id),
      [created.body.id],
    );
    assert.ok(!(await owner.client.get('/apitoken/get_all')).body.some((t: { id: string }) => t.id === created.body.id));
    expectError(await owner.client.delete('/apitoken/delete', { id: created.body.id }), 499, 'NOT_FOUND');
    assert.equal((await client.delete('/apitoken/delete', { id: created.body.id })).status, 200);
  });
});

describe('delete', () => {
  test('ends the token at once: the next call with it is 401 SESSION, and it leaves the list', async () => {
    const created = (await insert(owner.client, { title: 'to delete' })).body;
    const tokenClient = owner.client.withToken(created.token);
    assert.equal((await tokenClient.get('/projects/get_all')).status, 200);
    const res = await owner.client.delete('/apitoken/delete', { id: created.id });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    expectError(await tokenClient.get('/projects/get_all'), 401, 'SESSION');
    expectError(await new Client(server.url).request('GET', '/projects/get_all', bearer(created.token)), 401, 'SESSION');
    assert.ok(!(await owner.client.get('/apitoken/get_all')).body.some((t: { id: string }) => t.id === created.id));
    expectError(await owner.client.delete('/apitoken/delete', { id: created.id }), 499, 'NOT_FOUND');
    // The login session that deleted it is untouched.
    assert.equal((await owner.client.get('/projects/get_all')).status, 200);
  });

  test('a token may delete itself', async () => {
    const created = (await insert(owner.client, { title: 'self' })).body;
    const tokenClient = owner.client.withToken(created.token);
    assert.equal((await tokenClient.delete('/apitoken/delete', { id: created.id })).status, 200);
    expectError(await tokenClient.get('/apitoken/get_all'), 401, 'SESSION');
  });

  test("another account's token id, or an unknown id, is 499 NOT_FOUND and the token keeps working", async () => {
    const theirs = (await insert(other.client, { title: 'theirs' })).body;
    expectError(await owner.client.delete('/apitoken/delete', { id: theirs.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/apitoken/delete', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    assert.equal((await other.client.withToken(theirs.token).get('/projects/get_all')).status, 200);
  });

  test('the id is required and must be a uuid', async () => {
    expectError(await owner.client.delete('/apitoken/delete'), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.delete('/apitoken/delete', { id: 'nope' }), 499, 'DEFAULT', /'id' must be a valid uuid/);
  });

  test('logging the owner out of a token session (logout with the token) ends it too', async () => {
    const created = (await insert(owner.client, { title: 'logout' })).body;
    assert.equal((await new Client(server.url).post('/authentication/logout', { jwtToken: created.token })).status, 200);
    expectError(await owner.client.withToken(created.token).get('/projects/get_all'), 401, 'SESSION');
  });
});

describe('the user behind the token', () => {
  test("deactivating or deleting the user ends the user's tokens", async () => {
    const password = 'standard-user-password';
    for (const end of ['deactivate', 'delete'] as const) {
      const user = await createStandardUser(owner.accountId, password);
      const login = await new Client(server.url).post('/authentication/login', { username: user.username, password });
      const created = await insert(new Client(server.url, login.body.jwtToken), { title: end });
      assert.equal(created.status, 200, created.text);
      const tokenClient = new Client(server.url, created.body.token);
      assert.equal((await tokenClient.get('/apitoken/get_all')).status, 200);
      const res =
        end === 'delete'
          ? await owner.client.delete('/user/delete_user', { id: user.id })
          : await owner.client.put('/user/edit_user', { id: user.id, status: 2 });
      assert.equal(res.status, 200, res.text);
      expectError(await tokenClient.get('/apitoken/get_all'), 401, 'SESSION');
    }
  });
});

describe('authentication', () => {
  test('no token or a bad token is 401 on every endpoint', async () => {
    const anon = new Client(server.url);
    expectError(await anon.get('/apitoken/get_all'), 401, 'AUTH');
    expectError(await anon.post('/apitoken/insert', { title: 'x' }), 401, 'AUTH');
    expectError(await anon.delete('/apitoken/delete', { id: UNKNOWN_ID }), 401, 'AUTH');
    expectError(await anon.withToken('not.a.jwt').get('/apitoken/get_all'), 401, 'AUTH');
  });
});
