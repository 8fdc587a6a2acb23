import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Client, createAccount, startTestServer, type TestServer } from './helpers.js';
import { checkAnswer, fuzz, Fuzzer, operationsOf, Random } from './fuzzer.js';

/**
 * Issue 11: the schema-driven fuzzer with a fixed seed (`npm run fuzz -- --requests 100000 --seed N` for
 * a long run), and property-based tests of paging, sorting and filtering with fast-check.
 */

const FUZZ_REQUESTS = Number(process.env.CLICKD_FUZZ_REQUESTS ?? 3000);
const FUZZ_SEED = Number(process.env.CLICKD_FUZZ_SEED ?? 20261202);

let server: TestServer;

before(async () => {
  // The login rate limit would turn most fuzzed logins into 429s, which test nothing else.
  server = await startTestServer({ loginRateMax: 1_000_000 });
});
after(() => server.close());

describe('the fuzzer itself', () => {
  test('covers every documented operation and every mutation with a fixed seed, reproducibly', async () => {
    const doc = (await new Client(server.url).get('/openapi.json')).body;
    const operations = operationsOf(doc);
    assert.ok(operations.length >= 60, `${operations.length} operations`);
    const a = new Fuzzer(operations, new Random(7));
    const b = new Fuzzer(operations, new Random(7));
    const seen = new Set<string>();
    const mutations = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const r = a.next(() => 'tok');
      assert.deepEqual(
        b.next(() => 'tok'),
        r,
      );
      seen.add(r.operation);
      mutations.add(r.mutation.split(' ')[0]!);
    }
    assert.equal(seen.size, operations.length);
    assert.equal(mutations.size, 15, [...mutations].join());
  });

  test('the invariant check refuses what it must', () => {
    const h = (code?: string) => new Headers(code ? { 'error-code': code } : {});
    const good = JSON.stringify({ type: 'DEFAULT', status: 499, errors: { DEFAULT: ['x'] } });
    assert.equal(checkAnswer(499, h('DEFAULT'), good, 10), undefined);
    assert.match(checkAnswer(500, h(), '', 10)!, /status 500/);
    assert.match(checkAnswer(499, h('DEFAULT'), good, 2500)!, /2500 ms/);
    assert.match(checkAnswer(499, h(), good, 10)!, /error-code/);
    assert.match(checkAnswer(401, h('DEFAULT'), good, 10)!, /status/);
    assert.match(checkAnswer(499, h('DEFAULT'), '{"type":"DEFAULT","status":499}', 10)!, /errors/);
    assert.match(checkAnswer(400, h('DEFAULT'), 'oops', 10)!, /not JSON/);
  });
});

describe('fuzzing the API from its OpenAPI document', () => {
  test(`${FUZZ_REQUESTS} requests (seed ${FUZZ_SEED}): no 5xx, the error model on every refusal, none slower than 2 s`, async () => {
    const report = await fuzz({
      baseUrl: server.url,
      requests: FUZZ_REQUESTS,
      seed: FUZZ_SEED,
      concurrency: 4,
      // A fuzzed logout, password change or user deletion may end the session: carry on as a new owner.
      token: async () => (await createAccount(server, 'Fuzz Owner')).token,
    });
    const summary = report.violations
      .slice(0, 10)
      .map(
        (v) =>
          `${v.problem}: ${v.request.mutation} ${v.request.method} ${v.request.target.slice(0, 200)} → ${v.text.slice(0, 200)}`,
      )
      .join('\n');
    assert.equal(report.violations.length, 0, `${report.violations.length} violations:\n${summary}`);
    assert.equal(report.requests, FUZZ_REQUESTS);
    // Both sides of the API were reached: successes and refusals.
    assert.ok((report.byStatus['200'] ?? 0) > FUZZ_REQUESTS / 20, JSON.stringify(report.byStatus));
    assert.ok((report.byStatus['499'] ?? 0) > FUZZ_REQUESTS / 5, JSON.stringify(report.byStatus));
    const alive = await fetch(`${server.url}/management/agent_status`);
    assert.equal(alive.status, 200);
    console.log(
      `fuzz: ${report.requests} requests in ${Math.round(report.elapsedMs)} ms, p99 ${report.p99Ms.toFixed(1)} ms, ` +
        `slowest ${report.slowestMs.toFixed(1)} ms, statuses ${JSON.stringify(report.byStatus)}`,
    );
  });
});

describe('paging, sorting and filtering (property-based)', () => {
  let client: Client;
  const names: string[] = [];

  before(async () => {
    const account = await createAccount(server, 'Paging Owner');
    client = account.client;
    const letters = ['alpha', 'Beta', 'gamma', 'DELTA', 'epsilon', 'Zeta', 'eta', 'Theta', 'iota', 'kappa'];
    for (let i = 0; i < 37; i++) {
      const name = `${letters[i % letters.length]} ${String((i * 7) % 37).padStart(2, '0')}`;
      const res = await client.post('/projects/insert', { name, description: `d${(i * 13) % 5}` });
      assert.equal(res.status, 200, res.text);
      names.push(name);
    }
  });

  const sortFields = ['Name', 'Description', 'Active', 'CreateDate', 'UpdateDate', 'Id'];

  test('any page of the project list is the slice of the full ordered list; the total is the count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom(...sortFields),
        fc.boolean(),
        async (page, pagesize, sortfield, descending) => {
          const full = await client.get('/projects/get_all', { pagesize: 1000, sortfield, descending });
          const one = await client.get('/projects/get_all', { page, pagesize, sortfield, descending });
          assert.equal(one.status, 200, one.text);
          assert.equal(full.body.total, names.length);
          assert.equal(one.body.total, names.length);
          const ids = (full.body.data as { id: string }[]).map((p) => p.id);
          assert.deepEqual(
            (one.body.data as { id: string }[]).map((p) => p.id),
            ids.slice((page - 1) * pagesize, page * pagesize),
          );
          assert.deepEqual(one.body.options, { page, pageSize: pagesize, sort: [{ field: sortfield, descending }] });
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  test('the order is total and stable: every record exactly once across all pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(...sortFields),
        fc.boolean(),
        async (pagesize, sortfield, descending) => {
          const seen: string[] = [];
          for (let page = 1; page <= Math.ceil(names.length / pagesize); page++) {
            const res = await client.get('/projects/get_all', { page, pagesize, sortfield, descending });
            seen.push(...(res.body.data as { id: string }[]).map((p) => p.id));
          }
          assert.equal(seen.length, names.length);
          assert.equal(new Set(seen).size, names.length);
        },
      ),
      { numRuns: 15, seed: 12 },
    );
  });

  test('a name filter returns exactly the matching records (case-insensitive), paged like the rest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('a', 'ET', 'eta', 'z', ' 0', '1', 'kappa 3', 'x', 'Ta '),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        async (filter, page, pagesize) => {
          const expected = names.filter((n) => n.toLowerCase().includes(filter.toLowerCase()));
          const all = await client.get('/projects/get_all', { name: filter, pagesize: 1000 });
          assert.equal(all.body.total, expected.length, filter);
          assert.deepEqual((all.body.data as { name: string }[]).map((p) => p.name).sort(), [...expected].sort());
          const one = await client.get('/projects/get_all', { name: filter, page, pagesize });
          assert.equal(one.body.total, expected.length);
          assert.deepEqual(one.body.data, (all.body.data as unknown[]).slice((page - 1) * pagesize, page * pagesize));
        },
      ),
      { numRuns: 30, seed: 13 },
    );
  });

  test('the same holds for every sortable list: drives, groups and users with each of their sort fields', async () => {
    for (let i = 0; i < 23; i++) {
      const drive = await client.post('/sharedclouddrive/insert', { name: `drive ${(i * 5) % 23} ${i % 3 ? 'x' : 'Y'}` });
      assert.equal(drive.status, 200, drive.text);
      const group = await client.post('/usergroup/insert', { name: `group ${(i * 7) % 23}`, active: i % 4 !== 0 });
      assert.equal(group.status, 200, group.text);
      if (i < 14) {
        const user = await client.post('/user/insert_user', {
          username: `paging${i}-${Date.now()}@example.com`,
          email: `paging${i}@example.com`,
          userType: [8, 32, 64][i % 3],
          firstname: `F${(i * 3) % 14}`,
        });
        assert.equal(user.status, 200, user.text);
      }
    }
    const lists: { path: string; fields: string[] }[] = [];
    for (const path of ['/sharedclouddrive/get_all', '/usergroup/get_all', '/user/get_all_users']) {
      // The allowed sort fields, as the refusal of an unknown one names them.
      const refusal = await client.get(path, { sortfield: 'no such field' });
      const fields = /use one of: (.*)\.$/.exec(refusal.body.errors.DEFAULT[0])![1]!.split(', ');
      assert.ok(fields.length >= 2, refusal.text);
      lists.push({ path, fields });
    }
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...lists)
          .chain((list) =>
            fc.tuple(
              fc.constant(list.path),
              fc.constantFrom(...list.fields),
              fc.boolean(),
              fc.integer({ min: 1, max: 8 }),
              fc.integer({ min: 1, max: 8 }),
            ),
          ),
        async ([path, sortfield, descending, page, pagesize]) => {
          const full = await client.get(path, { pagesize: 1000, sortfield, descending });
          assert.equal(full.status, 200, full.text);
          assert.equal(full.body.total, full.body.data.length);
          const one = await client.get(path, { page, pagesize, sortfield, descending });
          assert.equal(one.body.total, full.body.total);
          assert.deepEqual(
            (one.body.data as { id: string }[]).map((r) => r.id),
            (full.body.data as { id: string }[]).slice((page - 1) * pagesize, page * pagesize).map((r) => r.id),
            `${path} ${sortfield} ${descending} page ${page} of ${pagesize}`,
          );
        },
      ),
      { numRuns: 80, seed: 14 },
    );
  });

  test('a page past the end is empty with the right total', async () => {
    const res = await client.get('/projects/get_all', { page: 1000, pagesize: 10 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, []);
    assert.equal(res.body.total, names.length);
  });
});
