import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { connectPostgres } from '../../src/store/postgres/connect.js';

/**
 * A throwaway PostgreSQL cluster for tests and the bench: `initdb` into a temp directory (as the `postgres`
 * user when we run as root: PostgreSQL refuses to run as root), `pg_ctl start` on a free port of 127.0.0.1
 * and a Unix socket inside the temp directory, and `pg_ctl stop -m fast` plus removal of the directory at
 * the end, also when the process exits early (exit hook, SIGINT, SIGTERM). Durability settings stay
 * PostgreSQL's defaults (fsync, synchronous_commit on) unless a caller passes other settings.
 */

export const TEMPLATE_DATABASE = 'clickd_template';

/** The environment variable naming a server the test files use (given by the user, or set by scripts/test-pg.js). */
export const DATABASE_URL_VARIABLE = 'CLICKD_TEST_DATABASE_URL';

export interface ClusterOptions {
  /** Extra server settings, e.g. `{ fsync: 'off' }` for a run that does not measure durability. */
  settings?: Record<string, string | number>;
  /** Keep the log and data directory after stop (for debugging a failure). */
  keep?: boolean;
}

export interface Cluster {
  /** Root of the temp directory: data/, the socket directory and postgres.log. */
  dir: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/<database>` (trust authentication, no password). */
  url(database?: string): string;
  /** Stops the server (fast shutdown: sessions are ended, as in an outage); the data stays. */
  stop(): void;
  /** Starts it again on the same port and data after stop(). */
  start(): void;
  running(): boolean;
  /** Stops the server and removes the temp directory. Safe to call twice. */
  destroy(): void;
}

/** The directory of PostgreSQL's server programs: $PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server programs not found: install Debian\'s "postgresql" package or set PG_BIN.');
  }
  return path.join(root, versions[0]!, 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when we are root. Throws with its output on failure. */
function run(program: string, args: string[]): string {
  const bin = path.join(postgresBinDir(), program);
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<Cluster>();
let hooked = false;

// Whatever ends the process, no cluster is left running: each is stopped synchronously on exit, and the
// signals that would skip 'exit' are turned into an ordinary exit first.
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const cluster of live) cluster.destroy();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + (os.constants.signals[signal] ?? 1)));
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(socketDir);
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    for (const p of [dir, socketDir]) fs.chownSync(p, uid, gid);
  }
  // The C locale sorts text by code point, as SQLite's default BINARY collation does.
  run('initdb', ['-D', dataDir, '--auth=trust', '-E', 'UTF8', '--locale=C', '-U', 'postgres', '--no-instructions']);
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: socketDir,
    max_connections: 200,
    ...options.settings,
  };
  const serverOptions = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  let running = false;
  let destroyed = false;
  const cluster: Cluster = {
    dir,
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start() {
      run('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions]);
      running = true;
    },
    stop() {
      if (!running) return;
      run('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', dataDir]);
      running = false;
    },
    running: () => running,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      live.delete(cluster);
      try {
        // By the pid file in the data directory: stops exactly this cluster, also when running() is stale.
        // Immediate (no shutdown checkpoint, ~2 s less): the data is removed next anyway.
        if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]);
      } finally {
        running = false;
        if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  hookExit();
  live.add(cluster);
  try {
    cluster.start();
  } catch (err) {
    cluster.destroy();
    throw err;
  }
  return cluster;
}

function postgresUser(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running as root, but there is no "postgres" user to run PostgreSQL as.');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** `postgres://.../name` with the database part of `url` replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates (again) the migrated template database on the server of `serverUrl`. Run once per test run, by
 * scripts/test-pg.js, before any test file copies it.
 */
export async function prepareTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${quote(TEMPLATE_DATABASE)} with (force)`);
    await admin.query(`create database ${quote(TEMPLATE_DATABASE)}`);
  } finally {
    await admin.end();
  }
  const store = connectPostgres(withDatabase(serverUrl, TEMPLATE_DATABASE), { poolSize: 1 });
  try {
    await migratePostgres(store.db);
  } finally {
    await store.close();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Serializes template preparation across test processes started without scripts/test-pg.js. */
const TEMPLATE_LOCK = 0x636c6b74;

/**
 * A fresh, migrated database (or an empty one) for one test file: a copy of the template on the server named by
 * CLICKD_TEST_DATABASE_URL (started by `npm run test:pg`, or given by the user). Run alone (`node --test`
 * on one file, no variable), it starts a private cluster for this process, torn down at exit.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  let serverUrl = process.env[DATABASE_URL_VARIABLE];
  if (!serverUrl) {
    const cluster = await startCluster();
    serverUrl = cluster.url();
    process.env[DATABASE_URL_VARIABLE] = serverUrl;
  }
  const name = `clickd_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // A template made by an earlier run on a user-given server, or none yet: made here once, under a lock.
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [TEMPLATE_DATABASE]);
      if (exists.rowCount === 0) await prepareTemplate(serverUrl);
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
    // `empty`: no schema at all (template0), for the migration tests.
    await admin.query(`create database ${quote(name)} template ${quote(options.empty ? 'template0' : TEMPLATE_DATABASE)}`);
  } finally {
    await admin.end();
  }
  const server = serverUrl;
  return {
    name,
    url: withDatabase(server, name),
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`drop database if exists ${quote(name)} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
