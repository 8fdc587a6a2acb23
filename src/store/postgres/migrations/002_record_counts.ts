import { sql, type Kysely } from 'kysely';

/** The tables whose live and deleted rows are counted per account in record_counts. */
const COUNTED = ['projects', 'user_groups', 'shared_cloud_drives'] as const;

// The PostgreSQL twin of store/sqlite/migrations/002_record_counts.ts: record_counts holds each account's live and
// deleted counts of projects, groups and drives, kept by triggers in the same transaction as every insert,
// soft delete, restore or hard delete, so an unfiltered list reads its `total` from one row. Concurrent
// writers of one account queue on that row's lock (the upsert and the update each lock it), so the counts
// stay exact under concurrency (test/pg/concurrency.test.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function clickd_count_records() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update record_counts
           set live = live - (case when old.deleted = 0 then 1 else 0 end),
               deleted = deleted - (case when old.deleted <> 0 then 1 else 0 end)
         where account_id = old.account_id and table_name = tg_table_name;
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        insert into record_counts (account_id, table_name, live, deleted)
        values (new.account_id, tg_table_name, case when new.deleted = 0 then 1 else 0 end,
                case when new.deleted <> 0 then 1 else 0 end)
        on conflict (account_id, table_name) do update
          set live = record_counts.live + excluded.live, deleted = record_counts.deleted + excluded.deleted;
      end if;
      return null;
    end $$`.execute(db);
  for (const table of COUNTED) {
    const t = sql.raw(table);
    await sql`create trigger ${sql.raw(`${table}_count_insert_delete`)} after insert or delete on ${t}
      for each row execute function clickd_count_records()`.execute(db);
    // Only a change of deleted (or of account) moves a row between counts; other updates cost nothing.
    await sql`create trigger ${sql.raw(`${table}_count_update`)} after update of deleted, account_id on ${t}
      for each row when (old.deleted <> new.deleted or old.account_id <> new.account_id)
      execute function clickd_count_records()`.execute(db);
    // Rows written before this migration.
    await sql`insert into record_counts (account_id, table_name, live, deleted)
      select account_id, ${sql.lit(table)}, count(*) filter (where deleted = 0), count(*) filter (where deleted <> 0)
        from ${t} group by account_id`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The record_counts migration cannot be undone.');
}
