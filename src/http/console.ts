import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The console's static files live in src/web; tsc does not copy them, so both src/http (tsx) and
 * dist/http (built) reach the same folder through the project root. A dist/web copy is taken if present.
 */
export const WEB_DIR_CANDIDATES = [path.resolve(here, '../../src/web'), path.resolve(here, '../web')];

export function findWebDir(): string | undefined {
  return WEB_DIR_CANDIDATES.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** Everything the page loads comes from the agent itself: no inline script or style, no other origin. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The web console at `/`: public static files (the API calls they make carry the token), hidden from OpenAPI. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const root = findWebDir();
  if (!root) {
    app.log.warn({ looked: WEB_DIR_CANDIDATES }, 'web console files not found; the console is not served');
    return;
  }
  // @fastify/static takes no route config, so the routes it adds in this plugin are marked here.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), public: true };
    route.schema = Object.assign({}, route.schema, { hide: true }); // out of the OpenAPI document
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
  // One route per file found at start-up (no wildcard), so unknown paths stay the API's 404.
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: 'index.html', decorateReply: false });
}
