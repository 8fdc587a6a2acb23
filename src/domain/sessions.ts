import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { AppContext, Principal } from '../context.js';
import { SessionEnded, Unauthenticated, InactiveUser } from '../errors.js';
import { UserStatus, UserType } from '../store/values.js';
import type { SessionsRepository } from '../store/store.js';
import type { SessionTable, User } from '../store/types.js';

const ISSUER = 'clickd';
const ADMIN_TYPES = UserType.AccountAdmin | UserType.DesktopAdmin;

export const isAdmin = (user: { owner: number | boolean; user_type: number }): boolean =>
  Boolean(user.owner) || (user.user_type & ADMIN_TYPES) !== 0;

/**
 * Opens a server-side session for the user and returns the JWT that names it. The JWT expires with the
 * session; ending the session (logout, password reset, token deletion) rejects the JWT at once.
 */
export async function openSession(
  ctx: AppContext,
  user: Pick<User, 'id' | 'account_id'>,
  kind: SessionTable['kind'] = 'login',
  expiresAt: Date = new Date(Date.now() + ctx.config.sessionTtlSeconds * 1000),
): Promise<{ token: string; sessionId: string }> {
  const session = await ctx.store.sessions.insertSession(ctx.store.db, {
    accountId: user.account_id,
    userId: user.id,
    kind,
    expiresAt: expiresAt.toISOString(),
  });
  const token = await new SignJWT({ sid: session.id, acc: user.account_id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(ctx.signingKey);
  return { token, sessionId: session.id };
}

// Tokens whose signature was verified, per signing key: verifying an HS256 JWT through WebCrypto on
// every request costs more than the rest of a cached answer. Only the signature check is remembered (a
// pure function of token and key); the session is still looked up on every request, so logout and
// deletion take effect at once.
const verifiedTokens = new WeakMap<Uint8Array, Map<string, { sid: string; expiresAtMs: number }>>();
const MAX_VERIFIED_TOKENS = 10_000;

/** The session id a token names, if its signature is ours; expiry is reported as an ended session. */
export async function sessionIdOf(ctx: AppContext, token: string): Promise<string> {
  let verified = verifiedTokens.get(ctx.signingKey);
  if (!verified) verifiedTokens.set(ctx.signingKey, (verified = new Map()));
  const known = verified.get(token);
  if (known) {
    if (known.expiresAtMs > Date.now()) return known.sid;
    verified.delete(token);
  }
  try {
    const { payload } = await jwtVerify(token, ctx.signingKey, { algorithms: ['HS256'], issuer: ISSUER });
    if (typeof payload.sid !== 'string') throw new Unauthenticated('The token is not valid.');
    if (typeof payload.exp === 'number') {
      if (verified.size >= MAX_VERIFIED_TOKENS) verified.clear();
      verified.set(token, { sid: payload.sid, expiresAtMs: payload.exp * 1000 });
    }
    return payload.sid;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new SessionEnded('The token has expired; log in again.');
    if (err instanceof Unauthenticated) throw err;
    throw new Unauthenticated('The token is not valid.');
  }
}

// The session rows read by recent requests, valid only while the store's change signal (Store.dataVersion)
// is unchanged: any
// write (a logout, a user deleted or made inactive, by this process or another) invalidates them all, so
// the checks below always see the current row. Expiry is checked against the clock on every request.
type SessionRow = Awaited<ReturnType<SessionsRepository['findSessionWithUser']>>;
const sessionRows = new WeakMap<object, { version: string; rows: Map<string, SessionRow> }>();

async function findSession(ctx: AppContext, sessionId: string): Promise<SessionRow> {
  const version = ctx.store.dataVersion();
  let cache = sessionRows.get(ctx.store.db);
  if (!cache || cache.version !== version) sessionRows.set(ctx.store.db, (cache = { version, rows: new Map() }));
  if (cache.rows.has(sessionId)) return cache.rows.get(sessionId);
  const row = await ctx.store.sessions.findSessionWithUser(ctx.store.db, sessionId);
  // Stored under the version read before the query: a write in between leaves it stale, never wrong.
  if (cache.rows.size < 10_000) cache.rows.set(sessionId, row);
  return row;
}

/** Resolves a token to the caller, or throws 401 (AUTH for a bad token, SESSION for an ended one). */
export async function authenticate(ctx: AppContext, token: string | undefined): Promise<Principal> {
  if (!token) throw new Unauthenticated();
  const sessionId = await sessionIdOf(ctx, token);
  const session = await findSession(ctx, sessionId);
  if (!session || session.deleted) throw new SessionEnded();
  if (session.ended_at !== null || session.expires_at <= new Date().toISOString()) throw new SessionEnded();
  if (session.status !== UserStatus.Active) throw new InactiveUser();
  return {
    sessionId: session.session_id,
    userId: session.user_id,
    accountId: session.account_id,
    userType: session.user_type,
    owner: Boolean(session.owner),
    admin: isAdmin(session),
  };
}

export async function endSessionOfToken(ctx: AppContext, token: string): Promise<void> {
  await ctx.store.sessions.endSession(ctx.store.db, await sessionIdOf(ctx, token));
}
