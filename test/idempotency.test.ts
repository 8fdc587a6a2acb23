import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CliRunner } from './cliRunner.js';
import { createUser, type TestUser } from './factories.js';
import { createAccount, expectError, startTestServer, type Response, type TestAccount, type TestServer } from './helpers.js';

/**
 * Idempotency keys on creating POSTs (DECISIONS.md section 9): a retry replays the first answer byte for byte
 * with `Idempotent-Replayed: true` and creates nothing more; another body under the same key is 422, a key
 * whose first request is still running 409 (both IDEMPOTENCY); simultaneous requests with one key create one
 * record; keys belong to one user and expire after 24 hours.
 */

let server: TestServer;
let owner: TestAccount;
let admin: TestUser;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Idempotent Owner');
  admin = await createUser(server, owner.accountId, { userType: 4 });
});
after(() => server.close());

let keys = 0;
const newKey = () => `key-${++keys}-${Date.now()}`;

function post(route: string, body: unknown, key?: string, client = owner.client): Promise<Response> {
  return client.request('POST', route, { body, headers: key === undefined ? {} : { 'idempotency-key': key } });
}

async function countProjects(name: string): Promise<number> {
  const rows = await server.ctx.store.db
    .selectFrom('projects')
    .select('id')
    .where('account_id', '=', owner.accountId)
    .where('name', '=', name)
    .execute();
  return rows.length;
}

describe('replays', () => {
  test('a retry with the same key and body replays the first answer byte for byte and creates nothing more', async () => {
    const key = newKey();
    const first = await post('/projects/insert', { name: 'Once', description: 'first' }, key);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    for (let i = 0; i < 3; i++) {
      const again = await post('/projects/insert', { name: 'Once', description: 'first' }, key);
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text, 'byte-identical body');
      assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
      assert.equal(again.headers.get('etag'), first.headers.get('etag'));
    }
    assert.equal(await countProjects('Once'), 1);
    // Without a key, the same request is a new one: DUPLICATE, as before.
    expectError(await post('/projects/insert', { name: 'Once', description: 'first' }), 499, 'DUPLICATE');
  });

  test('every creating POST honours it: drives, groups, users, assignments, grants, memberships, imports', async () => {
    const project = (await post('/projects/insert', { name: 'Host' }, newKey())).body;
    const creating: [string, unknown][] = [
      ['/sharedclouddrive/insert', { name: 'Idem drive' }],
      ['/usergroup/insert', { name: 'Idem group' }],
      ['/user/insert_user', { username: 'idem@example.com', email: 'idem@example.com', userType: 32 }],
    ];
    const created: Record<string, any> = {};
    for (const [route, body] of creating) {
      const key = newKey();
      const first = await post(route, body, key);
      assert.equal(first.status, 200, `${route}: ${first.text}`);
      const again = await post(route, body, key);
      assert.equal(again.status, 200, `${route}: ${again.text}`);
      assert.equal(again.headers.get('idempotent-replayed'), 'true', route);
      assert.equal(again.text, first.text, route);
      created[route] = first.body;
    }
    const drive = created['/sharedclouddrive/insert'];
    const group = created['/usergroup/insert'];
    const user = created['/user/insert_user'];
    const noBody: [string, unknown][] = [
      ['/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]],
      ['/userspermission/users_project_permission', [{ userId: user.id, projectId: project.id, permissionType: 1 }]],
      ['/usergroup/assign_users', [{ userGroupId: group.id, userId: user.id }]],
    ];
    for (const [route, body] of noBody) {
      const key = newKey();
      const first = await post(route, body, key);
      assert.equal(first.status, 200, `${route}: ${first.text}`);
      const again = await post(route, body, key);
      assert.equal(again.status, 200, route);
      assert.equal(again.headers.get('idempotent-replayed'), 'true', route);
      assert.equal(again.text, first.text, route);
      assert.equal(again.text, '', `${route} answers with no body, and so does its replay`);
    }
    const drives = await server.ctx.store.db
      .selectFrom('shared_cloud_drives')
      .select('id')
      .where('account_id', '=', owner.accountId)
      .where('name', '=', 'Idem drive')
      .execute();
    assert.equal(drives.length, 1);
  });

  test('an error answer is replayed too: the retry does not run again', async () => {
    const key = newKey();
    await post('/projects/insert', { name: 'Taken' });
    const first = await post('/projects/insert', { name: 'Taken' }, key);
    expectError(first, 499, 'DUPLICATE');
    const again = await post('/projects/insert', { name: 'Taken' }, key);
    expectError(again, 499, 'DUPLICATE');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
  });
});

describe('refusals', () => {
  test('the same key with another body, query or endpoint is 422 IDEMPOTENCY, and changes nothing', async () => {
    const key = newKey();
    assert.equal((await post('/projects/insert', { name: 'Original' }, key)).status, 200);
    expectError(await post('/projects/insert', { name: 'Changed' }, key), 422, 'IDEMPOTENCY', /another request/);
    expectError(await post('/usergroup/insert', { name: 'Original' }, key), 422, 'IDEMPOTENCY');
    assert.equal(await countProjects('Changed'), 0);
    assert.equal(
      (await server.ctx.store.db.selectFrom('user_groups').select('id').where('name', '=', 'Original').execute()).length,
      0,
    );
  });

  test('a key whose first request is still running is 409 IDEMPOTENCY', async () => {
    const key = newKey();
    const body = { name: 'Still running' };
    // A claim taken a moment ago by a request that has not answered yet.
    await server.ctx.store.idempotencyKeys.claimKey(
      server.ctx.store.db,
      { accountId: owner.accountId, userId: owner.userId, key },
      'the fingerprint of the request in flight',
      new Date(Date.now() + 3600_000).toISOString(),
    );
    expectError(await post('/projects/insert', body, key), 409, 'IDEMPOTENCY', /still running/);
    assert.equal(await countProjects('Still running'), 0);
  });

  test('a claim abandoned for more than 5 minutes (the agent stopped mid-way) is taken over', async () => {
    const key = newKey();
    const owned = { accountId: owner.accountId, userId: owner.userId, key };
    await server.ctx.store.idempotencyKeys.claimKey(
      server.ctx.store.db,
      owned,
      'x',
      new Date(Date.now() + 3600_000).toISOString(),
    );
    await server.ctx.store.db
      .updateTable('idempotency_keys')
      .set({ create_date: new Date(Date.now() - 6 * 60_000).toISOString() })
      .where('idempotency_key', '=', key)
      .execute();
    const res = await post('/projects/insert', { name: 'Taken over' }, key);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('idempotent-replayed'), null);
    const again = await post('/projects/insert', { name: 'Taken over' }, key);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
  });

  test('a key must be 1 to 255 characters', async () => {
    expectError(await post('/projects/insert', { name: 'Long key' }, 'k'.repeat(256)), 499, 'DEFAULT', /Idempotency-Key/);
    expectError(await post('/projects/insert', { name: 'Long key' }, ''), 499, 'DEFAULT', /Idempotency-Key/);
    assert.equal(await countProjects('Long key'), 0);
    assert.equal((await post('/projects/insert', { name: 'Long key' }, 'k'.repeat(255))).status, 200);
  });

  test('a member refused with ACCESS claims nothing; an unauthenticated request neither', async () => {
    const member = await createUser(server, owner.accountId, { userType: 32 });
    const key = newKey();
    expectError(await post('/projects/insert', { name: 'Not yours' }, key, member.client), 499, 'ACCESS');
    expectError(await post('/projects/insert', { name: 'Not yours' }, key, owner.client.withToken(undefined)), 401, 'AUTH');
    const rows = await server.ctx.store.db
      .selectFrom('idempotency_keys')
      .select('user_id')
      .where('idempotency_key', '=', key)
      .execute();
    assert.deepEqual(rows, []);
  });
});

describe('keys belong to one user and expire', () => {
  test('another user with the same key makes a request of their own', async () => {
    const key = newKey();
    const mine = await post('/usergroup/insert', { name: 'Mine' }, key);
    const theirs = await post('/usergroup/insert', { name: 'Theirs' }, key, admin.client);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(theirs.status, 200, theirs.text);
    assert.equal(theirs.headers.get('idempotent-replayed'), null);
    assert.equal(theirs.body.name, 'Theirs');
  });

  test('an expired key is neither replayed nor refused, and expired keys are pruned', async () => {
    const key = newKey();
    assert.equal((await post('/projects/insert', { name: 'Yesterday' }, key)).status, 200);
    await server.ctx.store.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('idempotency_key', '=', key)
      .execute();
    const fresh = await post('/projects/insert', { name: 'Today' }, key);
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(fresh.headers.get('idempotent-replayed'), null);
    assert.equal(fresh.body.name, 'Today');

    const stale = newKey();
    assert.equal((await post('/projects/insert', { name: 'To prune' }, stale)).status, 200);
    const stored = await server.ctx.store.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('idempotency_key', '=', stale)
      .executeTakeFirstOrThrow();
    const expiresIn = Date.parse(stored.expires_at) - Date.parse(stored.create_date);
    assert.equal(expiresIn, 24 * 60 * 60 * 1000, 'kept 24 hours');
    await server.ctx.store.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(0).toISOString() })
      .where('idempotency_key', '=', stale)
      .execute();
    assert.ok((await server.ctx.store.idempotencyKeys.pruneExpiredKeys(server.ctx.store.db)) >= 1);
    const left = await server.ctx.store.db.selectFrom('idempotency_keys').select('idempotency_key').execute();
    assert.ok(!left.some((r) => r.idempotency_key === stale));
    assert.ok(
      left.some((r) => r.idempotency_key === key),
      'live keys stay',
    );
  });
});

describe('concurrent retries', () => {
  test('simultaneous requests with one key create one record; the others replay it or are told it is running', async () => {
    for (let round = 0; round < 5; round++) {
      const key = newKey();
      const name = `Concurrent ${round}`;
      const answers = await Promise.all(Array.from({ length: 8 }, () => post('/projects/insert', { name }, key)));
      assert.equal(await countProjects(name), 1, `round ${round}: one record`);
      const fresh = answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === null);
      assert.equal(fresh.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
      for (const a of answers) {
        if (a.status === 409) expectError(a, 409, 'IDEMPOTENCY');
        else {
          assert.equal(a.status, 200, a.text);
          assert.equal(a.text, fresh[0]!.text);
        }
      }
      const settled = await post('/projects/insert', { name }, key);
      assert.equal(settled.headers.get('idempotent-replayed'), 'true');
      assert.equal(settled.text, fresh[0]!.text);
    }
  });
});

describe('routes', () => {
  test('every creating POST honours the key, and nothing else does', () => {
    const all = server.app.routeCatalog.filter((r) => r.config.creates === true).map((r) => `${r.method} ${r.url}`);
    const creating = all.filter((r) => !r.startsWith('POST /api/')).sort();
    // Their Web twins (DECISIONS 8: /api/v1/<resource>/; the /api/ alias is the same route) honour it as well.
    const resource = (prefix: string) => ({ projects: 'project', userspermission: 'permission' })[prefix] ?? prefix;
    for (const route of creating) {
      const [, prefix, action] = route.split(' ')[1]!.split('/');
      assert.ok(all.includes(`POST /api/v1/${resource(prefix!)}/${action}`), `${route}: its Web twin`);
    }
    assert.equal(all.length, creating.length * 2);
    assert.deepEqual(creating, [
      'POST /accountlogsetting/setup',
      'POST /projects/assign_sharedclouddrive',
      'POST /projects/insert',
      'POST /sharedclouddrive/insert',
      'POST /user/insert_user',
      'POST /usergroup/assign_users',
      'POST /usergroup/import_users',
      'POST /usergroup/insert',
      'POST /userspermission/usergroup_sharedclouddrive_permission',
      'POST /userspermission/usergroups_project_permission',
      'POST /userspermission/users_project_permission',
      'POST /userspermission/users_sharedclouddrive_permision',
    ]);
  });

  test('apitoken/insert ignores a key: its answer holds a secret that is never stored', async () => {
    const key = newKey();
    const first = await post('/apitoken/insert', { title: 'one' }, key);
    const second = await post('/apitoken/insert', { title: 'one' }, key);
    assert.equal(first.status, 200, first.text);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.headers.get('idempotent-replayed'), null);
    assert.notEqual(first.body.token ?? first.text, second.body.token ?? second.text);
  });
});

describe('the CLI sends an Idempotency-Key on every create and retries once on a network error', () => {
  /**
   * A proxy in front of the agent that passes every request on, but for the first `drop` creating requests
   * cuts the connection once the agent has answered: the answer is lost, as on a flaky network.
   */
  async function flakyProxy(drop: number) {
    const seen: { method: string; url: string; key: string | undefined }[] = [];
    let dropped = 0;
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const key = req.headers['idempotency-key'] as string | undefined;
          seen.push({ method: req.method!, url: req.url!, key });
          const headers = Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
          ) as Record<string, string>;
          const answer = await fetch(new URL(req.url!, server.url), {
            method: req.method,
            headers,
            body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
          });
          const text = await answer.text();
          if (req.method === 'POST' && key !== undefined && dropped < drop) {
            dropped++;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          res.end(text);
        })();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise<void>((resolve) => proxy.close(() => resolve())) };
  }

  test('an answer lost on the way back is replayed on the retry: one record, and the command succeeds', async () => {
    const proxy = await flakyProxy(1);
    const cli = new CliRunner();
    try {
      await cli.login(proxy.url, owner.email, owner.password);
      const created = JSON.parse(await cli.ok(['projects', 'create', 'Through a flaky network', '--json']));
      assert.equal(created.name, 'Through a flaky network');
      assert.equal(await countProjects('Through a flaky network'), 1, 'created once');
      const posts = proxy.seen.filter((r) => r.method === 'POST' && r.url.startsWith('/projects/insert'));
      assert.equal(posts.length, 2, 'sent twice');
      assert.match(posts[0]!.key ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(posts[1]!.key, posts[0]!.key, 'with the same key');

      // Every create sends a key of its own: drives, groups, grants, assignments, invitations.
      await cli.ok(['drives', 'create', 'Flaky drive']);
      await cli.ok(['groups', 'create', 'Flaky group']);
      await cli.ok(['projects', 'assign', 'Through a flaky network', 'Flaky drive']);
      await cli.ok(['users', 'invite', 'flaky@example.com']);
      await cli.ok(['permissions', 'grant', '--user', 'flaky@example.com', '--project', 'Through a flaky network']);
      await cli.ok(['groups', 'add-member', 'Flaky group', 'flaky@example.com']);
      const keyed = proxy.seen.filter((r) => r.method === 'POST' && r.key !== undefined);
      assert.equal(keyed.length, 8, keyed.map((r) => r.url).join(', '));
      assert.equal(new Set(keyed.map((r) => r.key)).size, 7, 'one key per command, the retry aside');
      // Gets and updates carry none.
      assert.ok(proxy.seen.filter((r) => r.method !== 'POST').every((r) => r.key === undefined));
    } finally {
      cli.dispose();
      await proxy.close();
    }
  });

  test('a network error on both attempts is reported, and nothing is created twice', async () => {
    const proxy = await flakyProxy(2);
    const cli = new CliRunner();
    try {
      await cli.login(proxy.url, owner.email, owner.password);
      const run = await cli.run(['projects', 'create', 'Lost twice']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^error: cannot reach clickd at /);
      assert.equal(await countProjects('Lost twice'), 1, 'the agent did the work once');
    } finally {
      cli.dispose();
      await proxy.close();
    }
  });
});

describe('the OpenAPI document', () => {
  test('every creating POST takes Idempotency-Key and documents the replay header, the 409 and the 422', async () => {
    const doc = (await owner.client.get('/openapi.json')).body;
    const creating = server.app.routeCatalog.filter((r) => r.config.creates === true);
    assert.ok(creating.length >= 20);
    for (const route of creating) {
      const post = doc.paths[route.url].post;
      const key = post.parameters.find((p: any) => p.in === 'header' && p.name === 'idempotency-key');
      assert.ok(key, `${route.url} takes Idempotency-Key`);
      assert.equal(key.required, false);
      assert.deepEqual([key.schema.minLength, key.schema.maxLength], [1, 255]);
      assert.ok(post.responses['200'].headers?.['idempotent-replayed'], `${route.url}: the replay header`);
      for (const status of ['409', '422']) {
        assert.equal(post.responses[status].content['application/json'].schema.$ref, '#/components/schemas/ErrorBody');
        assert.match(post.responses[status].description, /IDEMPOTENCY/);
      }
    }
    const restore = doc.paths['/projects/restore'].post;
    assert.equal(restore.responses['409'], undefined, 'a POST that creates nothing takes no key');
    assert.ok(!(restore.parameters ?? []).some((p: any) => p.name === 'idempotency-key'));
    assert.match(doc.info.description, /Idempotency-Key/);
  });
});
