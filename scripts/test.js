// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with Node's test runner, TypeScript via tsx.
// Extra arguments are passed on: `npm test -- --test-name-pattern=paging`, or file paths to run only those.
// The tests of the `clickd` binary run what users run (dist/, its bundle and code cache): when that is
// older than the sources, this builds it first (`npm run build`), and stops if the build fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from './buildState.js';

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return find(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

ensureBuilt();

const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.ts'));
const flags = args.filter((a) => !a.endsWith('.ts'));
// test/pg needs the PostgreSQL cluster that `npm run test:pg` (scripts/test-pg.js) starts.
const selected =
  files.length > 0 ? files : [...find('src'), ...find('test').filter((f) => !f.startsWith(path.join('test', 'pg')))].sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...selected],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
