import { Secret, TOTP } from 'otpauth';
import type { AppContext, Principal } from '../context.js';
import { InactiveUser, Invalid, TokenInvalid, TotpFailed } from '../errors.js';
import type { User } from '../store/types.js';
import { UserStatus } from '../store/values.js';
import { randomToken, sha256 } from './secrets.js';
import { openSession } from './sessions.js';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
const TOTP_PARAMS = { issuer: 'clickd', algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Codes of the previous and next step are accepted too, for clock drift. */
const TOTP_WINDOW = 1;
export const MFA_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const MFA_MAX_ATTEMPTS = 5;
/** The login challenge type for TOTP (ChallengeType enum: 0 None, 1 TOTP, 2 SMS). */
export const CHALLENGE_TOTP = 1;

/** A new base-32 shared secret (160 bits, the RFC 4226 recommendation). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/**
 * The time step whose TOTP of `secret` is `code`, now give or take one step (spaces in the code are
 * ignored); undefined when it matches none.
 */
export function totpStep(secret: string, code: string): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const totp = new TOTP({ ...TOTP_PARAMS, secret: Secret.fromBase32(secret) });
  const now = Date.now();
  const delta = totp.validate({ token, window: TOTP_WINDOW, timestamp: now });
  return delta === null ? undefined : totp.counter({ timestamp: now }) + delta;
}

/**
 * Accepts `code` for the user's second factor once: a code of the right step that was already accepted
 * (or an older one, once a newer was) is refused like a wrong code (RFC 6238, section 5.2).
 */
async function acceptTotp(ctx: AppContext, user: Pick<User, 'id' | 'account_id'>, secret: string, code: string): Promise<void> {
  const step = totpStep(secret, code);
  if (step === undefined) throw new TotpFailed();
  if (!(await ctx.store.users.claimTotpStep(ctx.store.db, user.account_id, user.id, step))) {
    throw new TotpFailed('This verification code has already been used; enter the next one.');
  }
}

/** Starts enrolment: a new secret, kept pending until set_mfa confirms it with a code. */
export async function generateMfaSecret(ctx: AppContext, principal: Principal): Promise<string> {
  const secret = newTotpSecret();
  await ctx.store.users.updateUser(ctx.store.db, principal.accountId, principal.userId, { mfa_pending_secret: secret });
  return secret;
}

/**
 * Turns MFA on (with a code from the pending secret) or off (with a code from the active secret, so that a
 * stolen session alone cannot remove the second factor). Turning it off when it is off is a no-op.
 */
export async function setMfa(ctx: AppContext, principal: Principal, enabled: boolean, userCode: string | undefined) {
  const user = (await ctx.store.users.findUser(ctx.store.db, principal.accountId, principal.userId))!;
  if (enabled) {
    if (!user.mfa_pending_secret) throw new Invalid('There is no pending MFA secret: call /user/generate_mfa_token first.');
    if (userCode === undefined) throw new Invalid("'userCode' is required to turn MFA on.");
    // A new secret: the codes of the one before are no concern, and this code is its first used.
    const step = totpStep(user.mfa_pending_secret, userCode);
    if (step === undefined) throw new TotpFailed();
    await ctx.store.users.updateUser(ctx.store.db, principal.accountId, principal.userId, {
      mfa: 1,
      mfa_secret: user.mfa_pending_secret,
      mfa_pending_secret: null,
      mfa_last_step: step,
    });
    return;
  }
  if (user.mfa === 1 && user.mfa_secret) {
    if (userCode === undefined) throw new Invalid("'userCode' is required to turn MFA off.");
    await acceptTotp(ctx, user, user.mfa_secret, userCode);
  }
  await ctx.store.users.updateUser(ctx.store.db, principal.accountId, principal.userId, {
    mfa: 0,
    mfa_secret: null,
    mfa_pending_secret: null,
  });
}

/** After a correct password: a one-time login session (5 minutes, 5 attempts) that mfa_respond completes. */
export async function startMfaChallenge(ctx: AppContext, user: Pick<User, 'id' | 'account_id'>): Promise<string> {
  const session = randomToken();
  await ctx.store.oneTimeTokens.issueOneTimeToken(ctx.store.db, {
    accountId: user.account_id,
    userId: user.id,
    purpose: 'mfa_login',
    tokenHash: sha256(session),
    expiresAt: new Date(Date.now() + MFA_CHALLENGE_TTL_MS).toISOString(),
  });
  return session;
}

/** The user a live challenge session belongs to, for rate-limit keys; undefined when unknown. */
export async function challengeOwner(ctx: AppContext, session: string): Promise<string | undefined> {
  return (await ctx.store.oneTimeTokens.findLiveTokenByHash(ctx.store.db, sha256(session), 'mfa_login'))?.user_id;
}

/** Completes a login challenge: a correct code opens the session; a wrong one counts against the challenge. */
export async function respondToMfaChallenge(ctx: AppContext, session: string, userCode: string): Promise<string> {
  const { store } = ctx;
  const { db } = store;
  const live = await ctx.store.oneTimeTokens.findLiveTokenByHash(db, sha256(session), 'mfa_login');
  if (!live || live.attempts >= MFA_MAX_ATTEMPTS) throw new TokenInvalid('The MFA session is invalid, expired or already used.');
  const user = await ctx.store.users.findUser(db, live.account_id, live.user_id);
  if (!user || user.mfa !== 1 || !user.mfa_secret) throw new TokenInvalid('The MFA session is invalid, expired or already used.');
  if (user.status !== UserStatus.Active) throw new InactiveUser();
  try {
    await acceptTotp(ctx, user, user.mfa_secret, userCode);
  } catch (err) {
    await ctx.store.oneTimeTokens.countFailedAttempt(db, live.id);
    throw err;
  }
  // Two concurrent right answers: only the one that claims the challenge gets a session.
  if (!(await ctx.store.oneTimeTokens.claimToken(db, live.id))) {
    throw new TokenInvalid('The MFA session is invalid, expired or already used.');
  }
  return (await openSession(ctx, user)).token;
}
