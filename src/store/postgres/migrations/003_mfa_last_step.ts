import { sql, type Kysely } from 'kysely';

// The PostgreSQL twin of store/sqlite/migrations/003_mfa_last_step.ts: the TOTP time step of the last code a
// user's second factor accepted (each code is accepted once). bigint, as SQLite's integer is 64-bit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column mfa_last_step bigint`.execute(db);
}
