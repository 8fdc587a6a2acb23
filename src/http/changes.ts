import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The store's write count when the request arrived (several instances: did it write?). */
    writesAtStart?: number;
  }
}

/**
 * Several instances on one database (the hosted mode: Store.changes) answer as one server: before a
 * request is answered, the instance learns of every write that any instance has answered (the caches and
 * the session check then see it); after a request that wrote, and before its answer leaves, it tells the
 * others. Nothing on SQLite, where one process serves the database. Installed before authentication.
 */
export function installChangeFeed(app: FastifyInstance, ctx: AppContext): void {
  const changes = ctx.store.changes;
  if (!changes) return;
  const store = ctx.store;
  app.addHook('onRequest', async (request) => {
    // What the caches serve is for a session: public calls (sign-in, the console's files) and unknown
    // routes read the database directly or not at all, and answer during an outage when they can.
    const access = request.routeOptions.config?.access;
    if (access !== undefined && access !== 'public') await changes.sync();
    request.writesAtStart = store.writeCount();
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.writesAtStart !== undefined && store.writeCount() !== request.writesAtStart) {
      try {
        await changes.announce();
      } catch (err) {
        // Committed already: the other instances still learn of it from the commit's notification.
        request.log.warn({ err }, 'could not advance the change counter');
      }
    }
    return payload;
  });
}
