import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RouteEntry } from '../src/http/queryCount.js';
import { createAccount, startTestServer, testBackend, type TestAccount, type TestServer } from './helpers.js';

// Paging at any depth (DECISIONS.md section 10): page k+1 of a query that follows page k continues from
// where page k ended instead of skipping the rows before it again. Proved here through HTTP for every list
// endpoint, sort field and direction, filter and `deleted=true`: (1) every page of a walk equals the slice
// of the whole list read at the same moment (what offset paging gives), also when rows are inserted and
// deleted between pages; (2) a continued page runs no more statements than page 1, and fewer than the same
// page read cold (by offset), which shows the continuation is taken.

const SIZE = 7;
const now = () => new Date().toISOString();

describe('paging at any depth', () => {
  let server: TestServer;
  let owner: TestAccount;
  let other: TestAccount;
  const ids = { projects: [] as string[], drives: [] as string[], users: [] as string[], groups: [] as string[] };

  before(async () => {
    server = await startTestServer({ debugQueryCount: true, responseCache: false });
    owner = await createAccount(server, 'Paging Owner');
    other = await createAccount(server, 'Paging Other');
    const client = owner.client;
    const descriptions = ['alpha', 'beta', 'beta', 'gamma'];
    for (let i = 0; i < 40; i++) {
      const res = await client.post('/projects/insert', { name: `Project ${(i * 7) % 40}`, description: descriptions[i % 4] });
      assert.equal(res.status, 200, res.text);
      ids.projects.push(res.body.id);
    }
    for (let i = 0; i < 23; i++) {
      const res = await client.post('/sharedclouddrive/insert', { name: `Drive ${(i * 5) % 23}`, storageName: `b${i % 3}` });
      assert.equal(res.status, 200, res.text);
      ids.drives.push(res.body.id);
    }
    for (let i = 0; i < 19; i++) {
      const res = await client.post('/usergroup/insert', { name: `Group ${(i * 3) % 19}` });
      assert.equal(res.status, 200, res.text);
      ids.groups.push(res.body.id);
    }
    const db = server.ctx.store.db as any;
    const at = now();
    for (let i = 0; i < 22; i++) {
      const id = randomUUID();
      const username = `pager-${(i * 9) % 22}-${id.slice(0, 6)}@example.com`;
      await db
        .insertInto('users')
        .values({
          id,
          account_id: owner.accountId,
          username,
          username_key: username,
          email: username,
          firstname: ['Ann', 'Bob', 'Bob'][i % 3],
          lastname: String(i % 5),
          user_type: i % 2 ? 32 : 4,
          status: 1,
          owner: 0,
          mfa: 0,
          auth_provider: 0,
          migration: 0,
          deleted: 0,
          create_date: at,
          update_date: at,
        })
        .execute();
      ids.users.push(id);
    }
    const link = async (table: string, a: [string, string], b: [string, string], permission = true) => {
      const row: Record<string, unknown> = {
        id: randomUUID(),
        account_id: owner.accountId,
        [a[0]]: a[1],
        [b[0]]: b[1],
        create_date: at,
      };
      if (permission) Object.assign(row, { permission_type: 2, update_date: at });
      await db
        .insertInto(table)
        .values(row)
        .onConflict((oc: any) => oc.doNothing())
        .execute();
    };
    const [p0, d0, u0, g0] = [ids.projects[0]!, ids.drives[0]!, ids.users[0]!, ids.groups[0]!];
    const pairs = [
      ...ids.drives.map((d) => ({ projectId: p0, sharedCloudDriveId: d })),
      ...ids.projects.slice(1).map((p) => ({ projectId: p, sharedCloudDriveId: d0 })),
    ];
    assert.equal((await client.post('/projects/assign_sharedclouddrive', pairs)).status, 200);
    for (const u of ids.users) {
      await link('user_project_permissions', ['user_id', u], ['project_id', p0]);
      await link('user_shared_cloud_drive_permissions', ['user_id', u], ['shared_cloud_drive_id', d0]);
      await link('user_user_groups', ['user_id', u], ['user_group_id', g0], false);
    }
    for (const p of ids.projects.slice(1)) await link('user_project_permissions', ['user_id', u0], ['project_id', p]);
    for (const d of ids.drives.slice(1))
      await link('user_shared_cloud_drive_permissions', ['user_id', u0], ['shared_cloud_drive_id', d]);
    for (const g of ids.groups) {
      await link('user_group_project_permissions', ['user_group_id', g], ['project_id', p0]);
      await link('user_group_shared_cloud_drive_permissions', ['user_group_id', g], ['shared_cloud_drive_id', d0]);
      if (g !== g0) await link('user_user_groups', ['user_id', u0], ['user_group_id', g], false);
    }
    for (const p of ids.projects.slice(1)) await link('user_group_project_permissions', ['user_group_id', g0], ['project_id', p]);
    for (const d of ids.drives.slice(1)) {
      await link('user_group_shared_cloud_drive_permissions', ['user_group_id', g0], ['shared_cloud_drive_id', d]);
    }
    // Some deleted projects, for deleted=true.
    for (const p of ids.projects.slice(30)) assert.equal((await client.delete('/projects/delete', { id: p })).status, 200);
  });
  after(() => server.close());

  /** The GET routes that page, with each required parameter resolved to an id (as in scaling.test.ts). */
  function listRoutes(): { url: string; query: Record<string, string> }[] {
    // The Click routes: their Web twins run the same handlers (test/web-routes.test.ts compares the answers).
    const catalog: RouteEntry[] = server.app.routeCatalog.filter((r) => !r.url.startsWith('/api/'));
    return catalog
      .filter((r) => r.method === 'GET' && r.querystring?.properties?.pagesize && r.url !== '/apitoken/get_all')
      .map((r) => {
        const query: Record<string, string> = {};
        const properties = r.querystring?.properties ?? {};
        const wanted = new Set([
          ...(r.querystring?.required ?? []),
          ...Object.keys(properties).filter((p) => properties[p]?.format === 'uuid' && p !== 'id'),
        ]);
        for (const param of wanted) {
          if (param === 'token') continue;
          const id = /group/i.test(param)
            ? ids.groups[0]
            : /user/i.test(param)
              ? // The audit log's filter by author: the owner, who wrote this test's records.
                r.url === '/accountlog/get_all'
                ? owner.userId
                : ids.users[0]
              : /project/i.test(param)
                ? ids.projects[0]
                : /drive/i.test(param)
                  ? ids.drives[0]
                  : undefined;
          assert.ok(id, `${r.url}: no fixture for '${param}'`);
          query[param] = id;
        }
        return { url: r.url, query };
      });
  }

  /** A list's sort fields, as its 499 for an unknown field names them. */
  async function sortFieldsOf(url: string, query: Record<string, string>): Promise<string[]> {
    const res = await owner.client.get(url, { ...query, sortfield: 'NoSuchField' });
    assert.equal(res.status, 499, `${url}: ${res.text}`);
    const message = String(res.body.errors?.DEFAULT?.[0]);
    const names = /use one of: (.+)\.$/.exec(message)?.[1];
    assert.ok(names, `${url}: the 499 names no sort fields: ${message}`);
    return names.split(', ');
  }

  async function get(url: string, query: Record<string, string | number>) {
    const res = await owner.client.get(url, query);
    assert.equal(res.status, 200, `${url} ${JSON.stringify(query)}: ${res.text}`);
    return {
      data: res.body.data as unknown[],
      total: res.body.total as number,
      statements: Number(res.headers.get('x-clickd-queries')),
    };
  }

  /** A write to another account: changes the store's change signal, not the lists of `owner`. */
  async function unrelatedWrite() {
    const res = await other.client.post('/projects/insert', { name: `Other ${randomUUID()}` });
    assert.equal(res.status, 200, res.text);
  }

  /**
   * Walks every page of a query (page 1, 2, ... until an empty page). Each page must equal the slice of
   * the whole list read just after it; `between` may write before a page. Returns the statements of
   * page 1 and of each continued page (page 3 on, that followed its previous page with no write between).
   */
  async function walk(url: string, query: Record<string, string>, between?: (page: number) => Promise<boolean>, size = SIZE) {
    const label = `${url} ${JSON.stringify(query)}`;
    let first = 0;
    const continued: number[] = [];
    let whole: Awaited<ReturnType<typeof get>> | undefined;
    for (let page = 1; page < 100; page++) {
      const wrote = page > 1 && between ? await between(page) : false;
      const got = await get(url, { ...query, page, pagesize: size });
      // The whole list at the same moment (read once when nothing writes between pages).
      if (!whole || between) whole = await get(url, { ...query, page: 1, pagesize: 1000 });
      assert.ok(whole.data.length < 1000);
      assert.deepEqual(got.data, whole.data.slice((page - 1) * size, page * size), `${label} page ${page}`);
      assert.equal(got.total, whole.total, `${label} page ${page}: total`);
      if (page === 1) first = got.statements;
      // Page 2 skips only page 1's entries (page 1 is not remembered); from page 3 on, pages continue.
      else if (page > 2 && !wrote && got.data.length > 0) continued.push(got.statements);
      if (got.data.length === 0) {
        assert.ok(page > 1 || whole.total === 0);
        return { first, continued, pages: page - 1 };
      }
    }
    assert.fail(`${label}: more than 100 pages`);
  }

  test('every list, sort field and direction: a walk equals offset paging, a continued page costs what page 1 costs', async () => {
    const routes = listRoutes();
    assert.ok(routes.length >= 10, routes.map((r) => r.url).join(', '));
    let checked = 0;
    for (const route of routes) {
      const fields = await sortFieldsOf(route.url, route.query);
      let multiPage = false;
      for (const sortfield of fields) {
        for (const descending of ['false', 'true']) {
          const query = { ...route.query, sortfield, descending };
          const { first, continued, pages } = await walk(route.url, query);
          if (pages < 2) continue;
          multiPage = true;
          checked++;
          for (const count of continued) {
            assert.ok(
              count <= first,
              `${route.url} ${sortfield} ${descending}: a continued page ran ${count} statements, page 1 ${first}`,
            );
          }
          // The same page read cold (after a write elsewhere, nothing to continue from) costs more:
          // the continuation was taken.
          await unrelatedWrite();
          const cold = await get(route.url, { ...query, page: 2, pagesize: SIZE });
          assert.ok(
            continued.every((count) => count < cold.statements),
            `${route.url} ${sortfield} ${descending}: continued ${continued.join(',')} statements, cold page 2 ${cold.statements}`,
          );
        }
      }
      assert.ok(multiPage, `${route.url} never had two pages of ${SIZE}: the walk proves nothing`);
    }
    assert.ok(checked > 50, `only ${checked} walks`);
  });

  test('filters and deleted=true', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/projects/get_all', { name: 'project 1' }],
      ['/projects/get_all', { name: 'PROJECT', sortfield: 'Description', descending: 'true' }],
      ['/projects/get_all', { deleted: 'true' }],
      ['/projects/get_all', { deleted: 'true', sortfield: 'UpdateDate', descending: 'true' }],
      ['/projects/get_all_with_details', { name: 'project' }],
      ['/sharedclouddrive/get_all', { name: 'drive 1' }],
      ['/usergroup/get_all', { name: 'group' }],
      ['/user/get_all_users', { username: 'pager', sortfield: 'Firstname' }],
      ['/usergroup/get_assigned_users', { userGroupId: '', name: 'pager', sortfield: 'User.Username', descending: 'true' }],
    ];
    for (const [url, query] of cases) {
      if ('userGroupId' in query) query.userGroupId = ids.groups[0]!;
      const { first, continued, pages } = await walk(url, query, undefined, 3);
      assert.ok(pages >= 2, `${url} ${JSON.stringify(query)}: ${pages} pages`);
      for (const count of continued) assert.ok(count <= first, `${url} ${JSON.stringify(query)}: ${count} > ${first}`);
    }
  });

  test('inserts and deletes between pages: every page still equals offset paging', async () => {
    const created: string[] = [];
    let n = 0;
    const between = async (page: number): Promise<boolean> => {
      n++;
      if (page % 3 === 1) return false; // some pages continue
      if (n % 2 === 0 && created.length > 0) {
        // Deletes a record that sorts before the boundary (or after it).
        const id = created.shift()!;
        assert.equal((await owner.client.delete('/projects/delete', { id })).status, 200);
      } else {
        const res = await owner.client.post('/projects/insert', {
          name: `Project ${n % 2 ? '0' : 'z'}${randomUUID().slice(0, 4)}`,
          description: 'beta',
        });
        assert.equal(res.status, 200, res.text);
        created.push(res.body.id);
      }
      return true;
    };
    for (const query of [
      { sortfield: 'Name', descending: 'false' } as Record<string, string>,
      { sortfield: 'Name', descending: 'true' },
      { sortfield: 'CreateDate', descending: 'true' },
      { sortfield: 'Description', descending: 'false', name: 'project' },
    ]) {
      const { continued, pages } = await walk('/projects/get_all', query, between);
      assert.ok(pages >= 4 && continued.length > 0, `${JSON.stringify(query)}: ${pages} pages, ${continued.length} continued`);
    }
    // A write by another account between pages breaks the continuation too (the change signal is
    // global), and the pages stay right.
    const { pages } = await walk('/user/get_all_users', { sortfield: 'Username' }, async () => {
      await unrelatedWrite();
      return true;
    });
    assert.ok(pages >= 3);
  });

  test('a jump to any page, forwards or back, equals offset paging', async () => {
    const query = { sortfield: 'Name', descending: 'false' };
    const whole = await get('/projects/get_all', { ...query, pagesize: 1000 });
    for (const page of [3, 4, 2, 5, 1, 2, 6, 5, 4, 5]) {
      const got = await get('/projects/get_all', { ...query, page, pagesize: SIZE });
      assert.deepEqual(got.data, whole.data.slice((page - 1) * SIZE, page * SIZE), `page ${page}`);
    }
  });

  // SQLite's EXPLAIN QUERY PLAN; PostgreSQL plans from statistics (the bench measures its jumps).
  const sqlitePlans = { skip: testBackend === 'postgres' ? 'the plans checked are SQLite’s' : false };
  test(
    'query plans: a jump skips on the covering index of its sort field; a continued page seeks into it',
    sqlitePlans,
    async () => {
      const db = server.ctx.store.db as any;
      const seen: { sql: string; parameters: readonly unknown[] }[] = [];
      const original = db.executeQuery;
      db.executeQuery = function (query: { sql: string; parameters: readonly unknown[] }, ...rest: unknown[]) {
        seen.push({ sql: query.sql, parameters: query.parameters });
        return original.call(this, query, ...rest);
      };
      const plan = async (statement: { sql: string; parameters: readonly unknown[] }) => {
        const { CompiledQuery } = await import('kysely');
        const rows = await original.call(db, CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
        return (rows.rows as { detail: string }[]).map((r) => r.detail).join(' | ');
      };
      try {
        for (const [sortfield, index, column] of [
          ['Name', 'projects_list_name', 'name_key'],
          ['CreateDate', 'projects_list_create', 'create_date'],
        ] as const) {
          for (const descending of ['false', 'true']) {
            await unrelatedWrite();
            seen.length = 0;
            await get('/projects/get_all', { sortfield, descending, page: 2, pagesize: SIZE });
            const jump = seen.find((s) => /"keys"/.test(s.sql));
            assert.ok(jump, `${sortfield}: no deferred join among ${seen.map((s) => s.sql).join('\n')}`);
            assert.match(
              await plan(jump),
              new RegExp(`SEARCH projects USING COVERING INDEX ${index} \\(account_id=\\? AND deleted=\\?\\)`),
            );
            seen.length = 0;
            await get('/projects/get_all', { sortfield, descending, page: 3, pagesize: SIZE });
            const continued = seen.find((s) => s.sql.includes('"projects"."id") ' + (descending === 'true' ? '<' : '>')));
            assert.ok(continued, `${sortfield}: no continued page among ${seen.map((s) => s.sql).join('\n')}`);
            const op = descending === 'true' ? '<' : '>';
            assert.match(
              await plan(continued),
              new RegExp(
                `SEARCH projects USING INDEX ${index} \\(account_id=\\? AND deleted=\\? AND \\(${column},id\\)${op}\\(\\?,\\?\\)\\)`,
              ),
            );
          }
        }
      } finally {
        db.executeQuery = original;
      }
    },
  );

  // Deep jumps (DECISIONS.md section 10): a page whose window skips a whole step (1,000 entries) or more
  // starts from the nearest signpost (every 1,000th entry, found once per change signal by one recursive
  // statement) and skips fewer than 1,000 entries. The first deep jump in a direction under a change
  // signal is read by offset (2 statements: the count and the page), the second finds the signposts and
  // reads the page (2), every later one reads the page alone (1, as page 1: the signposts know the total).
  describe('deep jumps from signposts', () => {
    let deep: TestAccount;
    const DEEP = 2600;
    before(async () => {
      deep = await createAccount(server, 'Paging Deep');
      const db = server.ctx.store.db as any;
      const at = now();
      const descriptions = ['alpha', 'beta', 'gamma'];
      // Straight into the store (thousands of inserts through HTTP would take the test's whole budget);
      // record_counts follows by its triggers. Names in a scrambled order, descriptions full of ties.
      for (let start = 0; start < DEEP; start += 500) {
        const rows = [];
        for (let i = start; i < Math.min(DEEP, start + 500); i++) {
          const name = `Deep ${String((i * 7919) % DEEP).padStart(5, '0')}`;
          rows.push({
            id: randomUUID(),
            account_id: deep.accountId,
            name,
            name_key: name.toLowerCase(),
            description: descriptions[i % 3],
            active: 1,
            deleted: i % 13 === 0 ? 1 : 0,
            create_date: new Date(Date.UTC(2020, 0, 1) + (i % 700) * 1000).toISOString(),
            update_date: at,
          });
        }
        await db.insertInto('projects').values(rows).execute();
      }
    });

    const columns: Record<string, string> = { Name: 'name_key', Description: 'description', CreateDate: 'create_date' };
    /** The ids of the deep account's projects in the order of plain offset paging, read from the store. */
    async function reference(sortfield: string, descending: boolean, deleted = false): Promise<string[]> {
      const direction = descending ? 'desc' : 'asc';
      const rows = await (server.ctx.store.db as any)
        .selectFrom('projects')
        .select('id')
        .where('account_id', '=', deep.accountId)
        .where('deleted', '=', deleted ? 1 : 0)
        .orderBy(columns[sortfield], direction)
        .orderBy('id', direction)
        .execute();
      return rows.map((r: { id: string }) => r.id);
    }
    async function jump(query: Record<string, string | number>) {
      const res = await deep.client.get('/projects/get_all', query);
      assert.equal(res.status, 200, res.text);
      return {
        ids: (res.body.data as { id: string }[]).map((r) => r.id),
        total: res.body.total as number,
        statements: Number(res.headers.get('x-clickd-queries')),
      };
    }

    test('every sort field and direction, both ends: a deep page equals offset paging; from the third jump on, one statement', async () => {
      for (const sortfield of Object.keys(columns)) {
        for (const descending of [false, true]) {
          const whole = await reference(sortfield, descending);
          await unrelatedWrite();
          const label = `${sortfield} ${descending}`;
          // Pages before the middle read in the requested direction, past it from the other end.
          const pages = [
            { page: 60, pagesize: 20 },
            { page: 31, pagesize: 40 },
            { page: 100, pagesize: 7 },
            { page: 2, pagesize: 1000 },
            { page: 170, pagesize: 7 },
            { page: 3, pagesize: 1000 },
            { page: 301, pagesize: 7 },
            { page: 41, pagesize: 50 },
          ];
          // Page 1 runs one statement for the page and its total (plus the request's own, if any).
          await jump({ sortfield, descending: String(descending), page: 1, pagesize: 20 });
          const first = (await jump({ sortfield, descending: String(descending), page: 1, pagesize: 20 })).statements;
          const counts: number[] = [];
          for (const round of [0, 1, 2]) {
            for (const { page, pagesize } of pages) {
              const got = await jump({ sortfield, descending: String(descending), page, pagesize });
              assert.deepEqual(
                got.ids,
                whole.slice((page - 1) * pagesize, page * pagesize),
                `${label} page ${page} of ${pagesize} (round ${round})`,
              );
              assert.equal(got.total, whole.length, `${label}: total`);
              assert.ok(got.statements <= first + 1, `${label} page ${page}: ${got.statements} statements, page 1 ${first}`);
              if (round === 2) counts.push(got.statements);
            }
          }
          // By the third round every deep page starts from a signpost and needs no count.
          assert.deepEqual(
            counts,
            counts.map(() => first),
            `${label}: statements of the third round`,
          );
        }
      }
    });

    test('deleted=true and a name filter: deep pages equal offset paging', async () => {
      const deletedIds = await reference('Name', false, true);
      assert.ok(deletedIds.length > 150);
      for (const round of [0, 1, 2]) {
        const got = await jump({ deleted: 'true', page: 11, pagesize: 15 });
        assert.deepEqual(got.ids, deletedIds.slice(150, 165), `deleted, round ${round}`);
      }
      // "deep 0" matches the names 00000-00999 and 01000-01999... in part: compare with the whole list, filtered.
      const whole = await reference('Name', true);
      const names = new Map<string, string>();
      for (let page = 1; page <= 3; page++) {
        const res = await deep.client.get('/projects/get_all', { sortfield: 'Name', descending: 'true', page, pagesize: 1000 });
        for (const r of res.body.data as { id: string; name: string }[]) names.set(r.id, r.name);
      }
      const filtered = whole.filter((id) => names.get(id)!.toLowerCase().includes('deep 0'));
      assert.ok(filtered.length > 1200, `${filtered.length}`);
      for (const round of [0, 1, 2]) {
        const got = await jump({ name: 'deep 0', sortfield: 'Name', descending: 'true', page: 110, pagesize: 10 });
        assert.deepEqual(got.ids, filtered.slice(1090, 1100), `filtered, round ${round}`);
        assert.equal(got.total, filtered.length);
      }
    });

    test('inserts and deletes between deep jumps: every page still equals offset paging', async () => {
      const created: string[] = [];
      for (let n = 0; n < 24; n++) {
        // Some jumps follow a write (the signposts are stale: found again), others follow a jump.
        if (n % 3 === 0) {
          if (n % 2 === 0 || created.length === 0) {
            const res = await deep.client.post('/projects/insert', {
              name: `Deep ${n % 2 ? '0' : '2'}${randomUUID().slice(0, 6)}`,
            });
            assert.equal(res.status, 200, res.text);
            created.push(res.body.id);
          } else {
            assert.equal((await deep.client.delete('/projects/delete', { id: created.shift()! })).status, 200);
          }
        }
        const whole = await reference('Name', n % 4 >= 2);
        const page = 1 + ((n * 37) % 120);
        const got = await jump({ sortfield: 'Name', descending: String(n % 4 >= 2), page, pagesize: 20 });
        assert.deepEqual(got.ids, whole.slice((page - 1) * 20, page * 20), `jump ${n}: page ${page}`);
        assert.equal(got.total, whole.length);
      }
    });

    test('query plans: the signposts are found by skips on the covering index, a jump seeks into it', sqlitePlans, async () => {
      const db = server.ctx.store.db as any;
      const seen: { sql: string; parameters: readonly unknown[] }[] = [];
      const original = db.executeQuery;
      db.executeQuery = function (query: { sql: string; parameters: readonly unknown[] }, ...rest: unknown[]) {
        seen.push({ sql: query.sql, parameters: query.parameters });
        return original.call(this, query, ...rest);
      };
      const plan = async (statement: { sql: string; parameters: readonly unknown[] }) => {
        const { CompiledQuery } = await import('kysely');
        const rows = await original.call(db, CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
        return (rows.rows as { detail: string }[]).map((r) => r.detail);
      };
      try {
        for (const [sortfield, index] of [
          ['Name', 'projects_list_name'],
          ['CreateDate', 'projects_list_create'],
        ] as const) {
          await unrelatedWrite();
          const query = { sortfield, descending: 'false', page: 52, pagesize: 20 };
          await jump(query);
          seen.length = 0;
          await jump(query);
          const finding = seen.find((s) => /with recursive/i.test(s.sql));
          assert.ok(finding, `${sortfield}: no signposts statement among ${seen.map((s) => s.sql).join('\n')}`);
          const steps = await plan(finding);
          // Every skip (the first post, and each step from the previous post) on the covering index; the
          // sort value of a post by its id.
          assert.ok(
            steps.filter((d) => d.startsWith(`SEARCH projects USING COVERING INDEX ${index} (account_id=? AND deleted=?`))
              .length >= 2,
            steps.join(' | '),
          );
          assert.ok(!steps.some((d) => /^SCAN projects/.test(d)), steps.join(' | '));
          seen.length = 0;
          await jump(query);
          assert.equal(seen.length, 1, seen.map((s) => s.sql).join('\n'));
          assert.match(
            (await plan(seen[0]!)).join(' | '),
            new RegExp(
              `SEARCH projects USING INDEX ${index} \\(account_id=\\? AND deleted=\\? AND \\(\\w+,id\\)>\\(\\?,\\?\\)\\)`,
            ),
          );
        }
      } finally {
        db.executeQuery = original;
      }
    });

    test('a list read by rows (users): deep jumps equal the same page read by offset', async () => {
      const db = server.ctx.store.db as any;
      const at = now();
      const rows = [];
      for (let i = 0; i < 2300; i++) {
        const username = `deep-${String((i * 7919) % 2300).padStart(4, '0')}@example.com`;
        rows.push({
          id: randomUUID(),
          account_id: deep.accountId,
          username,
          username_key: username,
          email: username,
          firstname: ['Ann', 'Bob', 'Cid'][i % 3],
          lastname: String(i % 5),
          user_type: i % 2 ? 32 : 4,
          status: 1,
          owner: 0,
          mfa: 0,
          auth_provider: 0,
          migration: 0,
          deleted: 0,
          create_date: at,
          update_date: at,
        });
      }
      for (let i = 0; i < rows.length; i += 400)
        await db
          .insertInto('users')
          .values(rows.slice(i, i + 400))
          .execute();
      // Text sort values with and without ties, and numbers.
      for (const sortfield of ['Username', 'Firstname', 'UserType']) {
        for (const descending of ['false', 'true']) {
          for (const page of [120, 71, 200]) {
            const query = { sortfield, descending, page, pagesize: 10 };
            // Read cold right after a write: the first deep jump under a change signal reads by offset.
            await unrelatedWrite();
            const cold = await deep.client.get('/user/get_all_users', query);
            assert.equal(cold.status, 200, cold.text);
            for (const round of [1, 2]) {
              const res = await deep.client.get('/user/get_all_users', query);
              assert.equal(res.status, 200, res.text);
              assert.deepEqual(res.body, cold.body, `${sortfield} ${descending} page ${page}, round ${round}`);
              const statements = Number(res.headers.get('x-clickd-queries'));
              const coldStatements = Number(cold.headers.get('x-clickd-queries'));
              if (round === 2)
                assert.ok(statements < coldStatements, `${statements} statements from a signpost, ${coldStatements} cold`);
              else assert.ok(statements <= coldStatements, `${statements} statements finding signposts, ${coldStatements} cold`);
            }
          }
        }
      }
    });
  });
});
