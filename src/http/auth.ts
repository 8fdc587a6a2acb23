import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext, Principal } from '../context.js';
import { requireAdmin } from '../domain/access.js';
import { authenticate } from '../domain/sessions.js';
import { Unauthenticated } from '../errors.js';
import { shapeOf } from './shape.js';
import { ACCESS_LEVELS } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * The caller's token: on the Click routes `?token=` as documented, or an `Authorization: Bearer` header; on
 * the Web routes (http/shape.ts) only the header, as the Web API documents.
 */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || undefined;
  if (shapeOf(request.routeOptions.url ?? request.url) === 'web') return undefined;
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' && query.token !== '' ? query.token : undefined;
}

const WEB_TOKEN_IN_QUERY =
  'The Web API takes the token only in an Authorization: Bearer header, never as ?token= (which ends up in URLs and logs).';
const WEB_TOKEN_MISSING = 'Authentication required: pass a valid token in an Authorization: Bearer header.';

/**
 * Access is declared with each route (`config: { access }`, see http/types.ts) and enforced here, in one
 * place: a route without a declaration cannot be registered; every route but the public ones needs a valid
 * session, and admin routes refuse other users with 499 ACCESS. Both run before the body is read. On the Web
 * routes the session comes from the Bearer header only: a `?token=` there is refused (401 AUTH).
 */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined || !ACCESS_LEVELS.includes(access)) {
      throw new Error(
        `${String(route.method)} ${route.url} declares no access: give it config: { access: ${ACCESS_LEVELS.map((a) => `'${a}'`).join(' | ')} }.`,
      );
    }
  });
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const { access } = request.routeOptions.config;
    if (access === 'public') return;
    if (shapeOf(request.routeOptions.url ?? request.url) === 'web') {
      if ((request.query as { token?: unknown } | undefined)?.token !== undefined) throw new Unauthenticated(WEB_TOKEN_IN_QUERY);
      if (tokenOf(request) === undefined) throw new Unauthenticated(WEB_TOKEN_MISSING);
    }
    request.principal = await authenticate(ctx, tokenOf(request));
    if (access === 'admin') requireAdmin(request.principal);
  });
}
