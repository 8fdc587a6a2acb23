import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AppContext } from '../context.js';

/**
 * The types every controller and HTTP piece shares, in a module that imports none of them, so that no
 * controller needs app.ts (which imports the controllers) for its type.
 */

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyContextConfig {
    /** Who may call the route; every route declares it (http/auth.ts refuses to register one without). */
    access?: Access;
  }
}

/**
 * Who may call a route:
 * - `public`: anyone, no token ("Auth Required: No" in the docs);
 * - `member`: any signed-in user; what they may read is then limited per record (domain/access.ts);
 * - `self`: any signed-in user, acting on their own things only (their API tokens, MFA, profile);
 * - `admin`: the owner and AccountAdmin or DesktopAdmin users (others: 499 ACCESS, before the body is read).
 */
export type Access = 'public' | 'member' | 'self' | 'admin';

export const ACCESS_LEVELS: readonly Access[] = ['public', 'member', 'self', 'admin'];

/** The agent's Fastify instance, with TypeBox as its type provider. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A controller: a Fastify plugin that registers its routes relative to the prefix app.ts mounts it under. */
export type Controller = FastifyPluginAsync<Record<never, never>, RawServerDefault, TypeBoxTypeProvider>;
