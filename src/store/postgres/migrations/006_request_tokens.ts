import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/006_request_tokens.ts: the one-shot request tokens of the Web
// API's authentication handshake, shared by every instance (dates as ISO text, like every other table).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table request_tokens (
    token_hash text collate "C" primary key,
    expires_at text collate "C" not null,
    used_at text collate "C",
    create_date text collate "C" not null
  )`.execute(db);
  await sql`create index request_tokens_expiry on request_tokens (expires_at)`.execute(db);
}
