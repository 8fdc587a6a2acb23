import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/004_audit_log.ts: the audit log, the account log setting with
// its delivery state, and the outbox of entries to forward (its `id` an identity: the order of delivery).
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = 'text collate "C"';
  await sql
    .raw(
      `create table audit_log (
  id ${t} not null,
  account_id ${t} not null references accounts (id),
  create_date ${t} not null,
  user_id ${t},
  username ${t},
  api_token_id ${t},
  ip ${t},
  user_agent ${t},
  action ${t} not null,
  record_type ${t},
  record_id ${t},
  changes ${t} not null,
  primary key (account_id, id)
)`,
    )
    .execute(db);
  await sql`create index audit_log_account_date on audit_log (account_id, create_date, id)`.execute(db);
  await sql`create index audit_log_account_record on audit_log (account_id, record_id)`.execute(db);
  await sql
    .raw(
      `create table account_log_settings (
  id ${t} not null,
  account_id ${t} not null references accounts (id),
  token ${t} not null,
  server_address ${t} not null,
  service_port ${t} not null,
  active integer not null,
  provider integer not null,
  create_date ${t} not null,
  update_date ${t} not null,
  lease_owner ${t},
  lease_until ${t},
  attempts integer not null default 0,
  next_attempt_at ${t} not null default '',
  last_error ${t},
  primary key (account_id, id),
  unique (account_id)
)`,
    )
    .execute(db);
  await sql
    .raw(
      `create table audit_outbox (
  id bigint generated always as identity,
  account_id ${t} not null references accounts (id),
  entry_id ${t} not null,
  create_date ${t} not null,
  primary key (account_id, id)
)`,
    )
    .execute(db);
  await sql`create index audit_outbox_account on audit_outbox (account_id, id)`.execute(db);
  // An entry of an account that forwards its log is queued by the statement that writes it.
  await sql`
    create or replace function clickd_queue_audit_entry() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from account_log_settings where account_id = new.account_id and active = 1) then
        insert into audit_outbox (account_id, entry_id, create_date) values (new.account_id, new.id, new.create_date);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger audit_log_outbox after insert on audit_log for each row execute function clickd_queue_audit_entry()`.execute(
    db,
  );
}
