import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { AppContext, Principal } from '../context.js';
import { SessionEnded, Unauthenticated, InactiveUser } from '../http/errors.js';
import { sessions } from '../store/index.js';
import { UserStatus, UserType } from '../store/users.js';
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
  const session = await sessions.insertSession(ctx.db, {
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

/** The session id a token names, if its signature is ours; expiry is reported as an ended session. */
export async function sessionIdOf(ctx: AppContext, token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, ctx.signingKey, { algorithms: ['HS256'], issuer: ISSUER });
    if (typeof payload.sid !== 'string') throw new Unauthenticated('The token is not valid.');
    return payload.sid;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new SessionEnded('The token has expired; log in again.');
    if (err instanceof Unauthenticated) throw err;
    throw new Unauthenticated('The token is not valid.');
  }
}

/** Resolves a token to the caller, or throws 401 (AUTH for a bad token, SESSION for an ended one). */
export async function authenticate(ctx: AppContext, token: string | undefined): Promise<Principal> {
  if (!token) throw new Unauthenticated();
  const sessionId = await sessionIdOf(ctx, token);
  const session = await sessions.findSessionWithUser(ctx.db, sessionId);
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
  await sessions.endSession(ctx.db, await sessionIdOf(ctx, token));
}
