import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/007_hosted.ts, and what makes several instances on one
// database behave as one server (DECISIONS.md section 8; store/postgres/changes.ts uses it):
// - clickd_settings: values every instance shares, such as the JWT signing key (made by the first instance).
// - clickd_rate_limits: the login attempts counted across instances.
// - clickd_change_seq: the change counter. An instance that wrote advances it after the commit and before
//   it answers, so a client that got the answer and asks another instance finds the counter moved there;
//   every instance reads it before answering from a cache.
// - Every statement that writes a table of data sends a NOTIFY on channel `clickd_changes` (a
//   statement-level trigger; PostgreSQL delivers it at commit only, and folds repeats within a
//   transaction): the other instances learn of a commit at once, also of one whose writer died before it
//   advanced the counter. The payload is the writer's application_name (`clickd <instance id>`), so that
//   an instance passes over its own commits, which it counts itself.
// The trigger goes on every table that exists when this runs but the service's own and idempotency_keys
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
      perform pg_notify('clickd_changes', current_setting('application_name'));
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
    where schemaname = current_schema() and tablename not in ('kysely_migration', 'kysely_migration_lock', 'clickd_settings', 'clickd_rate_limits', 'idempotency_keys')
  `.execute(db);
}
