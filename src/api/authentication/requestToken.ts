import { Type, type TObject } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { App } from '../../http/types.js';
import { randomToken, sha256 } from '../../domain/secrets.js';
import { ApiError, TokenInvalid } from '../../errors.js';
import { shapeOf } from '../../http/shape.js';

/**
 * The Web API's request-token handshake (AMOVE-API.md 7.2): `POST /api/authentication/request_token` answers a
 * one-shot token, valid 60 seconds, that login, mfa_respond, logout, forgot_password and reset_password need
 * in their body (`requestToken`) on the Web routes; the first successful call that uses it consumes it, and
 * an expired or used one is 499 TOKEN. The tokens live in the database (store/requestTokens.ts), so any
 * instance accepts a token any other issued. The Click routes have no handshake.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs a fresh request token in its body's `requestToken` (the Web authentication routes). */
    requestToken?: boolean;
  }
}

const RequestTokenField = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    'A fresh token from POST /api/authentication/request_token: valid 60 seconds, consumed by the first successful call.',
});

/**
 * A route of the authentication controller as its shape has it: on the Web, the body also requires
 * `requestToken` and the route is marked for the check below; on Click, the body and route as they are.
 */
export function handshake<T extends TObject>(prefix: string, body: T): { body: T; requestToken: boolean } {
  if (shapeOf(prefix) !== 'web') return { body, requestToken: false };
  const withToken = Type.Object({ requestToken: RequestTokenField, ...body.properties });
  return { body: withToken as unknown as T, requestToken: true };
}

const claims = new WeakMap<FastifyRequest, { tokenHash: string; claimedAt: string }>();

const INVALID =
  'The request token is invalid, expired or already used: ask POST /api/authentication/request_token for a new one.';

/**
 * Checks the request token of every route marked `config.requestToken`, after the body is validated and
 * before the handler (and its rate limit): claims it in one statement, so two instances racing for one
 * token cannot both use it. A call that then fails gives it back (it is consumed by the first successful
 * call, as documented). Install before the controllers.
 */
export function installRequestTokenCheck(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config.requestToken !== true) return;
    const { requestToken } = request.body as { requestToken: string };
    const tokenHash = sha256(requestToken);
    const claimedAt = new Date().toISOString();
    if (!(await ctx.store.requestTokens.claimRequestToken(ctx.store.db, tokenHash, claimedAt))) throw new TokenInvalid(INVALID);
    claims.set(request, { tokenHash, claimedAt });
  });
  app.addHook('onError', async (request) => {
    const claim = claims.get(request);
    if (!claim) return;
    claims.delete(request);
    await ctx.store.requestTokens.releaseRequestToken(ctx.store.db, claim.tokenHash, claim.claimedAt);
  });
}

/** `POST /api/authentication/request_token` (mounted on the Web authentication prefix only). */
export async function requestTokenRoutes(app: App): Promise<void> {
  const { ctx } = app;
  app.post(
    '/request_token',
    {
      config: {
        access: 'public',
        // Each token is a row: bounded per address, generously (every sign-in step takes one).
        rateLimit: {
          max: Math.max(60, ctx.config.loginRateMax * 6),
          timeWindow: ctx.config.loginRateWindowMs,
          keyGenerator: (request: FastifyRequest) => `request_token|${request.ip}`,
          errorResponseBuilder: () =>
            new ApiError('SECURITY', 'Too many request tokens asked; wait a minute and try again.', 429),
        },
      },
      schema: {
        tags: ['Authentication'],
        summary:
          'A one-shot request token, valid 60 seconds, for the body (`requestToken`) of login, mfa_respond, logout, forgot_password or reset_password: a plain JSON string. Takes no body.',
        response: { 200: Type.String({ description: 'The request token.' }) },
      },
    },
    async (_request, reply) => {
      const token = randomToken();
      const now = Date.now();
      await ctx.store.requestTokens.issueRequestToken(ctx.store.db, {
        tokenHash: sha256(token),
        expiresAt: new Date(now + ctx.config.requestTokenTtlMs).toISOString(),
        now: new Date(now).toISOString(),
      });
      // A JSON string, as documented (a bare string would otherwise go out as text/plain).
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(token));
    },
  );
}
