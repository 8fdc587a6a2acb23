import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { staleBuild } from '../scripts/buildState.js';
import { Client } from './helpers.js';

/**
 * The `clickd` command as a user runs it: the built binary (bin/clickd.js → dist/), spawned as a child
 * process, talked to over HTTP. `npm ci` builds dist/, and `npm test` builds it again when the sources are
 * newer, so what is tested is what users run.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'clickd.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-server-test-'));
const children = new Set<ChildProcess>();

before(() => {
  // scripts/test.js (npm test) builds first when the build is stale; run alone, this file says so instead.
  const stale = staleBuild();
  assert.equal(stale, undefined, `the build is stale (${stale}): run npm run build, or npm test, which builds first`);
});

after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

let dirCount = 0;
const newDataDir = () => path.join(tmp, `data-${++dirCount}`);

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function clickd(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '', HOME: tmp, CLICKD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs a command to its end, with a time limit. */
async function finish(run: Run, ms = 20_000) {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  const result = await run.exited;
  clearTimeout(timer);
  return { ...result, stdout: run.stdout(), stderr: run.stderr() };
}

/** Waits until the agent answers agent_status (or the process ends, which fails the test). */
async function ready(run: Run, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exited = false;
  void run.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`clickd exited before answering:\n${run.stdout()}\n${run.stderr()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/management/agent_status`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`clickd did not start in time:\n${run.stdout()}\n${run.stderr()}`);
}

async function serve(dataDir: string, extra: string[] = [], env: Record<string, string> = {}) {
  const port = await freePort();
  const run = clickd(['serve', '--port', String(port), '--data-dir', dataDir, ...extra], env);
  await ready(run, port);
  return { run, port, url: `http://127.0.0.1:${port}` };
}

async function stop(run: Run, signal: NodeJS.Signals = 'SIGTERM') {
  run.child.kill(signal);
  return finish(run);
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace was printed:\n${text}`);

describe('clickd serve', () => {
  test('starts, answers agent_status with 1, creates the database in WAL mode with the key owner-only', async () => {
    const dataDir = newDataDir();
    const { run, url } = await serve(dataDir);
    try {
      const res = await fetch(`${url}/management/agent_status`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '1');
      assert.ok(fs.existsSync(path.join(dataDir, 'clickd.db')));
      const db = new Database(path.join(dataDir, 'clickd.db'), { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
        assert.ok(
          tables.some((t) => t.name === 'projects'),
          'migrated',
        );
      } finally {
        db.close();
      }
      assert.equal(fs.statSync(path.join(dataDir, 'signing.key')).mode & 0o777, 0o600);
      assert.match(run.stdout(), /listening/);
    } finally {
      const { code } = await stop(run);
      assert.equal(code, 0);
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} shuts down cleanly with exit code 0 and frees the port`, async () => {
      const dataDir = newDataDir();
      const { run, port } = await serve(dataDir);
      const { code, signal: killedBy, stderr, stdout } = await stop(run, signal);
      assert.equal(killedBy, null);
      assert.equal(code, 0, stderr);
      noStack(stderr);
      assert.match(stdout, new RegExp(`${signal} received, shutting down`), 'the last log lines are written before exit');
      // The port is free again and the database opens cleanly on the next start.
      const again = clickd(['serve', '--port', String(port), '--data-dir', dataDir]);
      await ready(again, port);
      assert.equal((await stop(again)).code, 0);
    });
  }

  test('a second serve on the same port exits non-zero with a message naming the port, no stack trace', async () => {
    const { run, port } = await serve(newDataDir());
    try {
      const second = await finish(clickd(['serve', '--port', String(port), '--data-dir', newDataDir()]));
      assert.notEqual(second.code, 0);
      assert.match(second.stderr, new RegExp(`\\b${port}\\b`));
      assert.match(second.stderr, /in use/);
      noStack(second.stderr);
      // The first server is unaffected.
      assert.equal((await fetch(`http://127.0.0.1:${port}/management/agent_status`)).status, 200);
    } finally {
      await stop(run);
    }
  });

  test('a data directory that cannot be created gives a clear message, no stack trace', async () => {
    const dataDir = newDataDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'file'), 'not a directory');
    const bad = path.join(dataDir, 'file', 'sub');
    const result = await finish(clickd(['serve', '--port', String(await freePort()), '--data-dir', bad]));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /data directory/);
    assert.ok(result.stderr.includes(bad), result.stderr);
    noStack(result.stderr);
  });

  test('a bad --port or CLICKD_PORT gives a clear message', async () => {
    for (const port of ['eighty', '70000']) {
      const result = await finish(clickd(['serve', '--port', port, '--data-dir', newDataDir()]));
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /--port/);
      noStack(result.stderr);
    }
    const env = await finish(clickd(['serve', '--data-dir', newDataDir()], { CLICKD_PORT: 'eighty' }));
    assert.notEqual(env.code, 0);
    assert.match(env.stderr, /CLICKD_PORT/);
    noStack(env.stderr);
  });

  test('CLICKD_PORT and CLICKD_DATA_DIR configure it too', async () => {
    const port = await freePort();
    const dataDir = newDataDir();
    const run = clickd(['serve'], { CLICKD_PORT: String(port), CLICKD_DATA_DIR: dataDir });
    await ready(run, port);
    assert.ok(fs.existsSync(path.join(dataDir, 'clickd.db')));
    assert.equal((await stop(run)).code, 0);
  });

  test('binding to a non-loopback address prints a warning', async () => {
    const { run } = await serve(newDataDir(), ['--host', '0.0.0.0']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.match(run.stdout() + run.stderr(), /not only on loopback/);
    } finally {
      await stop(run);
    }
  });
});

describe('clickd account create', () => {
  test('works while a server runs on the same data directory; the account can then log in over HTTP', async () => {
    const dataDir = newDataDir();
    const { run, url } = await serve(dataDir);
    try {
      const created = await finish(
        clickd([
          'account',
          'create',
          '--data-dir',
          dataDir,
          '--name',
          'Ada Admin',
          '--email',
          'ada@example.com',
          '--password',
          'long-enough-pass',
        ]),
      );
      assert.equal(created.code, 0, created.stderr);
      const account = JSON.parse(created.stdout);
      assert.equal(account.accountName, 'Ada Admin');
      assert.equal(account.username, 'ada@example.com');
      assert.equal(account.owner, true);
      assert.match(account.accountId, /^[0-9a-f-]{36}$/);
      assert.match(account.userId, /^[0-9a-f-]{36}$/);

      const login = await new Client(url).post('/authentication/login', {
        username: 'ada@example.com',
        password: 'long-enough-pass',
        type: 16,
      });
      assert.equal(login.status, 200, login.text);
      const me = await new Client(url, login.body.jwtToken).get('/authentication/user');
      assert.deepEqual(
        [me.body.accountId, me.body.userId, me.body.owner, me.body.firstName, me.body.lastName],
        [account.accountId, account.userId, true, 'Ada', 'Admin'],
      );

      const duplicate = await finish(
        clickd([
          'account',
          'create',
          '--data-dir',
          dataDir,
          '--name',
          'Again',
          '--email',
          'ADA@example.com',
          '--password',
          'long-enough-pass',
        ]),
      );
      assert.notEqual(duplicate.code, 0);
      assert.match(duplicate.stderr, /DUPLICATE/);
      noStack(duplicate.stderr);
    } finally {
      await stop(run);
    }
  });

  test('works without a server; CLICKD_PASSWORD may carry the password; bad input gives clear messages', async () => {
    const dataDir = newDataDir();
    const viaEnv = await finish(
      clickd(['account', 'create', '--name', 'Env User', '--email', 'env@example.com'], {
        CLICKD_DATA_DIR: dataDir,
        CLICKD_PASSWORD: 'from-the-environment',
      }),
    );
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(JSON.parse(viaEnv.stdout).username, 'env@example.com');

    const short = await finish(
      clickd(['account', 'create', '--data-dir', dataDir, '--name', 'Short', '--email', 's@example.com', '--password', 'short']),
    );
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /password/);
    noStack(short.stderr);

    const missing = await finish(
      clickd(['account', 'create', '--data-dir', dataDir, '--name', 'No Pass', '--email', 'n@example.com']),
    );
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /password/i);
    noStack(missing.stderr);

    fs.writeFileSync(path.join(dataDir, 'file'), 'not a directory');
    const badDir = await finish(
      clickd([
        'account',
        'create',
        '--data-dir',
        path.join(dataDir, 'file', 'sub'),
        '--name',
        'B',
        '--email',
        'b@example.com',
        '--password',
        'long-enough-pass',
      ]),
    );
    assert.notEqual(badDir.code, 0);
    assert.match(badDir.stderr, /data directory/);
    noStack(badDir.stderr);

    const noEmail = await finish(
      clickd(['account', 'create', '--data-dir', dataDir, '--name', 'X', '--password', 'long-enough-pass']),
    );
    assert.notEqual(noEmail.code, 0);
    assert.match(noEmail.stderr, /--email/);

    // The account made without a server works once one starts.
    const { run, url } = await serve(dataDir);
    try {
      const login = await new Client(url).post('/authentication/login', {
        username: 'env@example.com',
        password: 'from-the-environment',
      });
      assert.equal(login.status, 200, login.text);
    } finally {
      await stop(run);
    }
  });
});

describe('clickd help', () => {
  test('--help and serve --help print help and exit 0', async () => {
    const main = await finish(clickd(['--help']));
    assert.equal(main.code, 0);
    assert.match(main.stdout, /Usage: clickd/);
    assert.match(main.stdout, /serve/);
    assert.match(main.stdout, /account/);
    const serveHelp = await finish(clickd(['serve', '--help']));
    assert.equal(serveHelp.code, 0);
    for (const flag of ['--host', '--port', '--data-dir']) assert.ok(serveHelp.stdout.includes(flag), flag);
    const createHelp = await finish(clickd(['account', 'create', '--help']));
    assert.equal(createHelp.code, 0);
    for (const flag of ['--name', '--email', '--password', '--data-dir']) assert.ok(createHelp.stdout.includes(flag), flag);
  });
});

describe('durability', () => {
  test('a project acknowledged with 200 survives a kill -9 right after, 20 times over', async () => {
    const dataDir = newDataDir();
    const created = await finish(
      clickd([
        'account',
        'create',
        '--data-dir',
        dataDir,
        '--name',
        'Durable',
        '--email',
        'durable@example.com',
        '--password',
        'long-enough-pass',
      ]),
    );
    assert.equal(created.code, 0, created.stderr);
    const started = await serve(dataDir);
    const { port } = started;
    let { run, url } = started;
    const login = await new Client(url).post('/authentication/login', {
      username: 'durable@example.com',
      password: 'long-enough-pass',
    });
    const token = login.body.jwtToken as string;
    const ids: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const res = await new Client(url, token).post('/projects/insert', { name: `Durable ${i}` });
        assert.equal(res.status, 200, res.text);
        run.child.kill('SIGKILL');
        const { signal } = await run.exited;
        assert.equal(signal, 'SIGKILL');
        ids.push(res.body.id);

        run = clickd(['serve', '--port', String(port), '--data-dir', dataDir]);
        await ready(run, port);
        url = `http://127.0.0.1:${port}`;
        // The session opened before the crashes still works: sessions and the signing key are durable too.
        const list = await new Client(url, token).get('/projects/get_all', { pagesize: 100 });
        assert.equal(list.status, 200, list.text);
        assert.deepEqual(list.body.data.map((p: { id: string }) => p.id).sort(), [...ids].sort(), `after kill ${i + 1}`);
      }
    } finally {
      await stop(run);
    }
  });
});
