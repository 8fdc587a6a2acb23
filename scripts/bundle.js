// Bundles the compiled CLI (dist/cli/main.js) and most of its dependencies into one file, so that the
// agent starts by reading one module instead of hundreds: loading them file by file is most of the cold
// start (budget: 400 ms to the first answer). bin/clickd.js runs the bundle when it exists.
// The bundle sits in dist/http/ so that paths built from import.meta.url (the console's static files,
// ../../package.json) resolve as they do from the unbundled modules there. Packages that read their own
// files or load native code stay external.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/http/clickd.bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@fastify/swagger-ui', '@fastify/static', 'pino', 'thread-stream'],
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
