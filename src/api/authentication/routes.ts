import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import type { AppContext, Principal } from '../../context.js';
import { checkPassword, createAccountWithOwner } from '../../domain/accounts.js';
import { sendMail } from '../../domain/mail.js';
import { CHALLENGE_TOTP, startMfaChallenge } from '../../domain/mfa.js';
import { hashPassword, verifyPassword } from '../../domain/passwords.js';
import { confirmationCode, randomToken, sha256 } from '../../domain/secrets.js';
import { authenticate, endSessionOfToken, openSession } from '../../domain/sessions.js';
import { tokenOf } from '../../http/auth.js';
import { handshake } from './requestToken.js';
import { audited, auditActor, auditEvent } from '../../http/audit.js';
import { user as userRecord } from '../../records/index.js';
import { changed, changesOf, created, writeAudit } from '../../domain/audit.js';
import { sessionIdOf } from '../../domain/sessions.js';
import { Done } from '../../http/paging.js';
import { AccessDenied, ApiError, InactiveUser, Invalid, TokenInvalid, Unauthenticated } from '../../errors.js';
import { UserStatus } from '../../store/values.js';
import type { User } from '../../store/types.js';
import {
  AuthQuery,
  ConfirmSignupBody,
  EmailBody,
  LoginBody,
  LoginResponse,
  LogoutBody,
  ResetPasswordBody,
  SignupBody,
  UpdateUserBody,
  UserInfo,
  UsernameBody,
} from './schema.js';

const tags = ['Authentication'];
const CONFIRM_TTL_MS = 24 * 60 * 60 * 1000;
const RESET_TTL_MS = 60 * 60 * 1000;
const MAX_CODE_ATTEMPTS = 5;

/** Per-address-and-name attempt limits for the endpoints that check a secret. */
function attemptLimit(ctx: AppContext, field: 'username' | 'email') {
  return {
    max: ctx.config.loginRateMax,
    timeWindow: ctx.config.loginRateWindowMs,
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => {
      const body = request.body as Record<string, unknown> | undefined;
      const name = typeof body?.[field] === 'string' ? (body[field] as string).toLowerCase() : '';
      // By action, not URL: the Click and Web routes of one action count against the same attempts.
      return `authentication/${(request.routeOptions.url ?? '').split('/').pop()!.toLowerCase()}|${request.ip}|${name}`;
    },
    errorResponseBuilder: () => new ApiError('SECURITY', 'Too many attempts; wait a minute and try again.', 429),
  };
}

/** A refused sign-in, as the audit log records it. */
const signInFailure = (userId: string, reason: 'password' | 'inactive' | 'code') => ({
  action: 'authentication/login_failed',
  recordType: 'User',
  recordId: userId,
  changes: changed('reason', null, reason),
});

/** A password set: recorded as the fact, never the value or its hash. */
const passwordChange = (userId: string) => ({
  recordType: 'User',
  recordId: userId,
  changes: changed('passwordChanged', false, true),
});

export { signInFailure };

export async function userInfo(ctx: AppContext, principal: Principal, jwtToken: string) {
  const user = (await ctx.store.users.findUser(ctx.store.db, principal.accountId, principal.userId))!;
  const account = (await ctx.store.users.findAccount(ctx.store.db, principal.accountId))!;
  return {
    accountName: account.name,
    accountId: account.id,
    userId: user.id,
    firstName: user.firstname,
    lastName: user.lastname,
    username: user.username,
    userType: user.user_type,
    jwtToken,
    owner: user.owner === 1,
    migration: user.migration === 1,
    subscriptionType: account.subscription_type,
    mfa: user.mfa === 1,
    authProvider: user.auth_provider,
  };
}

async function sendConfirmation(ctx: AppContext, user: User): Promise<void> {
  const code = confirmationCode();
  await ctx.store.oneTimeTokens.issueOneTimeToken(ctx.store.db, {
    accountId: user.account_id,
    userId: user.id,
    purpose: 'confirm_signup',
    tokenHash: sha256(code),
    expiresAt: new Date(Date.now() + CONFIRM_TTL_MS).toISOString(),
  });
  sendMail(
    ctx,
    {
      to: user.email,
      subject: 'Your clickd confirmation code',
      text: `Your confirmation code is ${code}. It is valid for 24 hours.\nConfirm with POST /authentication/confirm_signup {"email": "${user.email}", "token": "${code}"}.`,
    },
    `confirmation code for ${user.email}: ${code}`,
  );
}

export async function authenticationRoutes(app: App): Promise<void> {
  const ctx = app.ctx;
  const { store } = ctx;
  const { db } = store;
  // On the Web routes, these bodies also carry the handshake's requestToken (requestToken.ts).
  const login = handshake(app.prefix, LoginBody);
  const logout = handshake(app.prefix, LogoutBody);
  const forgotPassword = handshake(app.prefix, UsernameBody);
  const resetPassword = handshake(app.prefix, ResetPasswordBody);

  app.post(
    '/login',
    {
      config: { access: 'public', requestToken: login.requestToken, rateLimit: attemptLimit(ctx, 'username') },
      schema: {
        tags,
        summary: 'Signs in with username (email) and password.',
        body: login.body,
        response: { 200: LoginResponse },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await store.users.findUserByUsername(db, username);
      if (!(await verifyPassword(password, user?.password_hash ?? null)) || !user) {
        if (!user && !(await store.users.anyUser(db))) {
          // The usual cause: `clickd account create` wrote to another data directory than this agent's.
          request.log.warn(
            `sign-in refused: this agent has no accounts at all in ${ctx.config.dataDir}; create one with ` +
              `clickd account create --data-dir ${JSON.stringify(ctx.config.dataDir)} (the agent and account create must use the same data directory)`,
          );
        }
        // A failed sign-in of a known user is recorded in its account's log (an unknown name has no account).
        if (user) await auditEvent(request, signInFailure(user.id, 'password'), { accountId: user.account_id, userId: user.id });
        throw new Unauthenticated('The username or password is not correct.');
      }
      if (user.status !== UserStatus.Active) {
        await auditEvent(request, signInFailure(user.id, 'inactive'), { accountId: user.account_id, userId: user.id });
        throw new InactiveUser('The user is not active; confirm the sign-up first.');
      }
      // MFA on: no session yet, a challenge that /authentication/mfa_respond completes with a code.
      if (user.mfa === 1 && user.mfa_secret) {
        return { jwtToken: '', challenge: CHALLENGE_TOTP, session: await startMfaChallenge(ctx, user) };
      }
      const { token } = await audited(
        request,
        (tx) => openSession({ ...ctx, store: tx }, user),
        ({ sessionId }) => ({ recordType: 'Session', recordId: sessionId }),
        { accountId: user.account_id, userId: user.id, sessionId: null },
      );
      return { jwtToken: token, challenge: 0, session: null };
    },
  );

  app.post(
    '/logout',
    {
      config: { access: 'public', requestToken: logout.requestToken },
      schema: { tags, summary: 'Ends the session of the given token at once.', body: logout.body, response: Done },
    },
    async (request, reply) => {
      const sessionId = await sessionIdOf(ctx, request.body.jwtToken);
      const session = await store.sessions.findSessionWithUser(db, sessionId);
      if (!session || session.ended_at !== null) {
        await endSessionOfToken(ctx, request.body.jwtToken);
        return reply.code(200).send();
      }
      await audited(
        request,
        (tx) => tx.sessions.endSession(tx.db, sessionId),
        () => ({ recordType: 'Session', recordId: sessionId }),
        { accountId: session.account_id, userId: session.user_id, sessionId },
      );
      return reply.code(200).send();
    },
  );

  app.post(
    '/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Creates an account and its owner (Pending); a confirmation code is emailed.',
        body: SignupBody,
        response: Done,
      },
    },
    async (request, reply) => {
      const { owner } = await createAccountWithOwner(
        store,
        { ...request.body, status: UserStatus.Pending },
        (tx, { accountId, owner }) =>
          writeAudit(tx, auditActor(request, { accountId, userId: owner.id }), created('User', userRecord.present(owner))),
      );
      await sendConfirmation(ctx, owner);
      return reply.code(200).send();
    },
  );

  app.post(
    '/confirm_signup',
    {
      config: { access: 'public', rateLimit: attemptLimit(ctx, 'email') },
      schema: {
        tags,
        summary: 'Activates a signed-up account with the emailed code.',
        body: ConfirmSignupBody,
        response: { 200: Type.Boolean() },
      },
    },
    async (request) => {
      const user = await store.users.findUserByUsername(db, request.body.email);
      const live =
        user && user.status === UserStatus.Pending
          ? await store.oneTimeTokens.findLiveToken(db, user.id, 'confirm_signup')
          : undefined;
      if (!user || !live || live.attempts >= MAX_CODE_ATTEMPTS)
        throw new TokenInvalid('The confirmation code is invalid or has expired.');
      if (live.token_hash !== sha256(request.body.token.toUpperCase())) {
        await store.oneTimeTokens.countFailedAttempt(db, live.id);
        throw new TokenInvalid('The confirmation code is invalid or has expired.');
      }
      await audited(
        request,
        async ({ db: trx }) => {
          await store.oneTimeTokens.markTokenUsed(trx, live.id);
          await store.users.updateUser(trx, user.account_id, user.id, { status: UserStatus.Active });
        },
        () => ({ recordType: 'User', recordId: user.id, changes: changed('status', user.status, UserStatus.Active) }),
        { accountId: user.account_id, userId: user.id },
      );
      return true;
    },
  );

  app.post(
    '/resend_confirmation_email',
    {
      config: { access: 'public', rateLimit: attemptLimit(ctx, 'email') },
      schema: { tags, summary: 'Sends a new confirmation code to a pending sign-up.', body: EmailBody, response: Done },
    },
    async (request, reply) => {
      const user = await store.users.findUserByUsername(db, request.body.email);
      // Answers the same whether or not such a sign-up exists.
      if (user && user.status === UserStatus.Pending && user.owner === 1) await sendConfirmation(ctx, user);
      return reply.code(200).send();
    },
  );

  app.post(
    '/forgot_password',
    {
      config: { access: 'public', requestToken: forgotPassword.requestToken, rateLimit: attemptLimit(ctx, 'username') },
      schema: {
        tags,
        summary: 'Emails a one-time password reset token (valid one hour).',
        body: forgotPassword.body,
        response: Done,
      },
    },
    async (request, reply) => {
      const user = await store.users.findUserByUsername(db, request.body.username);
      if (user) {
        const resetToken = randomToken();
        await store.oneTimeTokens.issueOneTimeToken(db, {
          accountId: user.account_id,
          userId: user.id,
          purpose: 'reset_password',
          tokenHash: sha256(resetToken),
          expiresAt: new Date(Date.now() + RESET_TTL_MS).toISOString(),
        });
        sendMail(ctx, {
          to: user.email,
          subject: 'Reset your clickd password',
          text: `Your password reset token is valid for one hour:\n\n${resetToken}\n\nUse it with POST /authentication/reset_password {"resetToken": "...", "password": "..."}.`,
        });
      }
      return reply.code(200).send();
    },
  );

  app.post(
    '/reset_password',
    {
      config: { access: 'public', requestToken: resetPassword.requestToken },
      schema: {
        tags,
        summary: 'Sets a new password: with a session token and the current password, or with an emailed reset token.',
        querystring: AuthQuery,
        body: resetPassword.body,
        response: Done,
      },
    },
    async (request, reply) => {
      const { password, currentPassword, resetToken } = request.body;
      checkPassword(password);
      if (resetToken !== undefined) {
        const live = await store.oneTimeTokens.findLiveTokenByHash(db, sha256(resetToken), 'reset_password');
        if (!live) throw new TokenInvalid('The reset token is invalid, expired or already used.');
        const passwordHash = await hashPassword(password);
        await audited(
          request,
          async ({ db: trx }) => {
            await store.oneTimeTokens.markTokenUsed(trx, live.id);
            await store.users.updateUser(trx, live.account_id, live.user_id, { password_hash: passwordHash });
            await store.sessions.endUserSessions(trx, live.user_id);
          },
          () => passwordChange(live.user_id),
          { accountId: live.account_id, userId: live.user_id },
        );
        return reply.code(200).send();
      }
      const principal = await authenticate(ctx, tokenOf(request));
      if (currentPassword === undefined) throw new Invalid("'currentPassword' is required (or 'resetToken' without a session).");
      const user = (await store.users.findUser(db, principal.accountId, principal.userId))!;
      if (!(await verifyPassword(currentPassword, user.password_hash))) throw new Invalid("'currentPassword' is not correct.");
      const passwordHash = await hashPassword(password);
      await audited(
        request,
        async ({ db: trx }) => {
          await store.users.updateUser(trx, principal.accountId, principal.userId, { password_hash: passwordHash });
          await store.sessions.endUserSessions(trx, principal.userId, principal.sessionId);
        },
        () => passwordChange(principal.userId),
        principal,
      );
      return reply.code(200).send();
    },
  );

  app.get(
    '/user',
    {
      config: { access: 'self' },
      schema: { tags, summary: "The signed-in user's profile and account.", querystring: AuthQuery, response: { 200: UserInfo } },
    },
    async (request) => userInfo(ctx, request.principal, tokenOf(request)!),
  );

  app.put(
    '/update_user',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: "Changes the signed-in user's name, and (admins) the account name.",
        querystring: AuthQuery,
        body: UpdateUserBody,
        response: { 200: UserInfo },
      },
    },
    async (request) => {
      const { principal } = request;
      const { accountName, firstName, lastName } = request.body;
      if (accountName !== undefined && !principal.admin) throw new AccessDenied('Only an account admin may rename the account.');
      if (accountName !== undefined && accountName.trim() === '') throw new Invalid("'accountName' must not be blank.");
      const changes: { firstname?: string; lastname?: string } = {};
      if (firstName !== undefined) changes.firstname = firstName.trim();
      if (lastName !== undefined) changes.lastname = lastName.trim();
      await audited(
        request,
        async ({ db: trx }) => {
          const account = await store.users.findAccount(trx, principal.accountId);
          const user = await store.users.findUser(trx, principal.accountId, principal.userId);
          if (accountName !== undefined) await store.users.renameAccount(trx, principal.accountId, accountName.trim());
          if (Object.keys(changes).length > 0) await store.users.updateUser(trx, principal.accountId, principal.userId, changes);
          return { account, user };
        },
        ({ account, user }) => [
          ...(accountName !== undefined
            ? [
                {
                  recordType: 'Account',
                  recordId: principal.accountId,
                  changes: changed('name', account?.name ?? null, accountName.trim()),
                },
              ]
            : []),
          {
            recordType: 'User',
            recordId: principal.userId,
            changes: changesOf(
              { firstname: user?.firstname, lastname: user?.lastname },
              { firstname: user?.firstname, lastname: user?.lastname, ...changes },
            ),
          },
        ],
      );
      return userInfo(ctx, principal, tokenOf(request)!);
    },
  );
}
