import type { Kysely } from 'kysely';

// The TOTP time step of the last code a user's second factor accepted: a code is good once (RFC 6238,
// section 5.2), so one seen over a shoulder or in a screen recording cannot be used again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('mfa_last_step', 'integer').execute();
}
