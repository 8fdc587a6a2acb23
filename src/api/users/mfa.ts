import { audited } from '../../http/audit.js';
import { changed } from '../../domain/audit.js';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { generateMfaSecret, setMfa } from '../../domain/mfa.js';
import { ApiError } from '../../errors.js';
import { Done } from '../../http/paging.js';
import { MfaQuery, MfaSecret, SetMfaBody } from './mfaSchema.js';

const tags = ['User'];

/** The two MFA routes of the User controller; each user manages their own second factor. */
export async function mfaRoutes(app: App): Promise<void> {
  const ctx = app.ctx;

  app.post(
    '/generate_mfa_token',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: 'Generates a new TOTP secret for the caller (a plain JSON string); set_mfa turns it on.',
        querystring: MfaQuery,
        response: { 200: MfaSecret },
      },
    },
    async (request, reply) => {
      const secret = await audited(
        request,
        (tx) => generateMfaSecret({ ...ctx, store: tx }, request.principal),
        // The secret itself never enters the log.
        () => ({ recordType: 'User', recordId: request.principal.userId, changes: changed('mfaSecretGenerated', false, true) }),
      );
      // A string payload would go out as text/plain; the documented response is a JSON string.
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(secret));
    },
  );

  app.post(
    '/set_mfa',
    {
      config: {
        access: 'self',
        // Guessing codes with a session in hand is limited per user, like login per name and address.
        rateLimit: {
          max: ctx.config.loginRateMax,
          timeWindow: ctx.config.loginRateWindowMs,
          hook: 'preHandler' as const,
          keyGenerator: (request: FastifyRequest) => `/user/set_mfa|${request.principal.userId}`,
          errorResponseBuilder: () => new ApiError('SECURITY', 'Too many attempts; wait a minute and try again.', 429),
        },
      },
      schema: {
        tags,
        summary: "Turns the caller's MFA on or off; both need a current code (wrong code: 499 TOTP).",
        querystring: MfaQuery,
        body: SetMfaBody,
        response: Done,
      },
    },
    async (request, reply) => {
      const { enabled } = request.body;
      await audited(
        request,
        (tx) => setMfa({ ...ctx, store: tx }, request.principal, enabled, request.body.userCode),
        () => ({ recordType: 'User', recordId: request.principal.userId, changes: changed('mfa', !enabled, enabled) }),
      );
      return reply.code(200).send();
    },
  );
}
