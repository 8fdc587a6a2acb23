import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { templateKey } from '../src/store/templates.js';
import { createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

/** The compiled-list template key comes from the query's options themselves, not from a hand-written list. */
describe('templateKey', () => {
  const query = { table: 'projects', object: 0, sortColumn: 'name_key', descending: false, deleted: false };

  test('two queries differing only in a filter’s presence get different keys', () => {
    const unfiltered = templateKey(query, ['name']);
    const filtered = templateKey({ ...query, name: 'camp' }, ['name']);
    assert.ok(unfiltered && filtered);
    assert.notEqual(filtered, unfiltered);
  });

  test('a filter’s value does not shape the SQL (it is a placeholder): one key for every value', () => {
    assert.equal(templateKey({ ...query, name: 'camp' }, ['name']), templateKey({ ...query, name: 'other' }, ['name']));
  });

  test('an option nobody listed still changes the key (a new filter cannot share SQL by omission)', () => {
    assert.notEqual(templateKey({ ...query, archived: true }), templateKey(query));
    assert.notEqual(templateKey({ ...query, deleted: true }), templateKey(query));
    assert.notEqual(templateKey({ ...query, descending: true }), templateKey(query));
    assert.notEqual(templateKey({ ...query, sort: { field: 'Name' } }), templateKey({ ...query, sort: { field: 'Id' } }));
  });

  test('the order options are given in does not matter; absent and undefined are the same', () => {
    const reversed = Object.fromEntries(Object.entries(query).reverse());
    assert.equal(templateKey(reversed), templateKey(query));
    assert.equal(templateKey({ ...query, page: undefined }), templateKey(query));
  });

  test('a restriction holding values of its own (a function, or an object that is not plain data) is never cached', () => {
    assert.equal(templateKey({ ...query, where: () => true }), undefined);
    assert.equal(templateKey({ ...query, where: new Date() }), undefined);
    assert.equal(templateKey({ ...query, nested: { fn: () => 1 } }), undefined);
  });
});

describe('compiled lists over HTTP', () => {
  let server: TestServer;
  let owner: TestAccount;
  before(async () => {
    server = await startTestServer();
    owner = await createAccount(server);
    for (const name of ['Alpha', 'Beta', 'Alphabet']) {
      assert.equal((await owner.client.post('/projects/insert', { name })).status, 200);
    }
  });
  after(async () => {
    await server?.close();
  });

  test('a filtered list after an unfiltered one (and back) answers each with its own SQL', async () => {
    const names = async (query: Record<string, string>) => {
      const res = await owner.client.get('/projects/get_all', query);
      assert.equal(res.status, 200, res.text);
      return { names: res.body.data.map((p: { name: string }) => p.name), total: res.body.total };
    };
    assert.deepEqual(await names({}), { names: ['Alpha', 'Alphabet', 'Beta'], total: 3 });
    assert.deepEqual(await names({ name: 'alpha' }), { names: ['Alpha', 'Alphabet'], total: 2 });
    assert.deepEqual(await names({ name: 'bet' }), { names: ['Alphabet', 'Beta'], total: 2 });
    assert.deepEqual(await names({}), { names: ['Alpha', 'Alphabet', 'Beta'], total: 3 });
    assert.deepEqual(await names({ deleted: 'true' }), { names: [], total: 0 });
  });
});
