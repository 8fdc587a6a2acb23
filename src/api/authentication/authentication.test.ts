import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, decodeJwt } from 'jose';
import { hashPassword } from '../../domain/passwords.js';
import { UserStatus, UserType } from '../../store/users.js';
import { Client, createAccount, expectError, startTestServer, type TestAccount, type TestServer } from '../../../test/helpers.js';

let server: TestServer;
let anon: Client;
let counter = 0;

before(async () => {
  server = await startTestServer();
  anon = new Client(server.url);
});
after(() => server.close());

const unique = (prefix: string) => `${prefix}${++counter}-${Date.now()}@example.com`;
const PASSWORD = 'a-long-enough-password';

/** The messages in the outbox addressed to `to`, oldest first (file names start with a timestamp). */
function outbox(dataDir: string, to: string): string[] {
  const dir = path.join(dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .filter((text) => text.includes(`To: ${to}\r\n`));
}

function lastCode(to: string): string {
  const mails = outbox(server.dataDir, to);
  const match = /confirmation code is ([A-Z0-9]{4})\b/.exec(mails.at(-1) ?? '');
  assert.ok(match, `no confirmation code for ${to} in the outbox`);
  return match[1]!;
}

function lastResetToken(to: string): string {
  const mails = outbox(server.dataDir, to).filter((m) => m.includes('reset'));
  const match = /\r?\n([A-Za-z0-9_-]{43})\r?\n/.exec(mails.at(-1) ?? '');
  assert.ok(match, `no reset token for ${to} in the outbox`);
  return match[1]!;
}

const login = (username: string, password: string, client = anon) =>
  client.post('/authentication/login', { username, password, type: 16 });

async function signUp(email: string, name = 'Grace Hopper') {
  const res = await anon.post('/authentication/signup', { name, email, password: PASSWORD });
  assert.equal(res.status, 200, res.text);
  return lastCode(email);
}

/** A code of the same alphabet that differs from `code`. */
const wrongCode = (code: string, i = 0) => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let candidate = code;
  for (let k = i; candidate === code; k++) candidate = alphabet[k % alphabet.length]!.repeat(4);
  return candidate;
};

describe('signup and confirm_signup', () => {
  test('signup creates a Pending account; the code lands in the outbox and the log; confirm activates it', async () => {
    const email = unique('signup');
    const res = await anon.post('/authentication/signup', { name: 'Grace Hopper', email, password: PASSWORD });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    const code = lastCode(email);
    assert.ok(fs.readFileSync(server.logFile, 'utf8').includes(code), 'the code is announced in the log');

    expectError(await login(email, PASSWORD), 499, 'INACTIVE_USER');
    // Wrong password for a pending user is still bad credentials.
    expectError(await login(email, 'not-the-password'), 401, 'AUTH');

    const confirm = await anon.post('/authentication/confirm_signup', { email, token: code });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body, true);
    const ok = await login(email, PASSWORD);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.challenge, 0);
    assert.equal(ok.body.session, null);
    assert.match(ok.body.jwtToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);

    const me = await anon.withToken(ok.body.jwtToken).get('/authentication/user');
    assert.equal(me.status, 200);
    assert.deepEqual(
      [me.body.accountName, me.body.firstName, me.body.lastName, me.body.username, me.body.owner],
      ['Grace Hopper', 'Grace', 'Hopper', email, true],
    );
    // The code is used up.
    expectError(await anon.post('/authentication/confirm_signup', { email, token: code }), 499, 'TOKEN');
  });

  test('an expired code is 499 TOKEN (codes live 24 hours)', async () => {
    const email = unique('expired');
    const code = await signUp(email);
    const user = await server.ctx.store.users.findUserByUsername(server.ctx.store.db, email);
    const expiresAt = await server.ctx.store.db
      .selectFrom('one_time_tokens')
      .select('expires_at')
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    const hours = (Date.parse(expiresAt.expires_at) - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `valid for ${hours} hours`);
    await server.ctx.store.db
      .updateTable('one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', user!.id)
      .execute();
    expectError(await anon.post('/authentication/confirm_signup', { email, token: code }), 499, 'TOKEN');
  });

  test('the code is case-insensitive', async () => {
    const email = unique('lower');
    const code = await signUp(email);
    const res = await anon.post('/authentication/confirm_signup', { email, token: code.toLowerCase() });
    assert.equal(res.status, 200);
    assert.equal(res.body, true);
  });

  test('a wrong code is 499 TOKEN; after 5 wrong codes the right one is dead too; resend gives a new one', async () => {
    const email = unique('wrong');
    const code = await signUp(email);
    for (let i = 0; i < 5; i++) {
      expectError(await anon.post('/authentication/confirm_signup', { email, token: wrongCode(code, i) }), 499, 'TOKEN');
    }
    expectError(await anon.post('/authentication/confirm_signup', { email, token: code }), 499, 'TOKEN');
    expectError(await login(email, PASSWORD), 499, 'INACTIVE_USER');

    const resend = await anon.post('/authentication/resend_confirmation_email', { email });
    assert.equal(resend.status, 200);
    assert.equal(resend.text, '');
    const fresh = lastCode(email);
    assert.equal(outbox(server.dataDir, email).length, 2);
    if (fresh !== code) {
      expectError(await anon.post('/authentication/confirm_signup', { email, token: code }), 499, 'TOKEN');
    }
    const ok = await anon.post('/authentication/confirm_signup', { email, token: fresh });
    assert.equal(ok.body, true);
    assert.equal((await login(email, PASSWORD)).status, 200);
  });

  test('resend_confirmation_email answers 200 for unknown and active users and sends nothing', async () => {
    const email = unique('nobody');
    assert.equal((await anon.post('/authentication/resend_confirmation_email', { email })).status, 200);
    assert.equal(outbox(server.dataDir, email).length, 0);
    const active = await createAccount(server);
    assert.equal((await anon.post('/authentication/resend_confirmation_email', { email: active.email })).status, 200);
    assert.equal(outbox(server.dataDir, active.email).length, 0);
    expectError(await anon.post('/authentication/resend_confirmation_email', {}), 499, 'DEFAULT', /'email' is required/);
  });

  test('confirm_signup for an unknown email is 499 TOKEN; bad bodies are 499 DEFAULT', async () => {
    expectError(await anon.post('/authentication/confirm_signup', { email: unique('ghost'), token: 'ABCD' }), 499, 'TOKEN');
    expectError(
      await anon.post('/authentication/confirm_signup', { email: unique('x'), token: 'ABCDE' }),
      499,
      'DEFAULT',
      /'token' must be at most 4/,
    );
    expectError(
      await anon.post('/authentication/confirm_signup', { email: 'not-an-email', token: 'ABCD' }),
      499,
      'DEFAULT',
      /'email'/,
    );
    expectError(await anon.post('/authentication/confirm_signup', { email: unique('y') }), 499, 'DEFAULT', /'token' is required/);
  });

  test('a duplicate email, in any case, is 499 DUPLICATE', async () => {
    const email = unique('dup');
    await signUp(email);
    expectError(
      await anon.post('/authentication/signup', { name: 'Again', email: email.toUpperCase(), password: PASSWORD }),
      499,
      'DUPLICATE',
    );
    const active = await createAccount(server);
    expectError(
      await anon.post('/authentication/signup', { name: 'Again', email: active.email, password: PASSWORD }),
      499,
      'DUPLICATE',
    );
  });

  test('bad sign-up input is 499 DEFAULT naming the field, and creates nothing', async () => {
    const email = unique('bad');
    expectError(
      await anon.post('/authentication/signup', { name: 'Short', email, password: 'seven77' }),
      499,
      'DEFAULT',
      /'password' must be at least 8/,
    );
    expectError(
      await anon.post('/authentication/signup', { name: 'Bad', email: 'no-at-sign', password: PASSWORD }),
      499,
      'DEFAULT',
      /'email' must be a valid email/,
    );
    expectError(
      await anon.post('/authentication/signup', { name: 'Long', email: `${'e'.repeat(40)}@example.com`, password: PASSWORD }),
      499,
      'DEFAULT',
      /'email' must be at most 50/,
    );
    expectError(
      await anon.post('/authentication/signup', { name: 'n'.repeat(51), email, password: PASSWORD }),
      499,
      'DEFAULT',
      /'name' must be at most 50/,
    );
    expectError(await anon.post('/authentication/signup', { email, password: PASSWORD }), 499, 'DEFAULT', /'name' is required/);
    expectError(
      await anon.post('/authentication/signup', { name: '   ', email, password: PASSWORD }),
      499,
      'DEFAULT',
      /'name' must not be blank/,
    );
    expectError(
      await anon.post('/authentication/signup', { name: 'T', email, password: 12345678 }),
      499,
      'DEFAULT',
      /'password' must be of type string/,
    );
    // None of those created the account: the email is still free.
    assert.equal((await anon.post('/authentication/signup', { name: 'Fine', email, password: PASSWORD })).status, 200);
  });
});

describe('login and logout', () => {
  let account: TestAccount;
  before(async () => {
    account = await createAccount(server, 'Login Owner');
  });

  test('bad credentials are 401 AUTH, the same answer for an unknown user and a wrong password', async () => {
    const unknown = await login(unique('unknown'), PASSWORD);
    const wrong = await login(account.email, 'wrong-password');
    expectError(unknown, 401, 'AUTH');
    expectError(wrong, 401, 'AUTH');
    assert.deepEqual(unknown.body, wrong.body);
    // The username is case-insensitive.
    assert.equal((await login(account.email.toUpperCase(), account.password)).status, 200);
  });

  test('bad login bodies are 499 DEFAULT', async () => {
    expectError(await anon.post('/authentication/login', { username: account.email }), 499, 'DEFAULT', /'password' is required/);
    expectError(
      await anon.post('/authentication/login', { username: account.email, password: account.password, type: 3 }),
      499,
      'DEFAULT',
      /'type'/,
    );
    const raw = await anon.request('POST', '/authentication/login', {
      raw: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expectError(raw, 499, 'DEFAULT', /not valid JSON/);
  });

  test('logout ends the session at once; other sessions of the user go on', async () => {
    const first = (await login(account.email, account.password)).body.jwtToken as string;
    const second = (await login(account.email, account.password)).body.jwtToken as string;
    assert.notEqual(first, second);
    assert.equal((await anon.withToken(first).get('/authentication/user')).status, 200);
    const out = await anon.post('/authentication/logout', { jwtToken: first });
    assert.equal(out.status, 200);
    assert.equal(out.text, '');
    expectError(await anon.withToken(first).get('/authentication/user'), 401, 'SESSION');
    expectError(await anon.withToken(first).get('/projects/get_all'), 401, 'SESSION');
    assert.equal((await anon.withToken(second).get('/authentication/user')).status, 200);
  });

  test('logout with a malformed token is 401 AUTH; without one is 499 DEFAULT', async () => {
    expectError(await anon.post('/authentication/logout', { jwtToken: 'not-a-jwt' }), 401, 'AUTH');
    expectError(await anon.post('/authentication/logout', {}), 499, 'DEFAULT', /'jwtToken' is required/);
  });

  test('an expired token is 401; a token signed with another key or no algorithm is 401 AUTH', async () => {
    const token = (await login(account.email, account.password)).body.jwtToken as string;
    const claims = decodeJwt(token);
    const key = server.ctx.signingKey; // the agent's key (signing.key on SQLite, the database on PostgreSQL)
    const sign = (k: Uint8Array, exp: number) =>
      new SignJWT({ sid: claims.sid, acc: claims.acc })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(claims.iss!)
        .setSubject(claims.sub!)
        .setIssuedAt(exp - 100)
        .setExpirationTime(exp)
        .sign(k);
    const now = Math.floor(Date.now() / 1000);
    // Sanity: our re-signed token with a future expiry is accepted, so the rejections below are about expiry and key.
    assert.equal((await anon.withToken(await sign(key, now + 600)).get('/authentication/user')).status, 200);
    expectError(await anon.withToken(await sign(key, now - 10)).get('/authentication/user'), 401, 'SESSION', /expired/);
    expectError(await anon.withToken(await sign(new Uint8Array(32).fill(7), now + 600)).get('/authentication/user'), 401, 'AUTH');
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expectError(await anon.withToken(none).get('/authentication/user'), 401, 'AUTH');
    expectError(await anon.get('/authentication/user'), 401, 'AUTH');
  });

  test('a session expires after sessionTtlSeconds', async () => {
    // 2 s, not 1: a token's expiry is in whole seconds, so a 1 s session signed late in a second may
    // already be over by the first request after the sign-in.
    const short = await startTestServer({ sessionTtlSeconds: 2 });
    try {
      const owner = await createAccount(short);
      assert.equal((await owner.client.get('/authentication/user')).status, 200);
      await new Promise((r) => setTimeout(r, 3100));
      expectError(await owner.client.get('/authentication/user'), 401, 'SESSION');
    } finally {
      await short.close();
    }
  });
});

describe('login rate limit', () => {
  test('the 11th attempt in a minute for one username and address is refused with 429', async () => {
    const owner = await createAccount(server, 'Rate Owner'); // its sign-in is attempt 1
    for (let i = 0; i < 8; i++) expectError(await login(owner.email, 'wrong-password'), 401, 'AUTH');
    assert.equal((await login(owner.email, owner.password)).status, 200, 'the 10th attempt still counts');
    const refused = await login(owner.email, owner.password);
    expectError(refused, 429, 'SECURITY');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // Another username from the same address is not affected.
    const other = await createAccount(server, 'Rate Other');
    assert.equal((await login(other.email, other.password)).status, 200);
  });

  test('a small CLICKD_LOGIN_RATE_MAX is honoured; a wrong password does not bypass it', async () => {
    const limited = await startTestServer({ loginRateMax: 3 });
    try {
      const owner = await createAccount(limited); // attempt 1
      const client = new Client(limited.url);
      assert.equal((await login(owner.email, 'wrong-password', client)).status, 401);
      assert.equal((await login(owner.email, owner.password, client)).status, 200);
      expectError(await login(owner.email, owner.password, client), 429, 'SECURITY');
      expectError(await login(owner.email.toUpperCase(), owner.password, client), 429, 'SECURITY');
      // Nor does another spelling of the route.
      const other = await client.post('/Authentication/LOGIN', { username: owner.email, password: owner.password });
      expectError(other, 429, 'SECURITY');
    } finally {
      await limited.close();
    }
  });
});

describe('forgot_password and reset_password', () => {
  test('forgot_password answers 200 for unknown users and writes nothing; for a known user, a reset token', async () => {
    const ghost = unique('ghost');
    const res = await anon.post('/authentication/forgot_password', { username: ghost });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(outbox(server.dataDir, ghost).length, 0);

    const owner = await createAccount(server);
    const known = await anon.post('/authentication/forgot_password', { username: owner.email });
    assert.equal(known.status, 200);
    assert.equal(known.text, '');
    assert.equal(outbox(server.dataDir, owner.email).length, 1);
    lastResetToken(owner.email);
    expectError(await anon.post('/authentication/forgot_password', {}), 499, 'DEFAULT', /'username' is required/);
  });

  test('reset with the reset token works once and ends every session of the user', async () => {
    const owner = await createAccount(server);
    const other = (await login(owner.email, owner.password)).body.jwtToken as string;
    await anon.post('/authentication/forgot_password', { username: owner.email });
    const resetToken = lastResetToken(owner.email);

    expectError(
      await anon.post('/authentication/reset_password', { resetToken, password: 'short' }),
      499,
      'DEFAULT',
      /'password' must be at least 8/,
    );
    const res = await anon.post('/authentication/reset_password', { resetToken, password: 'brand-new-password' });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    expectError(await owner.client.get('/authentication/user'), 401, 'SESSION');
    expectError(await anon.withToken(other).get('/authentication/user'), 401, 'SESSION');
    expectError(await login(owner.email, owner.password), 401, 'AUTH');
    assert.equal((await login(owner.email, 'brand-new-password')).status, 200);

    expectError(
      await anon.post('/authentication/reset_password', { resetToken, password: 'another-new-password' }),
      499,
      'TOKEN',
    );
    expectError(
      await anon.post('/authentication/reset_password', { resetToken: 'made-up', password: 'another-new-password' }),
      499,
      'TOKEN',
    );
  });

  test('a reset token expires after one hour', async () => {
    const owner = await createAccount(server);
    await anon.post('/authentication/forgot_password', { username: owner.email });
    const resetToken = lastResetToken(owner.email);
    const row = await server.ctx.store.db
      .selectFrom('one_time_tokens')
      .select(['expires_at', 'token_hash'])
      .where('user_id', '=', owner.userId)
      .where('purpose', '=', 'reset_password')
      .executeTakeFirstOrThrow();
    const minutes = (Date.parse(row.expires_at) - Date.now()) / 60_000;
    assert.ok(minutes > 59 && minutes <= 60, `valid for ${minutes} minutes`);
    assert.ok(!row.token_hash.includes(resetToken), 'only a hash of the token is stored');
    await server.ctx.store.db
      .updateTable('one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', owner.userId)
      .execute();
    expectError(await anon.post('/authentication/reset_password', { resetToken, password: 'late-new-password' }), 499, 'TOKEN');
    assert.equal((await owner.client.get('/authentication/user')).status, 200, 'nothing changed');
  });

  test('a new forgot_password replaces the previous reset token', async () => {
    const owner = await createAccount(server);
    await anon.post('/authentication/forgot_password', { username: owner.email });
    const first = lastResetToken(owner.email);
    await anon.post('/authentication/forgot_password', { username: owner.email });
    const second = lastResetToken(owner.email);
    assert.notEqual(first, second);
    expectError(
      await anon.post('/authentication/reset_password', { resetToken: first, password: 'new-password-1' }),
      499,
      'TOKEN',
    );
    assert.equal(
      (await anon.post('/authentication/reset_password', { resetToken: second, password: 'new-password-2' })).status,
      200,
    );
  });

  test('reset with a session needs the current password and ends only the other sessions', async () => {
    const owner = await createAccount(server);
    const other = (await login(owner.email, owner.password)).body.jwtToken as string;

    expectError(
      await owner.client.post('/authentication/reset_password', { password: 'next-password', currentPassword: 'wrong-one' }),
      499,
      'DEFAULT',
      /'currentPassword'/,
    );
    expectError(
      await owner.client.post('/authentication/reset_password', { password: 'next-password' }),
      499,
      'DEFAULT',
      /'currentPassword' is required/,
    );
    expectError(
      await owner.client.post('/authentication/reset_password', { password: 'short', currentPassword: owner.password }),
      499,
      'DEFAULT',
      /'password' must be at least 8/,
    );
    // None of the failures changed anything.
    assert.equal((await anon.withToken(other).get('/authentication/user')).status, 200);

    const res = await owner.client.post('/authentication/reset_password', {
      password: 'next-password',
      currentPassword: owner.password,
    });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal((await owner.client.get('/authentication/user')).status, 200, "the caller's session goes on");
    expectError(await anon.withToken(other).get('/authentication/user'), 401, 'SESSION');
    expectError(await login(owner.email, owner.password), 401, 'AUTH');
    assert.equal((await login(owner.email, 'next-password')).status, 200);
  });

  test('reset without a session or a reset token is 401 AUTH', async () => {
    expectError(await anon.post('/authentication/reset_password', { password: 'whatever-password' }), 401, 'AUTH');
    expectError(await anon.post('/authentication/reset_password', {}), 499, 'DEFAULT', /'password' is required/);
  });
});

describe('user and update_user', () => {
  let owner: TestAccount;
  before(async () => {
    owner = await createAccount(server, 'Ada Lovelace');
  });

  test('/authentication/user has exactly the documented shape and echoes the caller’s token', async () => {
    const res = await owner.client.get('/authentication/user');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), [
      'accountId',
      'accountName',
      'authProvider',
      'firstName',
      'jwtToken',
      'lastName',
      'mfa',
      'migration',
      'owner',
      'subscriptionType',
      'userId',
      'userType',
      'username',
    ]);
    assert.deepEqual(res.body, {
      accountName: 'Ada Lovelace',
      accountId: owner.accountId,
      userId: owner.userId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      username: owner.email,
      userType: UserType.AccountAdmin | UserType.DesktopAdmin,
      jwtToken: owner.token,
      owner: true,
      migration: false,
      subscriptionType: 1,
      mfa: false,
      authProvider: 0,
    });
    const viaHeader = await anon.request('GET', '/authentication/user', { headers: { authorization: `Bearer ${owner.token}` } });
    assert.equal(viaHeader.body.jwtToken, owner.token);
  });

  test('update_user changes the names and the account name, and answers the new profile', async () => {
    const res = await owner.client.put('/authentication/update_user', {
      accountName: 'Analytical Engines',
      firstName: 'Augusta',
      lastName: 'King',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.accountName, res.body.firstName, res.body.lastName, res.body.jwtToken, res.body.userId],
      ['Analytical Engines', 'Augusta', 'King', owner.token, owner.userId],
    );
    const partial = await owner.client.put('/authentication/update_user', { lastName: 'Byron' });
    assert.deepEqual(
      [partial.body.accountName, partial.body.firstName, partial.body.lastName],
      ['Analytical Engines', 'Augusta', 'Byron'],
    );
    const me = await owner.client.get('/authentication/user');
    assert.deepEqual([me.body.accountName, me.body.firstName, me.body.lastName], ['Analytical Engines', 'Augusta', 'Byron']);
  });

  test('update_user input errors and authentication', async () => {
    expectError(
      await owner.client.put('/authentication/update_user', { firstName: 'f'.repeat(51) }),
      499,
      'DEFAULT',
      /'firstName'/,
    );
    expectError(await owner.client.put('/authentication/update_user', { accountName: '' }), 499, 'DEFAULT', /'accountName'/);
    expectError(
      await owner.client.put('/authentication/update_user', { accountName: '   ' }),
      499,
      'DEFAULT',
      /'accountName' must not be blank/,
    );
    assert.notEqual((await owner.client.get('/authentication/user')).body.accountName.trim(), '');
    expectError(await owner.client.put('/authentication/update_user', { lastName: 5 }), 499, 'DEFAULT', /'lastName'/);
    expectError(await anon.put('/authentication/update_user', { firstName: 'x' }), 401, 'AUTH');
  });

  test('a user who is not an admin may change their own names but not the account name', async () => {
    const email = unique('member');
    await server.ctx.store.users.insertUser(server.ctx.store.db, {
      account_id: owner.accountId,
      username: email,
      email,
      firstname: 'Member',
      lastname: 'One',
      user_type: UserType.DesktopStandardUser,
      status: UserStatus.Active,
      owner: 0,
      mfa: 0,
      mfa_secret: null,
      mfa_pending_secret: null,
      password_hash: await hashPassword(PASSWORD),
      auth_provider: 0,
      migration: 0,
      deleted: 0,
      signup_date: null,
    });
    const token = (await login(email, PASSWORD)).body.jwtToken as string;
    const member = anon.withToken(token);
    const me = await member.get('/authentication/user');
    assert.deepEqual([me.body.owner, me.body.userType, me.body.accountId], [false, 64, owner.accountId]);
    expectError(await member.put('/authentication/update_user', { accountName: 'Taken Over' }), 499, 'ACCESS');
    const res = await member.put('/authentication/update_user', { firstName: 'Renamed' });
    assert.equal(res.status, 200);
    assert.equal(res.body.firstName, 'Renamed');
    assert.notEqual(res.body.accountName, 'Taken Over');
  });
});
