import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { AppContext } from '../context.js';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit that counts in the database, so that the login rate limit holds across
 * the instances of the hosted mode (DECISIONS.md section 8). Keys (route, address, name) are kept hashed.
 * A database error lets the request through to its own answer (the route's query fails the same way).
 */
export function sharedRateLimitStore(ctx: AppContext): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    constructor(private readonly options: { timeWindow?: unknown } = {}) {}

    incr(key: string, cb: Callback, timeWindow?: number): void {
      const windowMs = timeWindow ?? (typeof this.options.timeWindow === 'number' ? this.options.timeWindow : 60_000);
      const now = Date.now();
      const hashed = createHash('sha256').update(key).digest('base64url');
      ctx.store.settings.countAttempt(ctx.store.db, hashed, windowMs, now).then(
        ({ count, windowStart }) => cb(null, { current: count, ttl: Math.max(0, windowStart + windowMs - now) }),
        (err: unknown) => cb(err as Error),
      );
    }

    child(routeOptions: { config?: unknown }): FastifyRateLimitStore {
      const limit = (routeOptions.config as { rateLimit?: { timeWindow?: unknown } } | undefined)?.rateLimit;
      return new SharedRateLimitStore({ timeWindow: limit?.timeWindow });
    }
  };
}
