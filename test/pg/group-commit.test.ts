import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { groupCommit, type Db } from '../../src/store/db.js';
import { registerDialect } from '../../src/store/dialect.js';
import { postgresDialect } from '../../src/store/postgres/dialect.js';
import { insertAccount, openTestStore, projectRow } from './fixtures.js';

// Group commit on PostgreSQL (store/db.ts): the writes queued in one turn of the event loop share one
// transaction, each in a savepoint (a failed statement would otherwise abort the whole transaction there),
// so that only the failing one is refused.
describe('group commit on PostgreSQL', async () => {
  const store = await openTestStore();
  registerDialect(store.db, postgresDialect);
  const db = store.db as Db;

  const insert = (row: ReturnType<typeof projectRow>) => async (trx: Db) => {
    await trx.insertInto('projects').values(row).execute();
    const { rows } = await sql<{ xid: string }>`select txid_current()::text as xid`.execute(trx);
    return rows[0]!.xid;
  };
  const counts = (accountId: string) =>
    db
      .selectFrom('record_counts')
      .select(['live', 'deleted'])
      .where('account_id', '=', accountId)
      .where('table_name', '=', 'projects')
      .execute();

  test('ten writes queued together commit in one transaction, each answering its own value', async () => {
    const accountId = await insertAccount(store);
    const rows = Array.from({ length: 10 }, (_, i) => projectRow(accountId, `Batch ${i}`));
    const xids = await Promise.all(rows.map((row) => groupCommit(db, insert(row))));
    assert.equal(new Set(xids).size, 1, `one transaction: ${xids.join(', ')}`);
    const stored = await db.selectFrom('projects').select('id').where('account_id', '=', accountId).execute();
    assert.deepEqual(stored.map((r) => r.id).sort(), rows.map((r) => r.id).sort());
    assert.deepEqual(await counts(accountId), [{ live: 10, deleted: 0 }]);
  });

  test('a failing write in the batch is refused alone; the others commit, counts exact', async () => {
    const accountId = await insertAccount(store);
    await db.insertInto('projects').values(projectRow(accountId, 'Taken')).execute();
    const rows = Array.from({ length: 10 }, (_, i) => projectRow(accountId, i % 3 === 1 ? 'TAKEN' : `Free ${i}`));
    const settled = await Promise.allSettled(rows.map((row) => groupCommit(db, insert(row))));
    const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
    assert.deepEqual(refused, [1, 4, 7]);
    for (const i of refused) {
      assert.match(String((settled[i] as PromiseRejectedResult).reason), /duplicate key|unique/i);
    }
    const xids = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    assert.equal(xids.length, 7);
    assert.equal(new Set(xids).size, 1, 'the seven others still share one transaction');
    const stored = await db.selectFrom('projects').select('name').where('account_id', '=', accountId).orderBy('name').execute();
    assert.deepEqual(
      stored.map((r) => r.name),
      ['Free 0', 'Free 2', 'Free 3', 'Free 5', 'Free 6', 'Free 8', 'Free 9', 'Taken'],
    );
    assert.deepEqual(await counts(accountId), [{ live: 8, deleted: 0 }]);
  });
});
