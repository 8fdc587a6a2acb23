// A throwaway PostgreSQL cluster for the bench, started the way the tests start theirs (test/pg/cluster.ts,
// which the bench cannot import: it runs plain JavaScript): `initdb` into a temp directory, as the `postgres`
// user when we run as root, `pg_ctl start` on a free port of 127.0.0.1, stopped and removed at the end or
// when the process exits. Durability stays PostgreSQL's default (fsync on, synchronous_commit on).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './lib.js';

/** The directory of PostgreSQL's server programs: $PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir() {
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
  return path.join(root, versions[0], 'bin');
}

const isRoot = () => process.getuid?.() === 0;

function run(program, args) {
  const bin = path.join(postgresBinDir(), program);
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

function postgresUser() {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running as root, but there is no "postgres" user to run PostgreSQL as.');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The PostgreSQL server's version line (`postgres --version`). */
export const postgresVersion = () =>
  spawnSync(path.join(postgresBinDir(), 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();

/** Starts a cluster; `settings` are extra server settings (-c name=value). */
export async function startCluster({ settings = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-bench-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(socketDir);
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    for (const p of [dir, socketDir]) fs.chownSync(p, uid, gid);
  }
  // The C locale sorts text by code point, as SQLite's default BINARY collation does (as the tests do).
  run('initdb', ['-D', dataDir, '--auth=trust', '-E', 'UTF8', '--locale=C', '-U', 'postgres', '--no-instructions']);
  const port = await freePort();
  const all = { listen_addresses: '127.0.0.1', port, unix_socket_directories: socketDir, max_connections: 200, ...settings };
  const serverOptions = Object.entries(all)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    try {
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', destroy);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => process.exit(128 + (os.constants.signals[signal] ?? 1)));
  }
  try {
    run('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions]);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    dir,
    port,
    logFile,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    destroy,
  };
}
