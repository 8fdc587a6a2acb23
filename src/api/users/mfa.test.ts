import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { Client, createAccount, expectError, startTestServer, type TestAccount, type TestServer } from '../../../test/helpers.js';

let server: TestServer;

before(async () => {
  // Room for the attempts this file makes; the limit itself is tested on a server of its own below.
  server = await startTestServer({ loginRateMax: 100 });
});
after(() => server.close());

/** The authenticator app's side, computed here from the secret the server handed out. */
const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
const codeNow = (secret: string) => totpOf(secret).generate();
/** The code of the next 30-second step: accepted now too (clock drift), and newer than the current one. */
const codeNext = (secret: string) => totpOf(secret).generate({ timestamp: Date.now() + 30_000 });
/** Each code is accepted once; a test that needs more codes than two steps give moves time in the store. */
const forgetUsedCodes = (account: TestAccount) =>
  server.ctx.store.db.updateTable('users').set({ mfa_last_step: null }).where('id', '=', account.userId).execute();
/** A code that is wrong in every accepted step (previous, current, next). */
function wrongCode(secret: string): string {
  const totp = totpOf(secret);
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp.generate({ timestamp: Date.now() + d })));
  let n = 123456;
  while (valid.has(String(n))) n++;
  return String(n);
}

const login = (account: TestAccount) =>
  new Client(server.url).post('/authentication/login', { username: account.email, password: account.password, type: 16 });
const respond = (body: unknown) => new Client(server.url).post('/authentication/mfa_respond', body);

async function enableMfa(account: TestAccount): Promise<string> {
  const secret = (await account.client.post('/user/generate_mfa_token')).body as string;
  const res = await account.client.post('/user/set_mfa', { enabled: true, userCode: codeNow(secret) });
  assert.equal(res.status, 200, res.text);
  return secret;
}

describe('the full TOTP flow', () => {
  test('generate, enable, challenge at login, respond, session one-time, disable', async () => {
    const account = await createAccount(server, 'Mfa Owner');

    const generated = await account.client.post('/user/generate_mfa_token');
    assert.equal(generated.status, 200, generated.text);
    assert.match(generated.headers.get('content-type') ?? '', /application\/json/);
    const secret = generated.body as string;
    assert.equal(typeof secret, 'string');
    assert.match(secret, /^[A-Z2-7]{32}$/, 'base-32, 160 bits');

    // A pending secret does not turn MFA on by itself.
    assert.equal((await account.client.get('/authentication/user')).body.mfa, false);
    assert.equal((await login(account)).body.challenge, 0);

    expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: wrongCode(secret) }), 499, 'TOTP');
    assert.equal((await account.client.get('/authentication/user')).body.mfa, false);

    const enableCode = codeNow(secret);
    const enabled = await account.client.post('/user/set_mfa', { enabled: true, userCode: enableCode });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(enabled.text, '');
    assert.equal((await account.client.get('/authentication/user')).body.mfa, true);
    // The session that turned MFA on keeps working.
    assert.equal((await account.client.get('/projects/get_all')).status, 200);

    const challenged = await login(account);
    assert.equal(challenged.status, 200, challenged.text);
    assert.equal(challenged.body.jwtToken, '');
    assert.equal(challenged.body.challenge, 1);
    assert.equal(typeof challenged.body.session, 'string');
    assert.ok(challenged.body.session.length >= 32);
    const session = challenged.body.session as string;

    expectError(await respond({ userCode: wrongCode(secret), session }), 499, 'TOTP');
    // The code that turned MFA on was used: it cannot answer a challenge (RFC 6238, 5.2).
    expectError(await respond({ userCode: enableCode, session }), 499, 'TOTP', /already been used/);
    const answerCode = codeNext(secret);
    const answered = await respond({ userCode: answerCode, session });
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.body.challenge, 0);
    assert.equal(answered.body.session, null);
    assert.ok(answered.body.jwtToken.length > 40);
    const mfaClient = new Client(server.url, answered.body.jwtToken);
    const me = await mfaClient.get('/authentication/user');
    assert.equal(me.status, 200);
    assert.equal(me.body.userId, account.userId);

    // The session string works once.
    expectError(await respond({ userCode: codeNow(secret), session }), 499, 'TOKEN');

    expectError(await account.client.post('/user/set_mfa', { enabled: false }), 499, 'DEFAULT', /'userCode' is required/);
    expectError(await account.client.post('/user/set_mfa', { enabled: false, userCode: wrongCode(secret) }), 499, 'TOTP');
    assert.equal((await login(account)).body.challenge, 1);
    expectError(await account.client.post('/user/set_mfa', { enabled: false, userCode: answerCode }), 499, 'TOTP', /already/);
    await forgetUsedCodes(account); // as if a minute had passed
    const disabled = await account.client.post('/user/set_mfa', { enabled: false, userCode: codeNow(secret) });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal((await account.client.get('/authentication/user')).body.mfa, false);
    const plain = await login(account);
    assert.equal(plain.body.challenge, 0);
    assert.ok(plain.body.jwtToken.length > 40);
    // The old secret is gone: turning MFA on again needs a new one.
    expectError(
      await account.client.post('/user/set_mfa', { enabled: true, userCode: codeNow(secret) }),
      499,
      'DEFAULT',
      /generate_mfa_token/,
    );
  });
});

describe('set_mfa and generate_mfa_token', () => {
  test('enabling with no pending secret is 499 DEFAULT', async () => {
    const account = await createAccount(server, 'No Secret');
    expectError(
      await account.client.post('/user/set_mfa', { enabled: true, userCode: '123456' }),
      499,
      'DEFAULT',
      /generate_mfa_token/,
    );
  });

  test('a code that is not six digits is 499 TOTP; wrong types and missing fields are 499 DEFAULT', async () => {
    const account = await createAccount(server, 'Bad Input');
    const secret = (await account.client.post('/user/generate_mfa_token')).body as string;
    expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: 'abcdef' }), 499, 'TOTP');
    expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: '' }), 499, 'TOTP');
    expectError(await account.client.post('/user/set_mfa', { enabled: true }), 499, 'DEFAULT', /'userCode' is required/);
    expectError(
      await account.client.post('/user/set_mfa', { enabled: 'yes', userCode: '1' }),
      499,
      'DEFAULT',
      /'enabled' must be of type boolean/,
    );
    expectError(await account.client.post('/user/set_mfa', { userCode: '123456' }), 499, 'DEFAULT', /'enabled' is required/);
    expectError(
      await account.client.post('/user/set_mfa', { enabled: true, userCode: 123456 }),
      499,
      'DEFAULT',
      /'userCode' must be of type string/,
    );
    // A code typed with a space, as apps display it, is accepted.
    const code = codeNow(secret);
    assert.equal(
      (await account.client.post('/user/set_mfa', { enabled: true, userCode: `${code.slice(0, 3)} ${code.slice(3)}` })).status,
      200,
    );
  });

  test('a new secret replaces the pending one; turning off when off is a no-op', async () => {
    const account = await createAccount(server, 'Rotate');
    const first = (await account.client.post('/user/generate_mfa_token')).body as string;
    const second = (await account.client.post('/user/generate_mfa_token')).body as string;
    assert.notEqual(first, second);
    expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: wrongCode(second) }), 499, 'TOTP');
    assert.equal((await account.client.post('/user/set_mfa', { enabled: false })).status, 200);
    assert.equal((await account.client.get('/authentication/user')).body.mfa, false);
  });

  test('no token is 401', async () => {
    const anon = new Client(server.url);
    expectError(await anon.post('/user/generate_mfa_token'), 401, 'AUTH');
    expectError(await anon.post('/user/set_mfa', { enabled: false }), 401, 'AUTH');
  });
});

describe('mfa_respond', () => {
  test('an unknown session is 499 TOKEN; bad input is 499 DEFAULT', async () => {
    expectError(await respond({ userCode: '123456', session: 'no-such-session' }), 499, 'TOKEN');
    expectError(await respond({ userCode: '123456' }), 499, 'DEFAULT', /'session' is required/);
    expectError(await respond({ session: 'x' }), 499, 'DEFAULT', /'userCode' is required/);
    expectError(await respond({ userCode: 123456, session: 'x' }), 499, 'DEFAULT', /'userCode' must be of type string/);
  });

  test('five wrong codes end the challenge; the right code is then 499 TOKEN', async () => {
    const account = await createAccount(server, 'Guesser');
    const secret = await enableMfa(account);
    const session = (await login(account)).body.session as string;
    for (let i = 0; i < 5; i++) expectError(await respond({ userCode: wrongCode(secret), session }), 499, 'TOTP');
    expectError(await respond({ userCode: codeNow(secret), session }), 499, 'TOKEN');
  });

  test('an expired challenge is 499 TOKEN', async () => {
    const account = await createAccount(server, 'Slow');
    const secret = await enableMfa(account);
    const session = (await login(account)).body.session as string;
    // Five minutes pass (moved in the store rather than waited for).
    await server.ctx.store.db
      .updateTable('one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', account.userId)
      .where('purpose', '=', 'mfa_login')
      .execute();
    expectError(await respond({ userCode: codeNow(secret), session }), 499, 'TOKEN');
  });

  test('a newer login replaces the earlier challenge', async () => {
    const account = await createAccount(server, 'Twice');
    const secret = await enableMfa(account);
    const first = (await login(account)).body.session as string;
    const second = (await login(account)).body.session as string;
    assert.notEqual(first, second);
    expectError(await respond({ userCode: codeNext(secret), session: first }), 499, 'TOKEN');
    assert.equal((await respond({ userCode: codeNext(secret), session: second })).status, 200);
  });

  test('a code is accepted once: replayed on a second challenge, even at once, it is 499 TOTP', async () => {
    const account = await createAccount(server, 'Replay');
    const secret = await enableMfa(account);
    const code = codeNext(secret);
    const first = (await login(account)).body.session as string;
    assert.equal((await respond({ userCode: code, session: first })).status, 200);
    const second = (await login(account)).body.session as string;
    expectError(await respond({ userCode: code, session: second }), 499, 'TOTP', /already been used/);
    // A wrong answer counts against the challenge; the next code still opens it.
    await forgetUsedCodes(account); // as if a minute had passed
    assert.equal((await respond({ userCode: codeNow(secret), session: second })).status, 200);
  });

  test('a wrong password never reaches the challenge', async () => {
    const account = await createAccount(server, 'Wrong Password');
    await enableMfa(account);
    const res = await new Client(server.url).post('/authentication/login', {
      username: account.email,
      password: 'not-the-password',
    });
    expectError(res, 401, 'AUTH');
  });
});

describe('rate limits', () => {
  test('mfa_respond and set_mfa are limited like login', async () => {
    const limited = await startTestServer({ loginRateMax: 2 });
    try {
      const account = await createAccount(limited, 'Limited');
      const secret = (await account.client.post('/user/generate_mfa_token')).body as string;
      expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: wrongCode(secret) }), 499, 'TOTP');
      expectError(await account.client.post('/user/set_mfa', { enabled: true, userCode: wrongCode(secret) }), 499, 'TOTP');
      const blocked = await account.client.post('/user/set_mfa', { enabled: true, userCode: codeNow(secret) });
      expectError(blocked, 429, 'SECURITY');

      const anon = new Client(limited.url);
      expectError(await anon.post('/authentication/mfa_respond', { userCode: '1', session: 'a' }), 499, 'TOKEN');
      expectError(await anon.post('/authentication/mfa_respond', { userCode: '1', session: 'b' }), 499, 'TOKEN');
      expectError(await anon.post('/authentication/mfa_respond', { userCode: '1', session: 'c' }), 429, 'SECURITY');
    } finally {
      await limited.close();
    }
  });
});
