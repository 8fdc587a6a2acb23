import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { statementScope } from '../store/db.js';

export interface RouteEntry {
  method: string;
  url: string;
  /** The querystring schema, if the route declares one (its properties name the query parameters). */
  querystring?: { properties?: Record<string, { format?: string }>; required?: string[] };
  config: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after installQueryCount ran, for tests that cover all endpoints of a kind. */
    routeCatalog: RouteEntry[];
  }
}

/**
 * With `debugQueryCount` (tests only): each response carries `x-clickd-queries`, the number of SQL
 * statements the request ran, counted per request even when requests overlap. Must run before any other
 * onRequest hook, so that authentication is counted too. Also records the route catalog.
 */
export function installQueryCount(app: FastifyInstance, ctx: AppContext): void {
  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      catalog.push({
        method,
        url: route.url,
        querystring: route.schema?.querystring as RouteEntry['querystring'],
        config: (route.config ?? {}) as Record<string, unknown>,
      });
    }
  });
  if (!ctx.config.debugQueryCount) return;
  const counters = new WeakMap<object, { statements: number }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const scope = { statements: 0 };
    counters.set(request, scope);
    statementScope.run(scope, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const scope = counters.get(request);
    if (scope) reply.header('x-clickd-queries', String(scope.statements));
    return payload;
  });
}
