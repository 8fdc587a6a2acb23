import assert from 'node:assert/strict';
import type { Static } from 'typebox';
import type { AuditEntry } from '../src/api/accountlog/schema.js';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pruneAudit } from '../src/domain/audit.js';
import { Client, createAccount, expectError, startTestServer, UNKNOWN_ID, type TestAccount, type TestServer } from './helpers.js';
import { Secret, TOTP } from 'otpauth';
import { createUser } from './factories.js';
import { staleBuild } from '../scripts/buildState.js';

// The audit log (DECISIONS.md section 9), through real HTTP: every change, sign-in, failed sign-in and
// sign-out is an entry, with before/after values and never a secret; admins read it, newest first, filtered.

let server: TestServer;
let admin: TestAccount;

before(async () => {
  server = await startTestServer();
  admin = await createAccount(server, 'Audit Account');
});
after(async () => server.close());

type Entry = Static<typeof AuditEntry>;

async function entries(client: Client, query: Record<string, string | number | boolean> = {}): Promise<Entry[]> {
  const res = await client.get('/accountlog/get_all', { pagesize: 1000, ...query });
  assert.equal(res.status, 200, res.text);
  return res.body.data as Entry[];
}

describe('audit entries of changes', () => {
  test('a project insert, update, delete and restore each leave one entry with before and after', async () => {
    const c = admin.client;
    const created = await c.request('POST', '/projects/insert', {
      body: { name: 'Audited', description: 'first', active: true },
      headers: { 'user-agent': 'audit-test/1.0' },
    });
    assert.equal(created.status, 200);
    const id = created.body.id as string;
    assert.equal((await c.put('/projects/update', { id, description: 'second' })).status, 200);
    assert.equal((await c.delete('/projects/delete', { id })).status, 200);
    assert.equal((await c.post('/projects/restore', undefined, { id })).status, 200);

    const log = await entries(c, { recordId: id });
    assert.deepEqual(
      log.map((e) => e.action),
      ['projects/restore', 'projects/delete', 'projects/update', 'projects/insert'],
      'newest first',
    );
    const [restore, del, update, insert] = log as [Entry, Entry, Entry, Entry];
    assert.equal(insert.recordType, 'Project');
    assert.equal(insert.userId, admin.userId);
    assert.equal(insert.username, admin.email);
    assert.equal(insert.apiTokenId, null);
    assert.equal(insert.userAgent, 'audit-test/1.0');
    assert.match(insert.ip ?? '', /127\.0\.0\.1/);
    assert.deepEqual(insert.changes.name, { before: null, after: 'Audited' });
    assert.deepEqual(insert.changes.description, { before: null, after: 'first' });
    assert.deepEqual(update.changes, { description: { before: 'first', after: 'second' } });
    assert.deepEqual(del.changes, { deleted: { before: false, after: true } });
    assert.deepEqual(restore.changes, { deleted: { before: true, after: false } });
    for (const e of log) {
      assert.match(e.id, /^[0-9a-f-]{36}$/);
      assert.ok(!Number.isNaN(Date.parse(e.createDate)));
    }
  });

  test('a failed change leaves no entry', async () => {
    const before = (await entries(admin.client)).length;
    expectError(await admin.client.put('/projects/update', { id: UNKNOWN_ID, name: 'x' }), 499, 'NOT_FOUND');
    await admin.client.post('/projects/insert', { name: 'Dup once' });
    expectError(await admin.client.post('/projects/insert', { name: 'dup ONCE' }), 499, 'DUPLICATE');
    const afterwards = await entries(admin.client);
    assert.equal(afterwards.length, before + 1, 'only the successful insert');
  });

  test('assigning 1,000 pairs is one entry holding the pairs', async () => {
    const c = admin.client;
    const drive = (await c.post('/sharedclouddrive/insert', { name: 'Bulk drive' })).body.id as string;
    const projectIds: string[] = [];
    for (let i = 0; i < 20; i++) projectIds.push((await c.post('/projects/insert', { name: `Bulk ${i}` })).body.id as string);
    const pairs = Array.from({ length: 1000 }, (_, i) => ({ projectId: projectIds[i % 20]!, sharedCloudDriveId: drive }));
    assert.equal((await c.post('/projects/assign_sharedclouddrive', pairs)).status, 200);
    const log = await entries(c, { action: 'projects/assign_sharedclouddrive' });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.recordType, 'ProjectSharedCloudDrive');
    assert.equal((log[0]!.changes.pairs!.after as unknown[]).length, 1000);
  });

  test('an API token session is named, and a token is never recorded', async () => {
    const created = await admin.client.post('/apitoken/insert', { title: 'audit script' });
    assert.equal(created.status, 200);
    const value = created.body.token as string;
    const script = new Client(server.url).withToken(value);
    const project = await script.post('/projects/insert', { name: 'By token' });
    assert.equal(project.status, 200);
    const [entry] = await entries(admin.client, { recordId: project.body.id as string });
    assert.equal(entry!.apiTokenId, created.body.id);
    const all = JSON.stringify(await entries(admin.client));
    assert.ok(!all.includes(value), 'no token value in the log');
    assert.ok(!all.includes(admin.password), 'no password in the log');
  });
});

describe('sign-ins', () => {
  test('sign-in, failed sign-in and sign-out are recorded', async () => {
    const anonymous = new Client(server.url);
    expectError(
      await anonymous.post('/authentication/login', { username: admin.email, password: 'wrong-password', type: 16 }),
      401,
      'AUTH',
    );
    const login = await anonymous.post('/authentication/login', { username: admin.email, password: admin.password, type: 16 });
    assert.equal(login.status, 200);
    assert.equal((await anonymous.post('/authentication/logout', { jwtToken: login.body.jwtToken })).status, 200);

    const failed = await entries(admin.client, { action: 'authentication/login_failed' });
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.userId, admin.userId);
    assert.deepEqual(failed[0]!.changes, { reason: { before: null, after: 'password' } });
    const signIns = await entries(admin.client, { action: 'authentication/login' });
    assert.ok(signIns.length >= 2, 'the helper sign-in and this one');
    assert.equal(signIns[0]!.recordType, 'Session');
    const signOuts = await entries(admin.client, { action: 'authentication/logout' });
    assert.equal(signOuts.length, 1);
    assert.equal(signOuts[0]!.recordId, signIns[0]!.recordId, 'the session signed out is the one signed in');
    assert.ok(!JSON.stringify(failed).includes('wrong-password'));
  });
});

describe('MFA', () => {
  test('turning MFA on is recorded (never the secret); a wrong code at mfa_respond is a failed sign-in', async () => {
    const account = await createAccount(server, 'MFA Account');
    const generated = await account.client.post('/user/generate_mfa_token');
    assert.equal(generated.status, 200);
    const secret = generated.body as string;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    assert.equal((await account.client.post('/user/set_mfa', { enabled: true, userCode: totp.generate() })).status, 200);
    const login = await new Client(server.url).post('/authentication/login', {
      username: account.email,
      password: account.password,
      type: 16,
    });
    assert.equal(login.body.challenge, 1);
    const valid = new Set([-1, 0, 1].map((w) => totp.generate({ timestamp: Date.now() + w * 30_000 })));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
    expectError(
      await new Client(server.url).post('/authentication/mfa_respond', { userCode: wrong, session: login.body.session }),
      499,
      'TOTP',
    );

    const log = await entries(account.client);
    assert.deepEqual(
      log.slice(0, 3).map((e) => [e.action, e.changes]),
      [
        ['authentication/login_failed', { reason: { before: null, after: 'code' } }],
        ['user/set_mfa', { mfa: { before: false, after: true } }],
        ['user/generate_mfa_token', { mfaSecretGenerated: { before: false, after: true } }],
      ],
    );
    assert.ok(!JSON.stringify(log).includes(secret), 'the TOTP secret never enters the log');
  });
});

describe('GET /accountlog/get_all', () => {
  test('filters by user, record type, action and dates; pages newest first', async () => {
    const c = admin.client;
    const all = await entries(c);
    assert.ok(all.length > 10);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.createDate >= all[i]!.createDate, 'newest first');

    const drives = await entries(c, { recordType: 'SharedCloudDrive' });
    assert.ok(drives.length >= 1 && drives.every((e) => e.recordType === 'SharedCloudDrive'));
    assert.deepEqual(await entries(c, { userId: UNKNOWN_ID }), []);
    assert.equal((await entries(c, { userId: admin.userId })).length, all.filter((e) => e.userId === admin.userId).length);

    const middle = all[Math.floor(all.length / 2)]!.createDate;
    const from = await entries(c, { from: middle });
    const to = await entries(c, { to: middle });
    assert.equal(from.length + to.length, all.length);
    assert.ok(from.every((e) => e.createDate >= middle) && to.every((e) => e.createDate < middle));
    assert.deepEqual(await entries(c, { from: '2999-01-01' }), []);

    const page = await c.get('/accountlog/get_all', { page: 2, pagesize: 3 });
    assert.equal(page.status, 200);
    assert.equal(page.body.total, all.length);
    assert.deepEqual(
      page.body.data.map((e: Entry) => e.id),
      all.slice(3, 6).map((e) => e.id),
    );
    assert.deepEqual(page.body.options, { page: 2, pageSize: 3, sort: [{ field: 'CreateDate', descending: true }] });
    const oldest = await c.get('/accountlog/get_all', { pagesize: 1, descending: false });
    assert.equal(oldest.body.data[0].id, all[all.length - 1]!.id);
  });

  test('bad filters are 499 naming the field; members are refused; no token is 401', async () => {
    const c = admin.client;
    expectError(await c.get('/accountlog/get_all', { from: 'yesterday' }), 499, 'DEFAULT', /from/);
    expectError(await c.get('/accountlog/get_all', { to: '2026-13-45' }), 499, 'DEFAULT', /to/);
    expectError(await c.get('/accountlog/get_all', { userId: 'not-a-uuid' }), 499, 'DEFAULT', /userId/);
    expectError(await c.get('/accountlog/get_all', { pagesize: 1001 }), 499, 'DEFAULT', /pagesize/);
    expectError(await c.get('/accountlog/get_all', { sortfield: 'Username' }), 499, 'DEFAULT', /sortfield/);
    const member = await createUser(server, admin.accountId, { userType: 64 });
    expectError(await member.client.get('/accountlog/get_all'), 499, 'ACCESS');
    expectError(await new Client(server.url).get('/accountlog/get_all'), 401, 'AUTH');
  });

  test("another account's entries are invisible", async () => {
    const other = await createAccount(server, 'Other Account');
    await other.client.post('/projects/insert', { name: 'Theirs' });
    const mine = await entries(admin.client);
    assert.ok(!mine.some((e) => e.userId === other.userId));
    const theirs = await entries(other.client);
    assert.ok(theirs.every((e) => e.userId === other.userId));
  });

  test('no endpoint changes or deletes entries', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await admin.client.request(method, '/accountlog/get_all');
      assert.equal(res.status, 405);
    }
  });
});

describe('clickd audit export (running bin/clickd.js)', () => {
  const ROOT = path.resolve(import.meta.dirname, '..');
  let configDir: string;
  const clickd = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKD_')));
      const env = { ...clean, CLICKD_CONFIG_DIR: configDir, CLICKD_PASSWORD: admin.password };
      execFile(
        process.execPath,
        [path.join(ROOT, 'bin/clickd.js'), ...args],
        { cwd: ROOT, env, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  before(async () => {
    const stale = staleBuild();
    assert.equal(stale, undefined, `the build is stale (${stale}): run npm run build, or npm test, which builds first`);
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-audit-cli-'));
    const login = await clickd(['login', '--server', server.url, '--username', admin.email]);
    assert.equal(login.code, 0, login.stderr);
  });
  after(() => fs.rmSync(configDir, { recursive: true, force: true }));

  test('streams the entries since a date, oldest first, as NDJSON and as CSV', async () => {
    const all = await entries(admin.client);
    const since = all[Math.floor(all.length / 2)]!.createDate;
    const expected = all.filter((e) => e.createDate >= since).reverse();
    const ndjson = await clickd(['audit', 'export', '--since', since]);
    assert.equal(ndjson.code, 0, ndjson.stderr);
    const lines = ndjson.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry);
    // The export's own sign-in (clickd login) came after the listing above: compare the entries listed.
    assert.deepEqual(lines.slice(0, expected.length), expected);

    const csv = await clickd(['audit', 'export', '--since', since, '--format', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    const rows = csv.stdout.trimEnd().split('\n');
    assert.equal(rows[0], 'id,createDate,userId,username,apiTokenId,ip,userAgent,action,recordType,recordId,changes');
    assert.ok(rows.length >= expected.length + 1);
    assert.ok(rows[1]!.startsWith(`${expected[0]!.id},${expected[0]!.createDate},`));
    assert.ok(
      rows.some((row) => row.includes('""before""')),
      'changes as quoted JSON',
    );

    const empty = await clickd(['audit', 'export', '--since', '2999-01-01']);
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, '');
  });

  test('usage errors exit with 2', async () => {
    const missing = await clickd(['audit', 'export']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--since/);
    const badDate = await clickd(['audit', 'export', '--since', 'someday']);
    assert.equal(badDate.code, 2, badDate.stderr);
    assert.match(badDate.stderr, /--since must be a date/);
    const badFormat = await clickd(['audit', 'export', '--since', '2026-01-01', '--format', 'xml']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /format/);
  });
});

describe('retention', () => {
  test('entries older than the retention period are pruned', async () => {
    const count = async () => (await admin.client.get('/accountlog/get_all', { pagesize: 1 })).body.total as number;
    const total = await count();
    assert.ok(total > 0);
    assert.equal(await pruneAudit(server.ctx.store, 365), 0, 'nothing is a year old');
    assert.equal(await count(), total);
    // A year and a day from now, everything written so far is past a 365-day retention.
    const pruned = await pruneAudit(server.ctx.store, 365, Date.now() + 366 * 24 * 60 * 60 * 1000);
    assert.ok(pruned >= total);
    assert.equal(await count(), 0);
  });
});
