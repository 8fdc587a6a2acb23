import type { Db } from './db.js';

// The Web authentication handshake's one-shot request tokens (request_tokens, migration 006). The caller
// gives the times (ISO text): the route computes them from the configured lifetime.

/** Records a new token, and drops the ones that expired before `now` (they can never be used again). */
export async function issueRequestToken(db: Db, token: { tokenHash: string; expiresAt: string; now: string }): Promise<void> {
  await db.deleteFrom('request_tokens').where('expires_at', '<=', token.now).execute();
  await db
    .insertInto('request_tokens')
    .values({ token_hash: token.tokenHash, expires_at: token.expiresAt, used_at: null, create_date: token.now })
    .execute();
}

/**
 * Marks a live token used at `now`, only if it is unused and unexpired and no one else claimed it first (one
 * statement, so two instances racing for one token cannot both win): true when this caller claimed it.
 */
export async function claimRequestToken(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('request_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a claimed token back (the call that claimed it failed): it stays good until it expires. */
export async function releaseRequestToken(db: Db, tokenHash: string, claimedAt: string): Promise<void> {
  await db
    .updateTable('request_tokens')
    .set({ used_at: null })
    .where('token_hash', '=', tokenHash)
    .where('used_at', '=', claimedAt)
    .execute();
}
