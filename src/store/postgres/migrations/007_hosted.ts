import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/007_hosted.ts, and what makes several instances on one
// database behave as one server (DECISIONS.md section 8; store/postgres/changes.ts uses it):
// - clickd_settings: values every instance shares, such as the JWT signing key (made by the first instance).
// - clickd_rate_limits: the login attempts counted across instances.
// - clickd_change_seq: the change counter, read by every instance before it answers a session's request
//   (store/postgres/changes.ts), so that no cache serves an answer computed before a write another
//   instance has answered. Every statement that writes a table of data advances it (a statement-level
//   trigger: nextval takes no lock and is not undone, so writers never wait on each other for it, unlike a
//   NOTIFY, whose queue lock serializes commits), and the instance that wrote advances it once more after
//   the commit and before its answer leaves: a reader that read the counter between the trigger and the
//   commit, and cached what it read then, finds the counter moved again.
// The trigger goes on every table that exists when this runs but the service's own, idempotency_keys,
// request_tokens and audit_outbox
// (what they hold is in no cached answer); a later migration that adds a table of data attaches it too
// (`select clickd_watch('name')`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table clickd_settings (key text collate "C" primary key, value text collate "C" not null)`.execute(db);
  // The login attempts of the shared rate limit (store/rateLimits.ts): one row per limited key.
  await sql`create table clickd_rate_limits (key text collate "C" primary key, window_start bigint not null, count integer not null)`.execute(
    db,
  );
  await sql`create sequence clickd_change_seq`.execute(db);
  await sql`
    create function clickd_changed() returns trigger language plpgsql as $$
    begin
      perform nextval('clickd_change_seq');
      return null;
    end $$`.execute(db);
  await sql`
    create function clickd_watch(name text) returns void language plpgsql as $$
    begin
      execute format(
        'create trigger clickd_changed after insert or update or delete or truncate on %I for each statement execute function clickd_changed()',
        name);
    end $$`.execute(db);
  await sql`
    select clickd_watch(tablename) from pg_tables
    where schemaname = current_schema() and tablename not in ('kysely_migration', 'kysely_migration_lock', 'clickd_settings', 'clickd_rate_limits', 'idempotency_keys', 'request_tokens', 'audit_outbox')
  `.execute(db);
}
