import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { FileSet, fileRoutes } from './files.js';

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
  // One route per file found at start-up (no wildcard), so unknown paths stay the API's 404.
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(root)) {
    if (fs.statSync(path.join(root, name)).isFile()) files.set(`/${name}`, path.join(root, name));
  }
  files.set('/', path.join(root, 'index.html'));
  // The QR encoder of the MFA setup, served from node_modules (the ES module beside the CommonJS entry).
  const qrcode = path.join(path.dirname(createRequire(import.meta.url).resolve('qrcode-generator')), 'qrcode.mjs');
  if (fs.existsSync(qrcode)) files.set('/vendor/qrcode.mjs', qrcode);
  fileRoutes(app, new FileSet(files), {
    'content-security-policy': CONSOLE_CSP,
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  });
}
