import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { ApiError } from '../../src/errors.js';
import { connectPostgres } from '../../src/store/postgres/connect.js';
import {
  DatabaseUnavailable,
  NUL_MESSAGE,
  classifyPostgresError,
  containsNul,
  toApiError,
  withRetry,
} from '../../src/store/postgres/errors.js';
import { freePort } from './cluster.js';
import { insertAccount, openTestStore, projectRow } from './fixtures.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the statement to fail');
}

function assertApiError(err: unknown, status: number, code: string, message?: string) {
  assert.ok(err instanceof ApiError, `not an ApiError: ${String(err)}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  if (message) assert.deepEqual(err.messages, [message]);
}

describe('PostgreSQL errors, provoked on a real server and mapped', async () => {
  const store = await openTestStore({ poolSize: 4 });
  const { db } = store;
  const accountId = await insertAccount(store);

  test('23505: a name taken in another case is a unique violation, answered DUPLICATE', async () => {
    await db.insertInto('projects').values(projectRow(accountId, 'Campaign')).execute();
    const err = await failure(db.insertInto('projects').values(projectRow(accountId, ' CAMPAIGN ')).execute());
    assert.equal((err as { code: string }).code, '23505');
    assert.equal(classifyPostgresError(err), 'duplicate');
    assertApiError(toApiError(err), 499, 'DUPLICATE', 'A resource with the same name already exists.');
    // The store's own message when it says what the record is.
    const { Duplicate } = await import('../../src/errors.js');
    assertApiError(
      toApiError(err, { duplicate: () => new Duplicate('A project with the same name already exists.') }),
      499,
      'DUPLICATE',
      'A project with the same name already exists.',
    );
    // A deleted project frees its name, as on SQLite.
    await db
      .updateTable('projects')
      .set({ deleted: 1 })
      .where('account_id', '=', accountId)
      .where('name_key', '=', 'campaign')
      .execute();
    await db.insertInto('projects').values(projectRow(accountId, 'campaign')).execute();
  });

  test('22P02: text that is not a uuid, where a uuid is parsed', async () => {
    const err = await failure(sql`select ${'0190a8b0-zzzz'}::uuid`.execute(db));
    assert.equal((err as { code: string }).code, '22P02');
    assert.equal(classifyPostgresError(err), 'invalid_text');
    assertApiError(toApiError(err), 499, 'DEFAULT', 'A value is not valid.');
    // Where SQLite would find no row, the caller names its NOT_FOUND.
    const { NotFound } = await import('../../src/errors.js');
    assertApiError(
      toApiError(err, { invalidText: () => new NotFound('Project', 'x') }),
      499,
      'NOT_FOUND',
      'Project x not found.',
    );
    // Ids are text columns, so a malformed or upper-case id names no row instead of failing, as on SQLite.
    const none = await db.selectFrom('projects').select('id').where('id', '=', 'NOT-A-UUID').execute();
    assert.deepEqual(none, []);
  });

  test('22021: text with a NUL character cannot be stored; answered 499 DEFAULT, never 500', async () => {
    const err = await failure(db.insertInto('projects').values(projectRow(accountId, 'a\u0000b')).execute());
    assert.equal((err as { code: string }).code, '22021');
    assert.equal(classifyPostgresError(err), 'nul');
    assertApiError(toApiError(err), 499, 'DEFAULT', NUL_MESSAGE);
    // In a parameter of a filter too.
    const filter = await failure(db.selectFrom('projects').select('id').where('name_key', 'like', '%\u0000%').execute());
    assert.equal(classifyPostgresError(filter), 'nul');
    assert.ok(containsNul({ name: 'x', tags: ['a\u0000'] }));
    assert.ok(!containsNul({ name: 'x', n: 1, tags: ['a'] }));
  });

  test('40001: a serialization failure is retried by withRetry until it commits', async () => {
    const other = await insertAccount(store, 'Serial');
    // Two serializable transactions that each read what the other writes: one of them must fail.
    const start = deferred();
    const writer = (name: string, wait: Promise<void>) =>
      db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async (trx) => {
          await trx.selectFrom('projects').select('id').where('account_id', '=', other).execute();
          await wait;
          await trx.insertInto('projects').values(projectRow(other, name)).execute();
        });
    // Either one may be the one PostgreSQL aborts: both run under withRetry, and only their first attempts wait.
    const attempts = { first: 0, second: 0 };
    const retried = (name: 'first' | 'second') =>
      withRetry(() => writer(name, ++attempts[name] === 1 ? start.promise : Promise.resolve()));
    setTimeout(() => start.resolve(), 100);
    const [a, b] = await Promise.allSettled([retried('first'), retried('second')]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'fulfilled');
    assert.equal(attempts.first + attempts.second, 3, 'one transaction failed once with 40001 and was run again');
    const rows = await db.selectFrom('projects').select('name').where('account_id', '=', other).orderBy('name').execute();
    assert.deepEqual(
      rows.map((r) => r.name),
      ['first', 'second'],
    );

    // Without retry, the raw failure is classified so.
    const again = deferred();
    const results = await Promise.allSettled([
      writer('third', again.promise),
      writer('fourth', again.promise),
      new Promise((r) => setTimeout(r, 100)).then(() => again.resolve()),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    assert.equal((rejected[0] as PromiseRejectedResult).reason.code, '40001');
    assert.equal(classifyPostgresError((rejected[0] as PromiseRejectedResult).reason), 'retry');
  });

  test('40P01: a deadlock victim is classified for retry; other errors are not retried', async () => {
    const a = projectRow(accountId, 'lock a');
    const b = projectRow(accountId, 'lock b');
    await db.insertInto('projects').values([a, b]).execute();
    const bothLocked = deferred();
    let locked = 0;
    const lockInOrder = (first: string, second: string) =>
      db.transaction().execute(async (trx) => {
        await sql`set local deadlock_timeout = '50ms'`.execute(trx);
        await trx.updateTable('projects').set({ description: 'x' }).where('id', '=', first).execute();
        if (++locked === 2) bothLocked.resolve();
        await bothLocked.promise;
        await trx.updateTable('projects').set({ description: 'y' }).where('id', '=', second).execute();
      });
    const results = await Promise.allSettled([lockInOrder(a.id, b.id), lockInOrder(b.id, a.id)]);
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(rejected.length, 1, 'one of the two is the victim');
    assert.equal(rejected[0]!.reason.code, '40P01');
    assert.equal(classifyPostgresError(rejected[0]!.reason), 'retry');

    let calls = 0;
    const err = await failure(
      withRetry(async () => {
        calls++;
        await sql`select 1/0`.execute(db);
      }),
    );
    assert.equal((err as { code: string }).code, '22012');
    assert.equal(calls, 1);
    assert.equal(toApiError(err), err, 'an unclassified error passes unchanged (a 500, as on SQLite)');
  });

  test('57P01: a connection ended by the server under a query is UNAVAILABLE (503)', async () => {
    // Its failure is taken at once: a rejection left unhandled while the test waits would fail the file.
    const victim = failure(
      db.connection().execute(async (conn) => {
        await sql`select pg_sleep(30)`.execute(conn);
      }),
    );
    // Wait for the sleeper to be running, then end it as an administrator (or a failover) would.
    for (let i = 0; i < 100; i++) {
      const { rows } = await sql<{ n: number }>`
        select count(*) as n from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'`.execute(db);
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where query like 'select pg_sleep%' and pid <> pg_backend_pid()`.execute(
      db,
    );
    const err = await victim;
    assert.equal((err as { code: string }).code, '57P01');
    assert.equal(classifyPostgresError(err), 'unavailable');
    const mapped = toApiError(err);
    assert.ok(mapped instanceof DatabaseUnavailable);
    assertApiError(mapped, 503, 'UNAVAILABLE', 'The database is not available right now: nothing was changed. Try again.');
    // The pool dropped that connection; the next statement gets a working one.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    assert.equal(rows[0]!.one, 1);
  });

  test('ECONNREFUSED: no server on the port is UNAVAILABLE (503)', async () => {
    const port = await freePort();
    const nowhere = connectPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { poolSize: 1 });
    try {
      const err = await failure(sql`select 1`.execute(nowhere.db));
      assert.equal((err as { code: string }).code, 'ECONNREFUSED');
      assert.equal(classifyPostgresError(err), 'unavailable');
      assertApiError(toApiError(err), 503, 'UNAVAILABLE');
    } finally {
      await nowhere.close();
    }
  });
});
