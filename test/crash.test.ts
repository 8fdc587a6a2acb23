import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { createAccountWithOwner } from '../src/domain/accounts.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { UserStatus } from '../src/store/users.js';
import { Client, createAccount, expectError, startTestServer } from './helpers.js';

/**
 * Issue 11: crashes and faults. kill -9 under concurrent writes (CLICKD_CRASH_CYCLES cycles, 20 by
 * default) loses no acknowledged write and leaves an intact database; a full disk answers 503 and
 * recovers; a read-only data directory stops the start with a clear message.
 */

const CYCLES = Number(process.env.CLICKD_CRASH_CYCLES ?? 20);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-crash-test-'));
// The agent as its own process, bundled from the sources (starting it through tsx costs seconds a time).
const agent = path.join(root, 'test-output', 'crash', `agent-${process.pid}.mjs`);
const children = new Set<ChildProcess>();

before(async () => {
  await build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: agent,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
});

after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(agent, { force: true });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface Agent {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startAgent(dataDir: string, port: number): Agent {
  const child = spawn(process.execPath, [agent, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env: { PATH: process.env.PATH ?? '', HOME: tmp, CLICKD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => output, exited };
}

async function ready(run: Agent, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  void run.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the agent exited before answering:\n${run.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/management/agent_status`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the agent did not start in time:\n${run.output()}`);
}

function integrity(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'clickd.db'));
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('kill -9 under concurrent writes', () => {
  test(`${CYCLES} cycles: every acknowledged write is there after restart, integrity_check ok`, async () => {
    const dataDir = path.join(tmp, 'kill');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const store = await openSqliteStore(dataDir);
    const email = 'crash@example.com';
    const password = 'correct-horse-battery';
    await createAccountWithOwner(store, { name: 'Crash', email, password, status: UserStatus.Active });
    await store.close();
    const port = await freePort();
    const acknowledged: string[] = [];
    let token = '';
    let refused = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = startAgent(dataDir, port);
      await ready(run, port);
      const client = new Client(`http://127.0.0.1:${port}`);
      if (!token) {
        const login = await client.post('/authentication/login', { username: email, password, type: 16 });
        assert.equal(login.status, 200, login.text);
        token = login.body.jwtToken;
      }
      const writer = client.withToken(token);
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const name = `c${cycle}-w${w}-${i}`;
          try {
            const res = await writer.post('/projects/insert', { name });
            if (res.status === 200) acknowledged.push(name);
            else refused++;
          } catch {
            return; // the connection died with the agent: not acknowledged
          }
        }
      });
      // Killed at a different moment of each cycle, while writes are in flight.
      await new Promise((r) => setTimeout(r, 150 + ((cycle * 37) % 250)));
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      stop = true;
      await Promise.all(writers);
      assert.equal(signal, 'SIGKILL');
      if (cycle % 5 === 4) assert.equal(integrity(dataDir), 'ok', `after cycle ${cycle}`);
    }
    assert.equal(refused, 0, 'no write was refused while the agent ran');
    assert.ok(acknowledged.length >= CYCLES, `only ${acknowledged.length} writes acknowledged`);

    const run = startAgent(dataDir, port);
    await ready(run, port);
    const client = new Client(`http://127.0.0.1:${port}`, token);
    const stored = new Set<string>();
    for (let page = 1; ; page++) {
      const res = await client.get('/projects/get_all', { page, pagesize: 1000 });
      assert.equal(res.status, 200, res.text);
      for (const p of res.body.data as { name: string }[]) stored.add(p.name);
      if (page * 1000 >= res.body.total) break;
    }
    const lost = acknowledged.filter((name) => !stored.has(name));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes lost`);
    run.child.kill('SIGTERM');
    assert.equal((await run.exited).code, 0);
    assert.equal(integrity(dataDir), 'ok');
    console.log(`kill -9: ${CYCLES} cycles, ${acknowledged.length} acknowledged writes, ${stored.size} stored, none lost`);
  });
});

describe('a full disk', () => {
  test('answers 503 STORAGE_FULL, keeps every acknowledged write, serves reads, and recovers when space returns', async () => {
    const server = await startTestServer();
    try {
      const owner = await createAccount(server, 'Full Disk Owner');
      const db = server.ctx.store.db;
      const pageCount = async () =>
        Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
      // SQLite's own size limit stands in for a full file system: the next few pages are the last.
      await sql.raw(`pragma max_page_count = ${(await pageCount()) + 3}`).execute(db);
      const acknowledged: string[] = [];
      let full: Awaited<ReturnType<typeof owner.client.post>> | undefined;
      for (let i = 0; i < 2000 && !full; i++) {
        const res = await owner.client.post('/projects/insert', { name: `full ${i}`, description: 'x'.repeat(900) });
        if (res.status === 200) acknowledged.push(`full ${i}`);
        else full = res;
      }
      assert.ok(full, 'the disk never filled');
      expectError(full, 503, 'STORAGE_FULL', /full/);
      assert.equal(full.headers.get('retry-after'), '30');
      // Concurrent writes share one transaction (group commit): they fail together, each with a 503.
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          owner.client.post('/projects/insert', { name: `burst ${i}`, description: 'y'.repeat(900) }),
        ),
      );
      for (const res of burst) {
        if (res.status === 200) acknowledged.push(res.body.name);
        else expectError(res, 503, 'STORAGE_FULL');
      }
      assert.ok(burst.some((r) => r.status === 503));
      // Reads go on.
      const list = await owner.client.get('/projects/get_all', { pagesize: 1000 });
      assert.equal(list.status, 200, list.text);
      const listed = new Set((list.body.data as { name: string }[]).map((p) => p.name));
      assert.deepEqual(
        acknowledged.filter((n) => !listed.has(n)),
        [],
      );
      // Space returns: writes succeed again, nothing acknowledged is lost.
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
      const again = await owner.client.post('/projects/insert', { name: 'after the disk was freed' });
      assert.equal(again.status, 200, again.text);
      const after = await owner.client.get('/projects/get_all', { pagesize: 1000 });
      assert.equal(after.body.total, acknowledged.length + 1);
      const integrityRows = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
      assert.equal(integrityRows.rows[0]!.integrity_check, 'ok');
    } finally {
      await server.close();
    }
  });
});

describe('a read-only data directory', () => {
  /** Makes a directory read-only: a read-only bind mount as root (who ignores file modes), else chmod. */
  function makeReadOnly(dir: string): (() => void) | undefined {
    if (process.getuid?.() !== 0) {
      const isDir = fs.statSync(dir).isDirectory();
      fs.chmodSync(dir, isDir ? 0o500 : 0o400);
      return () => fs.chmodSync(dir, isDir ? 0o700 : 0o600);
    }
    const bind = spawnSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
    if (bind.status !== 0) return undefined;
    const ro = spawnSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' });
    if (ro.status !== 0) {
      spawnSync('umount', [dir], { stdio: 'ignore' });
      return undefined;
    }
    return () => void spawnSync('umount', [dir], { stdio: 'ignore' });
  }

  for (const what of ['directory', 'database file']) {
    test(`a read-only ${what} stops the start with a clear message naming it and a non-zero exit`, async (t) => {
      const dataDir = path.join(tmp, `readonly-${what.replace(' ', '-')}`);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // A data directory that was in use: it holds a database.
      const seeded = await openSqliteStore(dataDir);
      await seeded.close();
      const restore = makeReadOnly(what === 'directory' ? dataDir : path.join(dataDir, 'clickd.db'));
      if (!restore) {
        t.skip('cannot make a directory read-only here (root without mount rights)');
        return;
      }
      try {
        const run = startAgent(dataDir, await freePort());
        const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
        const { code } = await run.exited;
        clearTimeout(timer);
        assert.notEqual(code, 0, run.output());
        assert.equal(code, 1, run.output());
        assert.match(run.output(), /not writable|read-only/);
        assert.ok(run.output().includes(dataDir), run.output());
        assert.doesNotMatch(run.output(), /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
      } finally {
        restore();
      }
    });
  }
});
