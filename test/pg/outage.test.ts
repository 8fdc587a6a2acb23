import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ApiError } from '../../src/errors.js';
import { connectPostgres } from '../../src/store/postgres/connect.js';
import { classifyPostgresError, toApiError } from '../../src/store/postgres/errors.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/list.js';
import { startCluster } from './cluster.js';

// A cluster of this file's own: stopping the run's shared one would fail the other files running beside it.
describe('a database outage, on a private cluster stopped and started again', async () => {
  const cluster = await startCluster();
  after(() => cluster.destroy());
  const scope = new AsyncLocalStorage<{ statements: number }>();
  const store = connectPostgres(cluster.url(), { poolSize: 4, statementScope: scope, connectionTimeoutMillis: 2000 });
  after(() => store.close());
  await migratePostgres(store.db);

  test('statements are counted per store and per request scope, transactions included', async () => {
    const before = store.queryCount();
    const request = { statements: 0 };
    await scope.run(request, async () => {
      await store.db.selectFrom('accounts').select('id').execute();
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('projects').select('id').execute();
      });
    });
    // select; begin, select, commit
    assert.equal(request.statements, 4);
    assert.equal(store.queryCount() - before, 4);
  });

  test('while the server is down every statement fails as UNAVAILABLE (503); the same pool recovers by itself', async () => {
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    assert.equal(rows[0]!.one, 1);

    cluster.stop();
    assert.equal(cluster.running(), false);
    for (let i = 0; i < 5; i++) {
      let error: unknown;
      try {
        await store.db.selectFrom('projects').select('id').execute();
      } catch (err) {
        error = err;
      }
      assert.ok(error, 'a statement failed');
      assert.equal(classifyPostgresError(error), 'unavailable', String(error));
      const mapped = toApiError(error);
      assert.ok(mapped instanceof ApiError);
      assert.equal(mapped.status, 503);
      assert.deepEqual(mapped.body(), {
        type: 'UNAVAILABLE',
        status: 503,
        errors: { UNAVAILABLE: ['The database is not available right now: nothing was changed. Try again.'] },
      });
    }

    cluster.start();
    const again = await store.db.selectFrom('accounts').select('id').execute();
    assert.deepEqual(again, []);
    const { rows: after } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(store.db);
    assert.equal(after[0]!.n, MIGRATION_NAMES.length, 'the data survived the restart');
  });
});
