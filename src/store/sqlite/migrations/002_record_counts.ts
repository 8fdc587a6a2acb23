import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The tables whose live and deleted rows are counted per account in record_counts. */
const COUNTED = ['projects', 'user_groups', 'shared_cloud_drives'] as const;

// record_counts holds each account's live and deleted counts of projects, groups and drives, so that an
// unfiltered list reads its `total` from one row instead of counting up to a million rows per request.
// Triggers keep it in the same transaction as every insert, soft delete, restore or hard delete, whichever
// code path writes the row.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`
      create or replace function clickd_count_records() returns trigger language plpgsql as $$
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
  }
  for (const table of COUNTED) {
    const t = sql.raw(table);
    const name = sql.lit(table);
    if (postgres) {
      await sql`create trigger ${sql.raw(`${table}_count`)} after insert or delete or update of deleted, account_id
        on ${t} for each row execute function clickd_count_records()`.execute(db);
    } else {
      const add = (row: string) =>
        sql.raw(`
        insert into record_counts (account_id, table_name, live, deleted)
        values (${row}.account_id, '${table}', ${row}.deleted = 0, ${row}.deleted <> 0)
        on conflict (account_id, table_name) do update
          set live = live + excluded.live, deleted = deleted + excluded.deleted;`);
      const remove = (row: string) =>
        sql.raw(`
        update record_counts set live = live - (${row}.deleted = 0), deleted = deleted - (${row}.deleted <> 0)
         where account_id = ${row}.account_id and table_name = '${table}';`);
      await sql`create trigger ${sql.raw(`${table}_count_insert`)} after insert on ${t} begin ${add('new')} end`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_count_update`)} after update of deleted, account_id on ${t}
        when old.deleted <> new.deleted or old.account_id <> new.account_id
        begin ${remove('old')} ${add('new')} end`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_count_delete`)} after delete on ${t} begin ${remove('old')} end`.execute(db);
    }
    // Rows written before this migration.
    await sql`delete from record_counts where table_name = ${name}`.execute(db);
    await sql`insert into record_counts (account_id, table_name, live, deleted)
      select account_id, ${name}, sum(case when deleted = 0 then 1 else 0 end), sum(case when deleted <> 0 then 1 else 0 end)
        from ${t} group by account_id`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('The record_counts migration cannot be undone.');
}
