import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../src/domain/passwords.js';
import type { RouteEntry } from '../src/http/queryCount.js';
import { Client, createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

// Scaling proofs. (1) Every list and details endpoint runs a fixed number of SQL statements per request,
// whatever the page size and the amount of data (no query per row, no growth with the account). The
// endpoints are found among the registered routes, so new ones are covered as they land. (2) `total`,
// read from maintained counts when a list is unfiltered, stays equal to a real count under concurrent
// inserts, deletes and restores. No timings are asserted.

const now = () => new Date().toISOString();

describe('statements per request do not grow with page size or data size', () => {
  let server: TestServer;
  let owner: TestAccount;
  let member: Client;
  const ids = { projects: [] as string[], drives: [] as string[], users: [] as string[], groups: [] as string[] };

  before(async () => {
    server = await startTestServer({ debugQueryCount: true, responseCache: false });
    owner = await createAccount(server, 'Scaling Owner');
  });
  after(() => server.close());

  /** Adds projects, drives, users and groups, and links every new one to the first of each kind and back. */
  async function grow(count: { projects: number; drives: number; users: number; groups: number }) {
    const db = server.ctx.store.db;
    const at = now();
    const base = ids.projects.length;
    for (let i = 0; i < count.projects; i++) {
      const res = await owner.client.post('/projects/insert', { name: `Scaling project ${base + i}` });
      assert.equal(res.status, 200, res.text);
      ids.projects.push(res.body.id);
    }
    for (let i = 0; i < count.drives; i++) {
      const res = await owner.client.post('/sharedclouddrive/insert', { name: `Drive ${ids.drives.length}`, storageName: 'b' });
      assert.equal(res.status, 200, res.text);
      ids.drives.push(res.body.id);
    }
    const passwordHash = await hashPassword('member-password-1');
    for (let i = 0; i < count.users; i++) {
      const id = randomUUID();
      const username = `scaling-${ids.users.length}-${id.slice(0, 8)}@example.com`;
      await db
        .insertInto('users')
        .values({
          id,
          account_id: owner.accountId,
          username,
          username_key: username,
          email: username,
          firstname: 'Member',
          lastname: String(ids.users.length),
          user_type: 32,
          status: 1,
          owner: 0,
          mfa: 0,
          mfa_secret: null,
          mfa_pending_secret: null,
          password_hash: passwordHash,
          auth_provider: 0,
          migration: 0,
          deleted: 0,
          signup_date: at,
          create_date: at,
          update_date: at,
        })
        .execute();
      ids.users.push(id);
    }
    for (let i = 0; i < count.groups; i++) {
      const name = `Group ${ids.groups.length}`;
      const id = randomUUID();
      await db
        .insertInto('user_groups')
        .values({
          id,
          account_id: owner.accountId,
          name,
          name_key: name.toLowerCase(),
          description: '',
          active: 1,
          deleted: 0,
          create_date: at,
          update_date: at,
        })
        .execute();
      ids.groups.push(id);
    }

    // Links, each pair once: the first of each kind is linked to every other record, and every project
    // to up to 5 drives, 5 users and 2 groups.
    const pairs = new Set<string>();
    const link = async (table: string, a: [string, string], b: [string, string], permission = true) => {
      const key = `${table}/${a[1]}/${b[1]}`;
      if (pairs.has(key)) return;
      pairs.add(key);
      const row: Record<string, unknown> = {
        id: randomUUID(),
        account_id: owner.accountId,
        [a[0]]: a[1],
        [b[0]]: b[1],
        create_date: at,
      };
      if (permission) Object.assign(row, { permission_type: 2, update_date: at });
      await (db as any)
        .insertInto(table)
        .values(row)
        .onConflict((oc: any) => oc.doNothing())
        .execute();
    };
    const [p0, d0, u0, g0] = [ids.projects[0]!, ids.drives[0]!, ids.users[0]!, ids.groups[0]!];
    const assignPairs: { projectId: string; sharedCloudDriveId: string }[] = [];
    ids.projects.forEach((p, i) => {
      for (const d of [d0, ...ids.drives.slice(i % ids.drives.length, (i % ids.drives.length) + 4)]) {
        assignPairs.push({ projectId: p, sharedCloudDriveId: d });
      }
    });
    for (const d of ids.drives) assignPairs.push({ projectId: p0, sharedCloudDriveId: d });
    const assigned = await owner.client.post('/projects/assign_sharedclouddrive', assignPairs);
    assert.equal(assigned.status, 200, assigned.text);
    for (const [i, p] of ids.projects.entries()) {
      for (const u of [u0, ...ids.users.slice(i % ids.users.length, (i % ids.users.length) + 4)]) {
        await link('user_project_permissions', ['user_id', u], ['project_id', p]);
      }
      for (const g of [g0, ids.groups[i % ids.groups.length]!])
        await link('user_group_project_permissions', ['user_group_id', g], ['project_id', p]);
    }
    for (const u of ids.users) await link('user_project_permissions', ['user_id', u], ['project_id', p0]);
    for (const g of ids.groups) {
      await link('user_group_project_permissions', ['user_group_id', g], ['project_id', p0]);
      await link('user_group_shared_cloud_drive_permissions', ['user_group_id', g], ['shared_cloud_drive_id', d0]);
    }
    for (const d of ids.drives) {
      for (const u of ids.users) await link('user_shared_cloud_drive_permissions', ['user_id', u], ['shared_cloud_drive_id', d]);
      await link('user_group_shared_cloud_drive_permissions', ['user_group_id', g0], ['shared_cloud_drive_id', d]);
    }
    for (const u of ids.users) await link('user_user_groups', ['user_id', u], ['user_group_id', g0], false);
    for (const g of ids.groups) await link('user_user_groups', ['user_id', u0], ['user_group_id', g], false);
  }

  /** The GET routes that page (they take `pagesize`), with each required parameter resolved to an id. */
  function listRoutes(): { url: string; query: Record<string, string> }[] {
    const catalog: RouteEntry[] = server.app.routeCatalog;
    // The Click routes: their Web twins run the same handlers (test/web-routes.test.ts compares the answers).
    const routes = catalog.filter((r) => r.method === 'GET' && r.querystring?.properties?.pagesize && !r.url.startsWith('/api/'));
    return routes.map((r) => {
      const query: Record<string, string> = {};
      const properties = r.querystring?.properties ?? {};
      // Required parameters, and ids (some endpoints check an id themselves instead of requiring it).
      const wanted = new Set([
        ...(r.querystring?.required ?? []),
        ...Object.keys(properties).filter((p) => properties[p]?.format === 'uuid' && p !== 'id'),
      ]);
      for (const param of wanted) {
        if (param === 'token') continue;
        const id = /group/i.test(param)
          ? ids.groups[0]
          : /user/i.test(param)
            ? // The audit log's filter by author: the owner, who wrote every record of this test.
              r.url === '/accountlog/get_all'
              ? owner.userId
              : ids.users[0]
            : /project/i.test(param)
              ? ids.projects[0]
              : /drive/i.test(param)
                ? ids.drives[0]
                : undefined;
        assert.ok(id, `${r.url}: no fixture for the required parameter '${param}'; add one to this test`);
        query[param] = id;
      }
      return { url: r.url, query };
    });
  }

  async function statements(client: Client, url: string, query: Record<string, string | number>, allowRefusal = false) {
    const res = await client.get(url, query);
    if (allowRefusal && res.status === 499 && res.body?.type === 'ACCESS') return undefined;
    assert.equal(res.status, 200, `${url} ${JSON.stringify(query)}: ${res.text}`);
    const header = res.headers.get('x-clickd-queries');
    assert.match(header ?? '', /^\d+$/, `${url} has no x-clickd-queries header`);
    return { count: Number(header), rows: (res.body.data as unknown[]).length };
  }

  test('for every list and details endpoint, as an admin and as a member', async () => {
    await grow({ projects: 2, drives: 2, users: 2, groups: 2 });
    const login = await new Client(server.url).post('/authentication/login', {
      username: (
        await server.ctx.store.db.selectFrom('users').select('username').where('id', '=', ids.users[0]!).executeTakeFirstOrThrow()
      ).username,
      password: 'member-password-1',
      type: 32,
    });
    assert.equal(login.status, 200, login.text);
    member = owner.client.withToken(login.body.jwtToken);

    const routes = listRoutes();
    const urls = routes.map((r) => r.url);
    for (const expected of [
      '/projects/get_all',
      '/projects/get_all_with_details',
      '/projects/get_assigned_sharedclouddrives',
      '/projects/get_assigned_projects',
      '/sharedclouddrive/get_all',
      '/sharedclouddrive/get_all_with_details',
    ]) {
      assert.ok(urls.includes(expected), `${expected} is not among the list routes found: ${urls.join(', ')}`);
    }

    // Lists a member may not read (499 ACCESS) are measured for the admin only.
    const small = new Map<string, number>();
    for (const who of [owner.client, member]) {
      for (const r of routes) {
        const measured = await statements(who, r.url, { ...r.query, pagesize: 1 }, who === member);
        if (measured) small.set(`${who.token}${r.url}`, measured.count);
      }
    }

    await grow({ projects: 40, drives: 30, users: 30, groups: 8 });
    for (const who of [owner.client, member]) {
      const role = who === member ? 'member' : 'admin';
      for (const r of routes) {
        const expected = small.get(`${who.token}${r.url}`);
        if (expected === undefined) continue;
        const variants: Record<string, number>[] = [
          { pagesize: 1 },
          { pagesize: 50 },
          { pagesize: 10, page: 2 },
          { pagesize: 7, page: 5 },
          { pagesize: 1000, page: 1 },
        ];
        let sawMany = false;
        for (const variant of variants) {
          const { count, rows } = (await statements(who, r.url, { ...r.query, ...variant }))!;
          if (rows > 1) sawMany = true;
          // Fewer is fine (a page past the end skips the page query); more would be a query per row or per record.
          // A first page may come with its total in one statement; a later page counts first: one more.
          const bound = expected + ((variant.page ?? 1) > 1 ? 1 : 0);
          assert.ok(
            count <= bound,
            `${role} ${r.url} ${JSON.stringify(variant)}: ${count} statements with more data and ${rows} rows, ${expected} with little data and a page of 1 (bound ${bound})`,
          );
        }
        // A list that can show several rows must have shown several, or the comparison proves nothing.
        if (r.url !== '/apitoken/get_all') assert.ok(sawMany || role === 'member', `${r.url} never returned more than one row`);
      }
    }
  });

  test('the header is only sent when debugQueryCount is on', async () => {
    const plain = await startTestServer();
    try {
      const account = await createAccount(plain, 'No Debug');
      const res = await account.client.get('/projects/get_all');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-clickd-queries'), null);
    } finally {
      await plain.close();
    }
  });
});

describe('total stays right under concurrent writers', () => {
  let server: TestServer;
  let owner: TestAccount;

  before(async () => {
    server = await startTestServer(); // the response cache is on, as in production
    owner = await createAccount(server, 'Concurrent Owner');
  });
  after(() => server.close());

  async function realCount(table: 'projects' | 'shared_cloud_drives', deleted: 0 | 1, nameLike?: string) {
    let query = server.ctx.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', owner.accountId)
      .where('deleted', '=', deleted);
    if (nameLike) query = query.where('name_key', 'like', `%${nameLike}%`);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  test('10 clients inserting, deleting, restoring (and clashing on names) leave every total equal to a count', async () => {
    const client = owner.client;
    const worker = async (w: number) => {
      const mine: string[] = [];
      for (let i = 0; i < 12; i++) {
        const name = i % 3 === 0 ? `Match ${w}-${i}` : `Other ${w}-${i}`;
        const res = await client.post('/projects/insert', { name });
        assert.equal(res.status, 200, res.text);
        mine.push(res.body.id);
        // Everyone tries the same name: exactly one insert per round wins, the others are DUPLICATE.
        const clash = await client.post('/projects/insert', { name: `Shared match ${i}` });
        assert.ok(clash.status === 200 || clash.body?.type === 'DUPLICATE', clash.text);
        if (i % 2 === 1) {
          const del = await client.delete('/projects/delete', { id: mine[i - 1]! });
          assert.equal(del.status, 200, del.text);
        }
        if (i % 4 === 3) {
          const restore = await client.post('/projects/restore', undefined, { id: mine[i - 3]! });
          assert.ok(restore.status === 200 || restore.status === 499, restore.text);
        }
        const drive = await client.post('/sharedclouddrive/insert', { name: `D ${w}-${i}`, storageName: 'b' });
        assert.equal(drive.status, 200, drive.text);
        if (i % 3 === 2) assert.equal((await client.delete('/sharedclouddrive/delete', { id: drive.body.id })).status, 200);
        // Readers in between, so that cached answers exist while the writes happen.
        assert.equal((await client.get('/projects/get_all', { pagesize: 5 })).status, 200);
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, w) => worker(w)));

    const total = async (route: string, query: Record<string, string | number> = {}) => {
      const res = await client.get(route, { pagesize: 1000, ...query });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.length, res.body.total, `${route} ${JSON.stringify(query)}: the pages hold what total says`);
      return res.body.total as number;
    };
    assert.equal(await total('/projects/get_all'), await realCount('projects', 0));
    assert.equal(await total('/projects/get_all', { deleted: 'true' }), await realCount('projects', 1));
    assert.equal(await total('/projects/get_all', { name: 'match' }), await realCount('projects', 0, 'match'));
    assert.equal(await total('/projects/get_all_with_details'), await realCount('projects', 0));
    assert.equal(await total('/sharedclouddrive/get_all'), await realCount('shared_cloud_drives', 0));
    assert.equal(await total('/sharedclouddrive/get_all', { deleted: 'true' }), await realCount('shared_cloud_drives', 1));
    assert.ok((await realCount('projects', 0)) > 50 && (await realCount('projects', 1)) > 10, 'the run wrote what it meant to');
    assert.equal(await realCount('projects', 0, 'shared match'), 12, 'one project per contested name');
  });

  test('another account sees only its own totals', async () => {
    const other = await createAccount(server, 'Quiet Owner');
    assert.equal((await other.client.post('/projects/insert', { name: 'Only one' })).status, 200);
    const res = await other.client.get('/projects/get_all');
    assert.equal(res.body.total, 1);
  });
});
