import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { ApiError, Duplicate } from '../../src/errors.js';
import { classifyPostgresError, toApiError, withRetry } from '../../src/store/postgres/errors.js';
import { insertAccount, openTestStore, projectRow } from './fixtures.js';

describe('concurrency is the database’s job (DECISIONS 8)', async () => {
  const store = await openTestStore({ poolSize: 20 });
  const { db } = store;

  test('twenty concurrent inserts of one name in different cases, on twenty connections: one row, nineteen DUPLICATE', async () => {
    const accountId = await insertAccount(store);
    const variants = ['Campaign 2026', 'CAMPAIGN 2026', 'campaign 2026', 'cAMPAIGN 2026', ' Campaign 2026 '];
    let arrived = 0;
    let go!: () => void;
    const allConnected = new Promise<void>((resolve) => (go = resolve));
    const insert = (i: number) =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // Every transaction holds its own connection before any inserts: the inserts really race.
        if (++arrived === 20) go();
        await allConnected;
        await trx
          .insertInto('projects')
          .values(projectRow(accountId, variants[i % variants.length]!))
          .execute();
        return rows[0]!.pid;
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => insert(i)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(ok.length, 1);
    assert.equal(failed.length, 19);
    for (const f of failed) {
      assert.equal(classifyPostgresError(f.reason), 'duplicate', String(f.reason));
      const mapped = toApiError(f.reason, { duplicate: () => new Duplicate('A project with the same name already exists.') });
      assert.ok(mapped instanceof ApiError);
      assert.equal(mapped.code, 'DUPLICATE');
      assert.equal(mapped.status, 499);
    }
    const { rows } = await sql<{
      n: number;
    }>`select count(distinct pid) as n from pg_stat_activity where datname = current_database()`.execute(db);
    assert.ok(rows[0]!.n >= 20, `twenty connections were open (${rows[0]!.n})`);
    const projects = await db.selectFrom('projects').select(['name', 'name_key']).where('account_id', '=', accountId).execute();
    assert.equal(projects.length, 1);
    assert.equal(projects[0]!.name_key, 'campaign 2026');
    const counts = await db.selectFrom('record_counts').selectAll().where('account_id', '=', accountId).execute();
    assert.deepEqual(counts, [{ account_id: accountId, table_name: 'projects', live: 1, deleted: 0 }]);
  });

  test('record_counts stays exact under concurrent inserts, soft deletes, restores and hard deletes', async () => {
    const accounts = [await insertAccount(store, 'A'), await insertAccount(store, 'B')];
    const created: { id: string; accountId: string }[] = [];
    const inserts = Array.from({ length: 200 }, (_, i) => async () => {
      const accountId = accounts[i % 2]!;
      const row = projectRow(accountId, `p${i}`);
      await db.insertInto('projects').values(row).execute();
      created.push({ id: row.id, accountId });
    });
    // Groups and drives in the same transactions as projects, in both orders, so that count rows of
    // different tables are locked in different orders (deadlocks possible, and retried).
    const groups = Array.from(
      { length: 40 },
      (_, i) => () =>
        withRetry(() =>
          db.transaction().execute(async (trx) => {
            const accountId = accounts[i % 2]!;
            const group = { ...projectRow(accountId, `g${i}`) };
            const project = projectRow(accountId, `gp${i}`);
            if (i % 2) {
              await trx.insertInto('user_groups').values(group).execute();
              await trx.insertInto('projects').values(project).execute();
            } else {
              await trx.insertInto('projects').values(project).execute();
              await trx.insertInto('user_groups').values(group).execute();
            }
            created.push({ id: project.id, accountId });
          }),
        ),
    );
    await Promise.all([...inserts, ...groups].map((f) => f()));

    // Then, all at once: each project soft-deleted twice (the second finds it deleted and changes
    // nothing), a third restored, a fifth hard-deleted, and more inserts.
    const softDelete = (id: string) =>
      db.updateTable('projects').set({ deleted: 1 }).where('id', '=', id).where('deleted', '=', 0).execute();
    const operations: (() => Promise<unknown>)[] = [];
    created.forEach(({ id }, i) => {
      operations.push(
        () => softDelete(id),
        () => softDelete(id),
      );
      if (i % 3 === 0)
        operations.push(async () => {
          await softDelete(id);
          await db.updateTable('projects').set({ deleted: 0 }).where('id', '=', id).where('deleted', '=', 1).execute();
        });
      if (i % 5 === 0) operations.push(() => db.deleteFrom('projects').where('id', '=', id).execute());
    });
    for (let i = 0; i < 100; i++)
      operations.push(() =>
        db
          .insertInto('projects')
          .values(projectRow(accounts[i % 2]!, `late${i}`))
          .execute(),
      );
    operations.sort(() => Math.random() - 0.5);
    await Promise.all(operations.map((f) => f()));

    const actual = await sql<{ account_id: string; table_name: string; live: number; deleted: number }>`
      select account_id, 'projects' as table_name, count(*) filter (where deleted = 0) as live, count(*) filter (where deleted <> 0) as deleted
        from projects where account_id in (${sql.join(accounts)}) group by account_id
      union all
      select account_id, 'user_groups', count(*) filter (where deleted = 0), count(*) filter (where deleted <> 0)
        from user_groups where account_id in (${sql.join(accounts)}) group by account_id
      order by 1, 2`.execute(db);
    const kept = await db
      .selectFrom('record_counts')
      .select(['account_id', 'table_name', 'live', 'deleted'])
      .where('account_id', 'in', accounts)
      .orderBy('account_id')
      .orderBy('table_name')
      .execute();
    assert.deepEqual(kept, actual.rows);
    const projects = actual.rows.filter((r) => r.table_name === 'projects');
    assert.equal(projects.length, 2);
    assert.ok(
      projects.every((r) => r.live > 0 && r.deleted > 0),
      'both project counts moved in each account',
    );
  });
});
