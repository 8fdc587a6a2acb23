import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

// Pages whose JSON is long (64 K characters and more: a details page, a long page) are written into byte
// buffers that are used again once a response has been sent (src/http/paging.ts). Answers in flight at
// once, and answers after them in reused buffers, must each carry their own page, byte for byte what
// the same query answers from the response cache and what the short pages of the same list hold.

const PROJECTS = 240;
const PAGE = 120;

async function seedProjects(account: TestAccount) {
  for (let i = 0; i < PROJECTS; i++) {
    const name = `Large page project ${String(i).padStart(3, '0')} ${'é'.repeat(i % 3)}`;
    const res = await account.client.post('/projects/insert', { name, description: `${'d'.repeat(600)} ${i} ünïcödé` });
    assert.equal(res.status, 200, res.text);
  }
}

describe('long list pages sent as bytes', () => {
  let noCache: TestServer;
  let cached: TestServer;
  let a: TestAccount;
  let b: TestAccount;

  before(async () => {
    noCache = await startTestServer({ responseCache: false });
    cached = await startTestServer({ responseCache: true });
    a = await createAccount(noCache, 'Large Pages');
    b = await createAccount(cached, 'Large Pages');
    await seedProjects(a);
    await seedProjects(b);
  });
  after(async () => {
    await noCache.close();
    await cached.close();
  });

  const strip = (text: string) => JSON.parse(text, (key, value) => (/(^id|Id|date)$/i.test(key) ? undefined : value));

  test('concurrent and repeated long pages each carry their own records', async () => {
    for (const route of ['/projects/get_all', '/projects/get_all_with_details']) {
      // The short pages of the same list: the records each long page must hold, in order.
      const short: string[] = [];
      for (let page = 1; page <= PROJECTS / 20; page++) {
        const res = await a.client.get(route, { page, pagesize: 20, sortfield: 'Name' });
        assert.equal(res.status, 200, res.text);
        short.push(...res.body.data.map((p: { id: string }) => p.id));
      }
      for (let round = 0; round < 3; round++) {
        const pages = [1, 2, 1, 2, 2, 1];
        const answers = await Promise.all(pages.map((page) => a.client.get(route, { page, pagesize: PAGE, sortfield: 'Name' })));
        answers.forEach((res, i) => {
          assert.equal(res.status, 200, res.text);
          assert.ok(res.text.length >= 80 * 1024, `a long page (${res.text.length} characters)`);
          assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text));
          const page = pages[i]!;
          assert.deepEqual(
            res.body.data.map((p: { id: string }) => p.id),
            short.slice((page - 1) * PAGE, page * PAGE),
          );
          assert.deepEqual(res.body.options, { page, pageSize: PAGE, sort: [{ field: 'Name', descending: false }] });
          assert.equal(res.body.total, PROJECTS);
        });
      }
    }
  });

  test('a long page is the same with the response cache, from the cache and without it', async () => {
    for (const route of ['/projects/get_all', '/projects/get_all_with_details']) {
      const query = { page: 2, pagesize: PAGE, sortfield: 'Name' };
      const first = await b.client.get(route, query);
      const again = await b.client.get(route, query);
      const plain = await a.client.get(route, query);
      assert.equal(first.status, 200, first.text);
      assert.equal(again.text, first.text);
      assert.deepEqual(strip(plain.text), strip(first.text));
    }
  });
});
