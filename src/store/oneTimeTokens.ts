import type { Db } from './db.js';
import { newId, now } from './listing.js';
import type { OneTimeTokenTable } from './types.js';

type Purpose = OneTimeTokenTable['purpose'];

/** Issues a one-time token, replacing any unused one of the same purpose for that user. */
export async function issueOneTimeToken(
  db: Db,
  token: { accountId: string; userId: string; purpose: Purpose; tokenHash: string; expiresAt: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('one_time_tokens')
      .where('user_id', '=', token.userId)
      .where('purpose', '=', token.purpose)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('one_time_tokens')
      .values({
        id: newId(),
        account_id: token.accountId,
        user_id: token.userId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
        used_at: null,
        attempts: 0,
        create_date: now(),
      })
      .execute();
  });
}

/** The live (unused, unexpired) token of a purpose for a user. */
export async function findLiveToken(db: Db, userId: string, purpose: Purpose) {
  return db
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now())
    .executeTakeFirst();
}

export async function findLiveTokenByHash(db: Db, tokenHash: string, purpose: Purpose) {
  return db
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now())
    .executeTakeFirst();
}

export async function markTokenUsed(db: Db, id: string): Promise<void> {
  await db.updateTable('one_time_tokens').set({ used_at: now() }).where('id', '=', id).execute();
}

export async function countFailedAttempt(db: Db, id: string): Promise<void> {
  await db
    .updateTable('one_time_tokens')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Marks a live token used, only if no one else did first: true when this caller claimed it. */
export async function claimToken(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
