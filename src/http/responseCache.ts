import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The response is a function of the caller, the query and the stored data: it may be cached. */
    responseCache?: boolean;
  }
  interface FastifyRequest {
    responseCacheKey?: string;
    responseCacheVersion?: string;
  }
}

const MAX_ENTRIES = 1000;
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;

/** The query string without the token, so that every session of a user shares its entries. */
function queryKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return '';
  return url
    .slice(q + 1)
    .split('&')
    .filter((p) => !p.startsWith('token='))
    .join('&');
}

/**
 * Caches the serialized 200 responses of the routes that opt in (`config.responseCache`), per user, route
 * and query. An entry is served only while the store's change signal is the one it was computed under: any
 * write in this process, or a commit by another process, makes every entry stale. Authentication still runs
 * on every request (this hook runs after it), so an ended session is refused at once.
 */
export function installResponseCache(app: FastifyInstance, ctx: AppContext): void {
  if (!ctx.config.responseCache) return;
  // The store's change signal (Store.dataVersion): one process's writes and other processes' commits on
  // SQLite; the hosted mode's change log across instances.
  const dataVersion = () => ctx.store.dataVersion();
  const entries = new Map<string, { version: string; body: Buffer }>();
  let bytes = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (entry) {
      bytes -= entry.body.length;
      entries.delete(key);
    }
  };
  const keyOf = (request: FastifyRequest) => `${request.principal.userId}\n${request.routeOptions.url}\n${queryKey(request.url)}`;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.config.responseCache || request.method !== 'GET' || !request.principal) return;
    const key = keyOf(request);
    const version = dataVersion();
    const entry = entries.get(key);
    if (entry && entry.version === version) {
      return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(entry.body);
    }
    if (entry) remove(key);
    request.responseCacheKey = key;
    request.responseCacheVersion = version;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.responseCacheKey;
    if (key === undefined || reply.statusCode !== 200) return payload;
    // Lists send their long pages as bytes of their own (paging.ts sendCollectionJson), short ones as text.
    const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : undefined;
    if (body === undefined) return payload;
    if (body.length > MAX_ENTRY_BYTES) return payload;
    remove(key);
    entries.set(key, { version: request.responseCacheVersion!, body });
    bytes += body.length;
    // Oldest first (a Map keeps insertion order).
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
      remove(oldest);
    }
    return payload;
  });
}
