import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/005_idempotency_keys.ts: one row per idempotency key, claimed
// before the work by its primary key, then holding the answer to replay for 24 hours.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table idempotency_keys (
    account_id text collate "C" not null,
    user_id text collate "C" not null,
    idempotency_key text collate "C" not null,
    fingerprint text collate "C" not null,
    state text collate "C" not null,
    response_status integer,
    response_headers text collate "C",
    response_body text collate "C",
    create_date text collate "C" not null,
    expires_at text collate "C" not null,
    constraint idempotency_keys_pk primary key (account_id, user_id, idempotency_key)
  )`.execute(db);
  await sql`create index idempotency_keys_expires on idempotency_keys (account_id, expires_at)`.execute(db);
}
