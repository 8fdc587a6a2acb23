import type { Kysely } from 'kysely';

// The one-shot request tokens of the Web API's authentication handshake (POST /api/authentication/request_token,
// valid 60 s, consumed by the first successful login, mfa_respond, logout, forgot_password or reset_password).
// In the database, not in process memory, so that any instance of a hosted deployment accepts a token any
// other issued. Only a hash of each token is kept. Not tied to an account: the caller is not signed in yet.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('create_date', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_tokens_expiry').on('request_tokens').column('expires_at').execute();
}
