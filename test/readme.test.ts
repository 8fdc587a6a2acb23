import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { staleBuild } from '../scripts/buildState.js';

/**
 * Issue 12 item 1: the README's Quick start runs by copy-paste, top to bottom. Its shell blocks (all but the
 * first, which installs and starts the agent: this test starts it itself, on a free port and a fresh data
 * directory) run with bash as written, `clickd` being bin/clickd.js on the PATH (what `npm link` does) and
 * `localhost:29123` the test agent's port. Each command's output is checked.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'clickd.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-readme-'));
const children = new Set<ChildProcess>();
const STEP = '@@STEP@@';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The shell blocks of the README's Quick start section. */
function quickStartBlocks(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Quick start');
  const end = readme.indexOf('\n## ', start + 1);
  assert.ok(start >= 0 && end > start, 'README.md has a Quick start section');
  return [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** A block's commands: continuation lines joined, comments and blank lines left out. */
function commands(block: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of block.split('\n')) {
    if (current === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    current += line + '\n';
    if (!line.endsWith('\\')) {
      out.push(current);
      current = '';
    }
  }
  if (current) out.push(current);
  return out;
}

interface Agent {
  port: number;
  dataDir: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** Env for the agent and the scripts: a $HOME of their own, clickd on the PATH, no CLICKD_* of the caller. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKD_')));
  return { ...clean, HOME: tmp, PATH: `${path.join(tmp, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
}

async function startAgent(dataDir: string): Promise<Agent> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: tmp,
    env: cleanEnv({ CLICKD_PORT: String(port), CLICKD_DATA_DIR: dataDir, CLICKD_LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/management/agent_status`)).status === 200) break;
    } catch {
      // not listening yet
    }
    assert.ok(child.exitCode === null && i < 200, `the agent did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    dataDir,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a script with bash (errexit, pipefail), in the README's environment. */
function bash(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `set -eo pipefail\n${script}`],
      { cwd: tmp, env: cleanEnv(env), timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

before(() => {
  const stale = staleBuild();
  assert.equal(stale, undefined, `the build is stale (${stale}): run npm run build, or npm test, which builds first`);
  // What `npm link` does: `clickd` on the PATH is the package's bin.
  fs.mkdirSync(path.join(tmp, 'bin'));
  fs.symlinkSync(BIN, path.join(tmp, 'bin', 'clickd'));
});

after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('README Quick start', () => {
  test('the first block installs, links and starts the agent; the others run as written', async () => {
    const blocks = quickStartBlocks();
    assert.ok(blocks.length >= 3, 'several blocks');
    assert.match(blocks[0]!, /npm install/);
    assert.match(blocks[0]!, /npm link/);
    assert.match(blocks[0]!, /npm start/);
    for (const block of blocks.slice(1)) {
      assert.doesNotMatch(block, /npx clickd/, 'clickd, not npx clickd (slow; npm prepares the package again)');
      assert.doesNotMatch(block, /EXAMPLE_TOKEN|<token>/, 'no placeholder to replace by hand');
    }
  });

  test('copied top to bottom against a fresh agent, every step answers what the comments say', async () => {
    const dataDir = path.join(tmp, 'data');
    const agent = await startAgent(dataDir);
    try {
      const steps = quickStartBlocks().slice(1).flatMap(commands);
      const script = steps.map((s) => s.replaceAll('localhost:29123', `localhost:${agent.port}`)).join(`echo ${STEP}\n`);
      const run = await bash(script, { CLICKD_DATA_DIR: dataDir });
      assert.equal(run.code, 0, `the Quick start failed: ${run.stderr}\n${run.stdout}`);
      assert.equal(run.stderr, '', 'nothing on stderr');
      const outputs = run.stdout.split(`${STEP}\n`);
      assert.equal(outputs.length, steps.length, run.stdout);
      const byCommand = (pattern: RegExp, nth = 0): string => {
        const found = steps.map((s, i) => (pattern.test(s) ? i : -1)).filter((i) => i >= 0);
        assert.ok(found.length > nth, `a step matches ${pattern}`);
        return outputs[found[nth]!]!;
      };

      // account create prints the account and the database it wrote, in the agent's data directory.
      const account = JSON.parse(byCommand(/clickd account create/));
      assert.equal(account.username, 'ada@example.com');
      assert.equal(account.owner, true);
      assert.equal(account.database, path.join(dataDir, 'clickd.db'));

      // Variable assignments print nothing.
      for (const s of steps.filter((s) => /^[A-Z]+=|^field\(\)/.test(s))) assert.equal(outputs[steps.indexOf(s)], '');

      const updated = JSON.parse(byCommand(/projects\/update/));
      assert.equal(updated.name, 'Campaign 2026');
      assert.equal(updated.description, 'Updated description');
      const projectId = updated.id as string;
      assert.match(projectId, /^[0-9a-f-]{36}$/);

      const all = JSON.parse(byCommand(/projects\/get_all\?/));
      assert.equal(all.total, 1);
      assert.deepEqual(
        all.data.map((p: { id: string }) => p.id),
        [projectId],
      );
      const details = JSON.parse(byCommand(/projects\/get_all_with_details/));
      assert.equal(details.data[0].id, projectId);
      assert.deepEqual(details.data[0].usersData, []);

      // Calls that answer 200 with no body print the status code.
      assert.equal(byCommand(/assign_sharedclouddrive/), '200\n');
      assert.equal(byCommand(/unassign_sharedclouddrive/), '200\n');
      assert.equal(byCommand(/projects\/delete/), '200\n');
      assert.equal(byCommand(/projects\/restore/), '200\n');

      const assigned = JSON.parse(byCommand(/get_assigned_sharedclouddrives/));
      assert.equal(assigned.total, 1);
      assert.equal(assigned.data[0].project.id, projectId);
      assert.equal(assigned.data[0].sharedCloudDrive.name, 'Team Drive');
      assert.equal(assigned.data[0].sharedCloudDrive.storageName, 'team-bucket');
      assert.match(assigned.data[0].projectSharedCloudDrive.id, /^[0-9a-f-]{36}$/);
      const projectsOfDrive = JSON.parse(byCommand(/get_assigned_projects/));
      assert.equal(projectsOfDrive.data[0].project.id, projectId);

      // While deleted, deleted=true lists it; after the restore, get_all counts it again.
      assert.equal(byCommand(/deleted=true/), 'Campaign 2026\n');
      assert.equal(byCommand(/field '\.total'/), '1\n');
    } finally {
      await agent.stop();
    }
  });

  test('account create on another data directory: it says where it wrote, and the agent log says why sign-in fails', async () => {
    const agentDir = path.join(tmp, 'agent-data');
    const otherDir = path.join(tmp, 'other-data');
    const agent = await startAgent(agentDir);
    try {
      const created = await bash(
        `clickd account create --data-dir '${otherDir}' --name "Bob Admin" --email bob@example.com --password long-enough-pass`,
        {},
      );
      assert.equal(created.code, 0, created.stderr);
      assert.equal(JSON.parse(created.stdout).database, path.join(otherDir, 'clickd.db'));

      const login = await fetch(`http://127.0.0.1:${agent.port}/authentication/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob@example.com', password: 'long-enough-pass' }),
      });
      assert.equal(login.status, 401);
      await new Promise((r) => setTimeout(r, 200));
      const line = agent
        .log()
        .split('\n')
        .find((l) => l.includes('no accounts at all'));
      assert.ok(line, `the log says the agent has no accounts: ${agent.log()}`);
      const entry = JSON.parse(line);
      assert.equal(entry.level, 40, 'a warning');
      assert.ok(entry.msg.includes(agentDir), 'it names the agent’s data directory');
      assert.match(entry.msg, /clickd account create --data-dir/);

      // With an account in its data directory, a wrong password is not reported as "no accounts".
      const own = await bash(
        `clickd account create --data-dir '${agentDir}' --name "Cy Admin" --email cy@example.com --password long-enough-pass`,
        {},
      );
      assert.equal(own.code, 0, own.stderr);
      const before = agent.log().split('no accounts at all').length;
      const wrong = await fetch(`http://127.0.0.1:${agent.port}/authentication/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob@example.com', password: 'long-enough-pass' }),
      });
      assert.equal(wrong.status, 401);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(agent.log().split('no accounts at all').length, before);
    } finally {
      await agent.stop();
    }
  });
});
