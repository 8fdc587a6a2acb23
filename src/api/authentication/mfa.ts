import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { challengeOwner, respondToMfaChallenge } from '../../domain/mfa.js';
import { ApiError } from '../../errors.js';
import { handshake } from './requestToken.js';
import { auditEvent } from '../../http/audit.js';
import { sessionIdOf } from '../../domain/sessions.js';
import { sha256 } from '../../domain/secrets.js';
import { changed } from '../../domain/audit.js';
import { LoginResponse } from './schema.js';

export const MfaRespondBody = Type.Object({
  userCode: Type.String({ minLength: 1, maxLength: 16, description: 'The current 6-digit code of the authenticator app.' }),
  session: Type.String({
    minLength: 1,
    maxLength: 256,
    description: 'The session string from the login challenge: one use, valid 5 minutes, 5 attempts.',
  }),
});

/** The second step of an MFA login (public, like login). */
export async function mfaRespondRoutes(app: App): Promise<void> {
  const ctx = app.ctx;
  const respond = handshake(app.prefix, MfaRespondBody);

  app.post(
    '/mfa_respond',
    {
      config: {
        access: 'public',
        public: true,
        requestToken: respond.requestToken,
        // Limited per address and the user behind the challenge, as login is per address and username.
        rateLimit: {
          max: ctx.config.loginRateMax,
          timeWindow: ctx.config.loginRateWindowMs,
          hook: 'preHandler' as const,
          keyGenerator: async (request: FastifyRequest) => {
            const session = (request.body as { session?: unknown } | undefined)?.session;
            const owner = typeof session === 'string' ? await challengeOwner(ctx, session) : undefined;
            return `/authentication/mfa_respond|${request.ip}|${owner ?? ''}`;
          },
          errorResponseBuilder: () => new ApiError('SECURITY', 'Too many attempts; wait a minute and try again.', 429),
        },
      },
      schema: {
        tags: ['Authentication'],
        summary: 'Completes a login that answered challenge 1 (TOTP) with the code; answers like login, with challenge 0.',
        body: respond.body,
        response: { 200: LoginResponse },
      },
    },
    async (request) => {
      const { session: challenge, userCode } = request.body;
      const live = await ctx.store.oneTimeTokens.findLiveTokenByHash(ctx.store.db, sha256(challenge), 'mfa_login');
      let jwtToken: string;
      try {
        jwtToken = await respondToMfaChallenge(ctx, challenge, userCode);
      } catch (err) {
        // A wrong code is a failed sign-in of the user the challenge belongs to.
        if (live && err instanceof ApiError && err.code === 'TOTP') {
          await auditEvent(
            request,
            {
              action: 'authentication/login_failed',
              recordType: 'User',
              recordId: live.user_id,
              changes: changed('reason', null, 'code'),
            },
            { accountId: live.account_id, userId: live.user_id },
          );
        }
        throw err;
      }
      // The sign-in is recorded once the challenge is claimed (a wrong code counts against the challenge).
      const sessionId = await sessionIdOf(ctx, jwtToken);
      const session = await ctx.store.sessions.findSessionWithUser(ctx.store.db, sessionId);
      if (session) {
        await auditEvent(
          request,
          { recordType: 'Session', recordId: sessionId },
          { accountId: session.account_id, userId: session.user_id },
        );
      }
      return { jwtToken, challenge: 0, session: null };
    },
  );
}
