import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from './cluster.js';
import { Client, createAccount, expectError, startTestServer, type TestAccount, type TestServer } from '../helpers.js';

/**
 * Several instances on one PostgreSQL database behave as one server (DECISIONS.md section 8): three real
 * agents, each with its own port and data directory, on one database.
 */

let database: TestDatabase;
let a: TestServer;
let b: TestServer;
let c: TestServer;
let owner: TestAccount;

const on = (server: TestServer, token?: string) => new Client(server.url, token);

before(async () => {
  database = await createTestDatabase();
  // Started together: the schema is up to date already (the template); the signing key is made once.
  const started = await Promise.all([0, 1, 2].map(() => startTestServer({ databaseUrl: database.url, loginRateMax: 5 })));
  [a, b, c] = started as [TestServer, TestServer, TestServer];
  owner = await createAccount(a, 'Hosted Owner');
});

after(async () => {
  await Promise.all([a, b, c].map((s) => s?.close()));
  await database?.drop();
});

describe('several instances on one database', () => {
  test('a token from one instance is accepted by every other (one signing key in the database)', async () => {
    for (const server of [a, b, c]) {
      const res = await on(server, owner.token).get('/authentication/user');
      assert.equal(res.status, 200, res.text);
      assert.ok(res.text.includes(owner.userId), res.text);
    }
    const keys = await Promise.all([a, b, c].map((s) => Buffer.from(s.ctx.signingKey).toString('base64')));
    assert.equal(new Set(keys).size, 1);
  });

  test('a write on one instance is seen by the next read on another, cached lists included', async () => {
    // B caches the list (the response cache is on), then A writes, then B answers at once.
    const before = await on(b, owner.token).get('/projects/get_all');
    assert.equal(before.status, 200);
    const again = await on(b, owner.token).get('/projects/get_all');
    assert.equal(again.text, before.text);
    for (let i = 0; i < 20; i++) {
      const inserted = await on(a, owner.token).post('/projects/insert', { name: `Seen ${i}` });
      assert.equal(inserted.status, 200, inserted.text);
      const list = await on(b, owner.token).get('/projects/get_all', { pagesize: 100 });
      assert.ok(
        list.body.data.some((p: { id: string }) => p.id === inserted.body.id),
        `write ${i} on A not in B's next answer`,
      );
      const renamed = await on(c, owner.token).put('/projects/update', { id: inserted.body.id, name: `Seen ${i} renamed` });
      assert.equal(renamed.status, 200, renamed.text);
      const fromA = await on(a, owner.token).get('/projects/get_all', { pagesize: 100 });
      assert.ok(fromA.body.data.some((p: { name: string }) => p.name === `Seen ${i} renamed`));
    }
  });

  test('a logout on one instance ends the session on every instance at once', async () => {
    const session = await createAccount(b, 'Leaving');
    for (const server of [a, b, c]) assert.equal((await on(server, session.token).get('/projects/get_all')).status, 200);
    const out = await on(a).post('/authentication/logout', { jwtToken: session.token });
    assert.equal(out.status, 200, out.text);
    for (const server of [b, c, a]) {
      const res = await on(server, session.token).get('/projects/get_all');
      assert.equal(res.status, 401, `instance still accepts the ended session: ${res.text}`);
    }
  });

  test('a deleted API token is refused on every instance at once', async () => {
    const created = await on(a, owner.token).post('/apitoken/insert', { title: 'hosted script' });
    assert.equal(created.status, 200, created.text);
    const apiToken: string = created.body.token;
    assert.equal(typeof apiToken, 'string', created.text);
    for (const server of [a, b, c]) assert.equal((await on(server, apiToken).get('/projects/get_all')).status, 200);
    const deleted = await on(c, owner.token).delete('/apitoken/delete', { id: created.body.id });
    assert.equal(deleted.status, 200, deleted.text);
    for (const server of [a, b, c]) {
      const res = await on(server, apiToken).get('/projects/get_all');
      assert.equal(res.status, 401, res.text);
    }
  });

  test('twenty simultaneous inserts of one name across the instances: one success, nineteen DUPLICATE', async () => {
    const servers = [a, b, c];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => on(servers[i % 3]!, owner.token).post('/projects/insert', { name: 'Contested' })),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, results.map((r) => `${r.status} ${r.text}`).join('\n'));
    const refused = results.filter((r) => r.status !== 200);
    assert.equal(refused.length, 19);
    for (const r of refused) expectError(r, 499, 'DUPLICATE');
    // Case-insensitively too, from another instance.
    expectError(await on(b, owner.token).post('/projects/insert', { name: 'CONTESTED' }), 499, 'DUPLICATE');
    const total = await on(c, owner.token).get('/projects/get_all', { name: 'contested' });
    assert.equal(total.body.total, 1);
  });

  test('concurrent assign, unassign and delete across instances: no error but the documented ones, exact totals', async () => {
    const projects: { id: string }[] = [];
    const drives: { id: string }[] = [];
    for (let i = 0; i < 6; i++) {
      projects.push((await on(a, owner.token).post('/projects/insert', { name: `Race P${i}` })).body);
      drives.push((await on(b, owner.token).post('/sharedclouddrive/insert', { name: `Race D${i}` })).body);
    }
    const pairsOf = (p: { id: string }) => drives.map((d) => ({ projectId: p.id, sharedCloudDriveId: d.id }));
    assert.equal((await on(a, owner.token).post('/projects/assign_sharedclouddrive', pairsOf(projects[0]!))).status, 200);
    const assigned = await on(b, owner.token).get('/projects/get_assigned_sharedclouddrives', { projectId: projects[0]!.id });
    assert.equal(assigned.body.total, 6, assigned.text);
    const assignmentIds: string[] = assigned.body.data.map(
      (row: { projectSharedCloudDrive: { id: string } }) => row.projectSharedCloudDrive.id,
    );

    const servers = [a, b, c];
    const work = [];
    // Each assignment unassigned twice at once on two instances; project 1's pairs assigned by all three at
    // once; project 5 deleted while drives are being assigned to it.
    for (const [i, id] of assignmentIds.entries()) {
      work.push(on(servers[i % 3]!, owner.token).delete('/projects/unassign_sharedclouddrive', { id }));
      work.push(on(servers[(i + 1) % 3]!, owner.token).delete('/projects/unassign_sharedclouddrive', { id }));
    }
    for (const server of servers)
      work.push(on(server, owner.token).post('/projects/assign_sharedclouddrive', pairsOf(projects[1]!)));
    work.push(on(c, owner.token).delete('/projects/delete', { id: projects[5]!.id }));
    work.push(on(a, owner.token).post('/projects/assign_sharedclouddrive', pairsOf(projects[5]!)));
    const results = await Promise.all(work);
    for (const r of results) {
      if (r.status !== 200) expectError(r, 499, 'NOT_FOUND');
    }
    // Every unassign pair: exactly one of the two found the assignment.
    for (let i = 0; i < assignmentIds.length; i++) {
      const statuses = [results[2 * i]!.status, results[2 * i + 1]!.status].sort();
      assert.deepEqual(statuses, [200, 499], `assignment ${i}: ${statuses.join(', ')}`);
    }
    for (const server of servers) {
      const none = await on(server, owner.token).get('/projects/get_assigned_sharedclouddrives', { projectId: projects[0]!.id });
      assert.equal(none.body.total, 0, none.text);
      const six = await on(server, owner.token).get('/projects/get_assigned_sharedclouddrives', { projectId: projects[1]!.id });
      assert.equal(six.body.total, 6, six.text);
      assert.equal(six.body.data.length, 6);
    }
  });

  test('the login rate limit counts the attempts made on every instance', async () => {
    const client = (s: TestServer) => new Client(s.url);
    // A name nobody signed in with yet (createAccount's own sign-in counts too).
    const attempt = (s: TestServer) =>
      client(s).post('/authentication/login', { username: 'rate-limited@example.com', password: 'wrong-password', type: 16 });
    const servers = [a, b, c, a, b];
    for (const s of servers) expectError(await attempt(s), 401, 'AUTH');
    // The sixth attempt, on any instance, is over the limit of 5 shared by all.
    for (const s of [c, a, b]) expectError(await attempt(s), 429, 'SECURITY');
  });

  test('/notification frames reach the clients of every instance, whichever took the write', async () => {
    const url = (s: TestServer) => `${s.url.replace(/^http/, 'ws')}/notification?token=${owner.token}`;
    const sockets = await Promise.all(
      [b, c].map(
        (s) =>
          new Promise<WebSocket>((resolve, reject) => {
            const socket = new WebSocket(url(s));
            socket.once('open', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    try {
      const frames = sockets.map(
        (socket) =>
          new Promise<{ frame: any; at: number }>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no frame within a second')), 1000);
            socket.once('message', (data) => {
              clearTimeout(timer);
              resolve({ frame: JSON.parse(data.toString()), at: Date.now() });
            });
          }),
      );
      const sent = Date.now();
      const inserted = await on(a, owner.token).request('POST', '/projects/insert', {
        body: { name: 'Fanned out' },
        headers: { 'x-app-origin': 'hosted-test' },
      });
      assert.equal(inserted.status, 200);
      for (const { frame, at } of await Promise.all(frames)) {
        assert.equal(frame.Type, 4);
        assert.equal(frame.Data.EndpointAddress, '/projects/insert');
        assert.equal(frame.Data.HttpMethod, 'POST');
        assert.equal(frame.Data.Origin, 'hosted-test');
        assert.equal(frame.Data.AccountId, owner.accountId);
        assert.ok(at - sent < 1000);
      }
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  test('another account on another instance sees nothing of this one', async () => {
    const stranger = await createAccount(c, 'Hosted Stranger');
    const mine = await on(a, owner.token).get('/projects/get_all', { pagesize: 5 });
    assert.ok(mine.body.total > 0);
    for (const s of [a, b, c]) {
      const theirs = await on(s, stranger.token).get('/projects/get_all');
      assert.equal(theirs.body.total, 0);
      expectError(
        await on(s, stranger.token).get('/projects/get_assigned_sharedclouddrives', { projectId: mine.body.data[0].id }),
        499,
        'NOT_FOUND',
      );
    }
  });
});
