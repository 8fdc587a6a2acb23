import type { FastifyInstance, FastifyRequest } from 'fastify';
import { etagOf } from '../domain/versions.js';
import { Invalid } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers one record: its answer carries the record's `ETag` (single reads, inserts, updates). */
    etag?: boolean;
    /** The route is an update that honours `If-Match` (412 PRECONDITION when it names another version). */
    ifMatch?: boolean;
  }
}

/** The routes declaring `config: { etag: true }` answer with the ETag of the record they return. */
export function installETags(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (request.routeOptions.config.etag && reply.statusCode === 200 && payload && typeof payload === 'object') {
      reply.header('etag', etagOf(payload));
    }
    return payload;
  });
}

const MAX_IF_MATCH = 2048;

/**
 * The entity tags of the request's `If-Match` header (`*` for any version), or undefined without one.
 * Tags are compared strongly: a weak tag (`W/"..."`) never matches; a tag given without its quotes is
 * taken as if quoted (shells eat them). An empty or oversized header is 499 DEFAULT.
 */
export function ifMatchOf(request: FastifyRequest): string[] | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.length > MAX_IF_MATCH) throw new Invalid(`'If-Match' must be at most ${MAX_IF_MATCH} characters.`);
  const tags = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t === '*' || t.startsWith('"') || t.startsWith('W/') ? t : `"${t}"`));
  if (tags.length === 0)
    throw new Invalid("'If-Match' is empty: give the ETag the record was read with, or leave the header out.");
  return tags;
}
