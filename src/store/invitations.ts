import type { Db } from './db.js';
import { LIVE, newId, now } from './listing.js';

/** An invitation to join an account: a one-time token (purpose 'invite') stored only as its SHA-256. */
export interface Invitation {
  accountId: string;
  userId: string;
  tokenHash: string;
  expiresAt: string;
}

const CHUNK = 500;

/**
 * Issues invitations, replacing any unused one of the same users. Runs in the caller's transaction, so
 * that a user and its invitation are written together.
 */
export async function issueInvitations(db: Db, invitations: readonly Invitation[]): Promise<void> {
  const at = now();
  for (let i = 0; i < invitations.length; i += CHUNK) {
    const chunk = invitations.slice(i, i + CHUNK);
    await db
      .deleteFrom('one_time_tokens')
      .where(
        'user_id',
        'in',
        chunk.map((c) => c.userId),
      )
      .where('purpose', '=', 'invite')
      .where('used_at', 'is', null)
      .execute();
    await db
      .insertInto('one_time_tokens')
      .values(
        chunk.map((c) => ({
          id: newId(),
          account_id: c.accountId,
          user_id: c.userId,
          purpose: 'invite' as const,
          token_hash: c.tokenHash,
          expires_at: c.expiresAt,
          used_at: null,
          attempts: 0,
          create_date: at,
        })),
      )
      .execute();
  }
}

/** The live (unused, unexpired) invitation with this token hash, with the invited user if still pending. */
export async function findLiveInvitation(db: Db, tokenHash: string, pendingStatus: number) {
  return db
    .selectFrom('one_time_tokens')
    .innerJoin('users', 'users.id', 'one_time_tokens.user_id')
    .innerJoin('accounts', 'accounts.id', 'one_time_tokens.account_id')
    .select([
      'one_time_tokens.id as invitation_id',
      'one_time_tokens.account_id',
      'one_time_tokens.user_id',
      'accounts.name as account_name',
    ])
    .where('one_time_tokens.token_hash', '=', tokenHash)
    .where('one_time_tokens.purpose', '=', 'invite')
    .where('one_time_tokens.used_at', 'is', null)
    .where('one_time_tokens.expires_at', '>', now())
    .where('users.deleted', '=', LIVE)
    .where('users.status', '=', pendingStatus)
    .executeTakeFirst();
}

/** Marks an invitation used; false if it was used meanwhile (two sign-ups racing on one token). */
export async function consumeInvitation(db: Db, invitationId: string): Promise<boolean> {
  const result = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now() })
    .where('id', '=', invitationId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Drops a user's unused invitations (part of deleting the user). */
export async function revokeInvitations(db: Db, accountId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('one_time_tokens')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('purpose', '=', 'invite')
    .where('used_at', 'is', null)
    .execute();
}
