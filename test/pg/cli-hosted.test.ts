import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestDatabase, freePort } from './cluster.js';
import { Client } from '../helpers.js';

// `clickd account create --database` and `clickd serve --database` as an admin runs them: the built binary
// on a PostgreSQL database of its own, two instances on it.
const bin = path.resolve(import.meta.dirname, '../../bin/clickd.js');

describe('the clickd command on PostgreSQL', async () => {
  const database = await createTestDatabase({ empty: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-hosted-'));
  const children: ReturnType<typeof spawn>[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = { PATH: process.env.PATH ?? '', HOME: home, CLICKD_LOG_LEVEL: 'info' };

  test('account create --database migrates an empty database and writes the account there', () => {
    const run = spawnSync(
      process.execPath,
      [
        bin,
        'account',
        'create',
        '--database',
        database.url,
        '--name',
        'Hosted Admin',
        '--email',
        'hosted@example.com',
        '--password',
        'hosted-pass-1',
      ],
      { env, encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const printed = JSON.parse(run.stdout);
    assert.equal(printed.username, 'hosted@example.com');
    assert.match(printed.database, /^postgres:\/\//);
    // No SQLite file appeared in the default data directory.
    assert.equal(fs.existsSync(path.join(home, '.local', 'share', 'clickd', 'clickd.db')), false);
  });

  test('a bad database URL is one clear line, no stack trace', () => {
    const run = spawnSync(process.execPath, [bin, 'serve', '--database', 'mysql://user:secret@host/db'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^error: CONFIG: The database URL must start with postgres:\/\/ \(got "mysql:\/\/user:\*\*\*@host\/db"\)/,
    );
    assert.doesNotMatch(run.stderr, /secret|^\s+at /m);
    const unreachable = spawnSync(process.execPath, [bin, 'serve', '--database', 'postgres://nobody@127.0.0.1:1/none'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(unreachable.status, 1);
    assert.match(unreachable.stderr, /Cannot open the database postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    assert.doesNotMatch(unreachable.stderr, /^\s+at /m);
  });

  test('two `serve --database` instances started together share the account and its sessions', async () => {
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    for (const port of ports) {
      const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
        env: { ...env, CLICKD_DATABASE_URL: database.url, CLICKD_DATA_DIR: path.join(home, `data-${port}`) },
        stdio: 'ignore',
      });
      children.push(child);
    }
    for (const url of urls) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ok = await fetch(`${url}/management/agent_status`)
          .then((r) => r.status === 200)
          .catch(() => false);
        if (ok) break;
        assert.ok(Date.now() < deadline, `${url} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const login = await new Client(urls[0]!).post('/authentication/login', {
      username: 'hosted@example.com',
      password: 'hosted-pass-1',
      type: 16,
    });
    assert.equal(login.status, 200, login.text);
    const inserted = await new Client(urls[0]!, login.body.jwtToken).post('/projects/insert', { name: 'From A' });
    assert.equal(inserted.status, 200, inserted.text);
    const list = await new Client(urls[1]!, login.body.jwtToken).get('/projects/get_all');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.body.data.map((p: { name: string }) => p.name),
      ['From A'],
    );
    for (const child of children) child.kill('SIGTERM');
    const codes = await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', (code) => resolve(code)))));
    assert.deepEqual(codes, [0, 0]);
  });
});
