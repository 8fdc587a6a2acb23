import type { AppContext, Principal } from '../context.js';
import { Invalid, NotFound } from '../errors.js';
import type { ApiToken } from '../store/apiTokens.js';
import { sha256 } from './secrets.js';
import { openSession } from './sessions.js';

/** A token with no expiration date still needs a session end: ten years. */
export const NO_EXPIRY_MS = 10 * 365 * 24 * 60 * 60 * 1000;
export const API_TOKEN_TITLE_MAX = 100;

/**
 * Creates an API token for the caller: a long-lived session of kind 'apitoken' and its record, in one
 * transaction. The token value (the session's JWT) is returned once; only its SHA-256 is stored.
 */
export async function createApiToken(
  ctx: AppContext,
  principal: Principal,
  input: { title: string; expirationDate?: string | null },
): Promise<{ record: ApiToken; token: string }> {
  const title = input.title.trim();
  if (title === '') throw new Invalid("'title' must not be blank.");
  let expiresAt = new Date(Date.now() + NO_EXPIRY_MS);
  let expirationDate: string | null = null;
  if (input.expirationDate !== undefined && input.expirationDate !== null) {
    const at = new Date(input.expirationDate);
    if (Number.isNaN(at.getTime())) throw new Invalid("'expirationDate' must be a valid date-time.");
    if (at.getTime() <= Date.now()) throw new Invalid("'expirationDate' must be in the future.");
    expiresAt = at;
    expirationDate = at.toISOString();
  }
  const user = { id: principal.userId, account_id: principal.accountId };
  return ctx.store.transaction(async (tx) => {
    const trx = tx.db;
    const { token, sessionId } = await openSession({ ...ctx, store: tx }, user, 'apitoken', expiresAt);
    const record = await ctx.store.apiTokens.insertApiToken(trx, {
      accountId: principal.accountId,
      userId: principal.userId,
      sessionId,
      title,
      tokenHash: sha256(token),
      expirationDate,
    });
    return { record, token };
  });
}

/** Deletes one of the caller's own tokens and ends its session at once; anyone else's is not found. */
export async function deleteApiToken(ctx: AppContext, principal: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async ({ db: trx }) => {
    const record = await ctx.store.apiTokens.findUserApiToken(trx, principal.accountId, principal.userId, id);
    if (!record) throw new NotFound('API token', id);
    await ctx.store.sessions.endSession(trx, record.session_id);
    await ctx.store.apiTokens.deleteApiToken(trx, principal.accountId, id);
  });
}
