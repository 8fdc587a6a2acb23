import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES } from '../../src/store/migrations/list.js';
import { connectPostgres } from '../../src/store/postgres/connect.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { openTestStore } from './fixtures.js';

const TABLES = [
  'account_log_settings',
  'accounts',
  'api_tokens',
  'audit_log',
  'audit_outbox',
  'clickd_rate_limits',
  'clickd_settings',
  'idempotency_keys',
  'one_time_tokens',
  'project_shared_cloud_drives',
  'projects',
  'record_counts',
  'request_tokens',
  'sessions',
  'shared_cloud_drives',
  'user_group_project_permissions',
  'user_group_shared_cloud_drive_permissions',
  'user_groups',
  'user_project_permissions',
  'user_shared_cloud_drive_permissions',
  'user_user_groups',
  'users',
];

// Indexes looked up before the account is known (sign-in by username, emailed token hashes, a token's
// session id): the only ones allowed not to lead with account_id.
const GLOBAL_INDEXES = ['users_username_key', 'one_time_tokens_hash', 'sessions_id', 'accounts_pkey'];
// Tables of the service, not of an account (shared by its instances; a reference table on Citus): keyed by name.
const SERVICE_TABLES = ['clickd_settings', 'clickd_rate_limits', 'request_tokens'];

describe('PostgreSQL migrations', () => {
  test('several instances starting at once: each migration applied once, the schema complete', async () => {
    const { database } = await openTestStore({ empty: true });
    // Six instances, each with its own pool, as six processes starting together would.
    const stores = Array.from({ length: 6 }, () => connectPostgres(database.url, { poolSize: 2 }));
    try {
      const applied = await Promise.all(stores.map((s) => migratePostgres(s.db)));
      assert.deepEqual(applied.flat().sort(), [...MIGRATION_NAMES], 'every migration applied by exactly one instance');
      assert.equal(
        applied.filter((names) => names.length > 0).length,
        1,
        'one instance migrated, the others found nothing to do',
      );

      const db = stores[0]!.db;
      const recorded = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      assert.deepEqual(
        recorded.rows.map((r) => r.name),
        [...MIGRATION_NAMES],
      );
      // Again, later: nothing to do.
      assert.deepEqual(await migratePostgres(db), []);

      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
         where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
      assert.deepEqual(
        tables.rows.map((r) => r.table_name),
        TABLES,
      );
      const mfa = await sql<{ data_type: string }>`
        select data_type from information_schema.columns where table_name = 'users' and column_name = 'mfa_last_step'`.execute(
        db,
      );
      assert.equal(mfa.rows[0]?.data_type, 'bigint');
      const triggers = await sql<{ n: number }>`select count(*) as n from pg_trigger where tgname like '%_count_%'`.execute(db);
      assert.equal(triggers.rows[0]?.n, 6, 'insert/delete and update count triggers on projects, groups and drives');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('every key and index of an account table leads with account_id (the schema distributes by account)', async () => {
    const { db } = await openTestStore();
    const indexes = await sql<{ table: string; index: string; first: string }>`
      select t.relname as table, i.relname as index, a.attname as first
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
        join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
       where n.nspname = 'public' and t.relname not like 'kysely_%'
       order by 2`.execute(db);
    assert.ok(indexes.rows.length > 30);
    const stray = indexes.rows.filter(
      (r) => r.first !== 'account_id' && !GLOBAL_INDEXES.includes(r.index) && !SERVICE_TABLES.includes(r.table),
    );
    assert.deepEqual(stray, []);
    // Each table's primary key includes account_id (accounts: its id is the account id).
    const pks = await sql<{ table: string; columns: string }>`
      select t.relname as table, string_agg(a.attname, ',' order by k.ord) as columns
        from pg_index x
        join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
        cross join lateral unnest(x.indkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
       where x.indisprimary and n.nspname = 'public' and t.relname not like 'kysely_%'
       group by t.relname order by 1`.execute(db);
    for (const { table, columns } of pks.rows) {
      assert.equal(
        columns,
        table === 'accounts'
          ? 'id'
          : table === 'record_counts'
            ? 'account_id,table_name'
            : SERVICE_TABLES.includes(table)
              ? table === 'request_tokens'
                ? 'token_hash'
                : 'key'
              : table === 'idempotency_keys'
                ? 'account_id,user_id,idempotency_key'
                : 'account_id,id',
        table,
      );
    }
    assert.equal(pks.rows.length, TABLES.length);
  });

  test('text compares byte-wise and case-sensitively, as on SQLite (case folding is name_key)', async () => {
    const { db } = await openTestStore();
    const rows = await sql<{ c: string }>`
      select collation_name as c from information_schema.columns
       where table_schema = 'public' and data_type = 'text' and table_name not like 'kysely_%'
       group by collation_name`.execute(db);
    assert.deepEqual(
      rows.rows.map((r) => r.c),
      ['C'],
    );
  });
});
