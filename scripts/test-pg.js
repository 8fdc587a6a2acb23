// Runs the PostgreSQL tests (test/pg/**/*.test.ts) against one throwaway cluster for the whole run: started
// here (initdb into a temp directory, pg_ctl on a free port), its template database migrated once, its URL
// passed to the test files in CLICKD_TEST_DATABASE_URL (each file copies the template into a database of
// its own), and stopped and removed at the end, also on failure or Ctrl-C. With CLICKD_TEST_DATABASE_URL
// already set, that server is used instead (the template is made again there) and nothing is started.
// Run through `npm run test:pg` (node --import tsx): extra arguments are passed on as in scripts/test.js.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from './buildState.js';
import { DATABASE_URL_VARIABLE, prepareTemplate, startCluster } from '../test/pg/cluster.ts';

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return find(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

ensureBuilt();
const started = Date.now();
const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.ts'));
const flags = args.filter((a) => !a.endsWith('.ts'));
// The PostgreSQL tests, then the whole suite again with its test servers on PostgreSQL
// (CLICKD_TEST_BACKEND=postgres, test/helpers.ts), but the files about the SQLite file itself.
const SQLITE_ONLY = new Set(['crash.test.ts', 'store-seam.test.ts', 'heap.test.ts', 'templates.test.ts', 'readme.test.ts']);
const selected =
  files.length > 0
    ? files
    : [
        ...find('test/pg').sort(),
        ...[...find('src'), ...find('test').filter((f) => !f.startsWith(path.join('test', 'pg')))]
          .filter((f) => !SQLITE_ONLY.has(path.basename(f)))
          .sort(),
      ];

let serverUrl = process.env[DATABASE_URL_VARIABLE];
let cluster;
if (!serverUrl) {
  cluster = await startCluster();
  serverUrl = cluster.url();
  console.log(`test:pg: PostgreSQL cluster on port ${cluster.port} in ${cluster.dir} (${Date.now() - started} ms)`);
}
await prepareTemplate(serverUrl);

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...selected],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', CLICKD_TEST_BACKEND: 'postgres', [DATABASE_URL_VARIABLE]: serverUrl },
  },
);
// Ctrl-C or a kill: the test runner goes too (the cluster is stopped by cluster.ts's exit hook).
process.once('exit', () => child.exitCode === null && child.signalCode === null && child.kill());
const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
cluster?.destroy();
console.log(`test:pg: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(status);
