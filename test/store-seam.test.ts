import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startTestServer } from './helpers.js';

/**
 * The storage seam (issue 9, item 4; STYLE.md "Seams"): routes and domain code reach the store only
 * through the Store interface (src/store/store.ts) handed to them as ctx.store; the SQLite implementation
 * and everything dialect-specific lives under src/store/sqlite/, which only the composition root names.
 * The PostgreSQL twin (src/store/postgres/) plugs in behind the same interface.
 */

const root = path.join(import.meta.dirname, '..');
const src = path.join(root, 'src');
const SQLITE_DIR = 'src/store/sqlite/';
/** Where a store implementation is chosen and opened: the only files outside it that may name it. */
const COMPOSITION_ROOT = new Set(['src/server.ts', 'src/cli/main.ts']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}
const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

const SPECIFIER = /\b(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g;

/** Each import of a file: its specifier resolved against src/ (or the package name) and whether it is type-only. */
function importsOf(file: string, code: string): { target: string; typeOnly: boolean }[] {
  const found: { target: string; typeOnly: boolean }[] = [];
  for (const m of withoutComments(code).matchAll(SPECIFIER)) {
    const specifier = m[3] ?? m[4]!;
    const typeOnly = Boolean(m[2]);
    const target = specifier.startsWith('.')
      ? relative(path.resolve(path.dirname(file), specifier)).replace(/\.js$/, '.ts')
      : specifier;
    found.push({ target, typeOnly });
  }
  return found;
}

/** SQL, pragmas, functions and error codes that only SQLite has. */
const SQLITE_ONLY: [string, RegExp][] = [
  ['PRAGMA', /\bpragma\b/i],
  ['json_quote', /\bjson_quote\b/i],
  ['json_each', /\bjson_each\b/i],
  ['group_concat', /\bgroup_concat\b/i],
  ['data_version', /\bdata_version\b/i],
  ['INSERT OR IGNORE/REPLACE', /\binsert\s+or\s+(ignore|replace)\b/i],
  ['iif', /\biif\s*\(/i],
  ['sqlite_master', /\bsqlite_(master|schema|sequence)\b/i],
  ['an SQLite error code', /\bSQLITE_[A-Z_]+\b/],
  ['the +column planner hint', /[`'"]\s*\+\$\{/],
  ['the SQLite driver', /better-sqlite3|SqliteDialect|SqliteAdapter/],
];

/** The problems of one file, for the rules below (exported to the self-test). */
function problemsOf(file: string, code: string): string[] {
  const name = relative(file);
  const problems: string[] = [];
  const insideSqlite = name.startsWith(SQLITE_DIR);
  if (!insideSqlite && !COMPOSITION_ROOT.has(name)) {
    for (const { target } of importsOf(file, code)) {
      if (target.startsWith(SQLITE_DIR) || target === 'better-sqlite3') problems.push(`${name} imports ${target}`);
    }
  }
  if (!insideSqlite) {
    const stripped = withoutComments(code);
    for (const [what, pattern] of SQLITE_ONLY) if (pattern.test(stripped)) problems.push(`${name} uses ${what}`);
  }
  // Routes, domain and HTTP code see the store as types (the Store interface and its records), plus the
  // coded values of stored columns and the statement scope; its repositories reach them as ctx.store.
  if (/^src\/(api|domain|http)\//.test(name)) {
    const allowedValues = new Set(['src/store/values.ts', 'src/store/db.ts', 'src/store/listing.ts']);
    for (const { target, typeOnly } of importsOf(file, code)) {
      if (target.startsWith('src/store/') && !typeOnly && !allowedValues.has(target)) {
        problems.push(`${name} imports values from ${target} (reach the store as ctx.store)`);
      }
    }
  }
  return problems;
}

describe('the storage seam', () => {
  test('no file outside src/store/sqlite/ and the composition root imports SQLite, and no SQLite-only SQL stands outside it', () => {
    const files = sourceFiles(src);
    assert.ok(files.length > 50, `only ${files.length} source files found under src/`);
    assert.ok(
      files.some((f) => relative(f).startsWith(SQLITE_DIR)),
      'no file under src/store/sqlite/: has the folder moved?',
    );
    const problems = files.flatMap((file) => problemsOf(file, fs.readFileSync(file, 'utf8')));
    assert.deepEqual(problems, []);
  });

  test('the checks find what they look for', () => {
    const at = (name: string) => path.join(root, name);
    assert.deepEqual(problemsOf(at('src/domain/x.ts'), "import { openSqliteStore } from '../store/sqlite/open.js';"), [
      'src/domain/x.ts imports src/store/sqlite/open.ts',
      'src/domain/x.ts imports values from src/store/sqlite/open.ts (reach the store as ctx.store)',
    ]);
    assert.deepEqual(problemsOf(at('src/store/records.ts'), "import Database from 'better-sqlite3';"), [
      'src/store/records.ts imports better-sqlite3',
      'src/store/records.ts uses the SQLite driver',
    ]);
    assert.deepEqual(problemsOf(at('src/store/x.ts'), 'const q = sql`select value from json_each(${list})`;'), [
      'src/store/x.ts uses json_each',
    ]);
    assert.deepEqual(problemsOf(at('src/store/x.ts'), "db.run('PRAGMA foreign_keys = ON')"), ['src/store/x.ts uses PRAGMA']);
    assert.deepEqual(problemsOf(at('src/store/x.ts'), "if (err.code === 'SQLITE_BUSY') retry();"), [
      'src/store/x.ts uses an SQLite error code',
    ]);
    assert.deepEqual(problemsOf(at('src/api/x/routes.ts'), "import { users } from '../../store/index.js';"), [
      'src/api/x/routes.ts imports values from src/store/index.ts (reach the store as ctx.store)',
    ]);
    // Comments may name what they describe (the PostgreSQL twins say which SQLite function they replace).
    assert.deepEqual(problemsOf(at('src/store/postgres/x.ts'), '// the twin of json_quote\n/* and of group_concat */'), []);
    // Inside the dialect's folder, and type-only imports from routes, are fine.
    assert.deepEqual(
      problemsOf(at('src/store/sqlite/x.ts'), "sqlite.pragma('journal_mode = WAL'); import 'better-sqlite3';"),
      [],
    );
    assert.deepEqual(problemsOf(at('src/api/x/routes.ts'), "import type { Store } from '../../store/store.js';"), []);
    assert.deepEqual(problemsOf(at('src/server.ts'), "import { openSqliteStore } from './store/sqlite/open.js';"), []);
  });

  test('the Store interface names no SQLite type, and the running agent hands routes a store with every member', async () => {
    for (const file of ['src/store/store.ts', 'src/store/dialect.ts', 'src/store/repositories.ts', 'src/context.ts']) {
      const code = withoutComments(fs.readFileSync(path.join(root, file), 'utf8'));
      assert.doesNotMatch(
        code,
        /better-sqlite3|\bSqlite[A-Z]\w*|\bSQLite\.\w+|\bDatabase\.Statement\b/,
        `${file} names an SQLite type`,
      );
    }
    const server = await startTestServer();
    try {
      const store = server.ctx.store;
      for (const member of [
        'projects',
        'sharedCloudDrives',
        'userGroups',
        'permissions',
        'users',
        'sessions',
        'oneTimeTokens',
        'apiTokens',
        'assignments',
        'userGroupMembers',
        'invitations',
        'access',
      ] as const) {
        assert.equal(typeof store[member], 'object', `store.${member}`);
      }
      assert.match(store.dataVersion(), /\S/);
      const before = store.dataVersion();
      const counted = store.queryCount();
      // A write through a transaction of the store moves the change signal, which the caches key on.
      await store.transaction(async (tx) => {
        assert.notEqual(tx, store);
        assert.equal(tx.db.isTransaction, true);
        await tx.users.createAccount(tx.db, 'Seam test');
      });
      assert.notEqual(store.dataVersion(), before);
      assert.ok(store.queryCount() > counted);
    } finally {
      await server.close();
    }
  });
});
