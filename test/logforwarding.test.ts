import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config.js';
import { createAccountWithOwner } from '../src/domain/accounts.js';
import { collectorUrl } from '../src/domain/logForwarding.js';
import { loggerOptions, startServer, type RunningServer } from '../src/server.js';
import { UserStatus } from '../src/store/users.js';
import { Client, expectError, UNKNOWN_ID } from './helpers.js';
import { createUser } from './factories.js';

// Forwarding the audit log to Splunk's HTTP Event Collector (DECISIONS.md section 9), against a real local
// HEC-compatible receiver: the account log setting's four endpoints, delivery in order and batched, retries
// while the collector answers errors or is down, and an agent restart in between (same data directory).

/** A small HTTP server answering like Splunk's HEC: {"text":"Success","code":0}, or an error, or not at all. */
class HecReceiver {
  mode: 'ok' | 'error' = 'ok';
  readonly requests: { authorization: string | undefined; url: string; events: any[] }[] = [];
  private server?: http.Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (this.mode === 'error') {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ text: 'Server is busy', code: 9 }));
          return;
        }
        if (req.headers.authorization !== 'Splunk hec-token-0123456789') {
          res.writeHead(403, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ text: 'Invalid token', code: 4 }));
          return;
        }
        // HEC's JSON event format: event objects one after the other.
        const events = body
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line));
        this.requests.push({ authorization: req.headers.authorization, url: req.url ?? '', events });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: 'Success', code: 0 }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get events(): any[] {
    return this.requests.flatMap((r) => r.events);
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-forward-'));
const overrides: Partial<Config> = {
  host: '127.0.0.1',
  port: 0,
  dataDir,
  logLevel: 'info',
  logForwardPollMs: 100,
  logForwardRetryMs: 100,
  logForwardRetryMaxMs: 400,
};

/** Starts the agent on the test's data directory (again, after a restart). */
async function startAgent(): Promise<RunningServer> {
  const config = loadConfig(overrides, {});
  const logger = pino(loggerOptions(config), pino.destination({ dest: path.join(dataDir, 'clickd.log'), sync: true }));
  return startServer(config, logger);
}

let agent: RunningServer;
let admin: Client;
let email: string;
const password = 'correct-horse-battery';
const receiver = new HecReceiver();

async function signIn(server: RunningServer): Promise<Client> {
  const login = await new Client(server.url).post('/authentication/login', { username: email, password, type: 16 });
  assert.equal(login.status, 200, login.text);
  return new Client(server.url, login.body.jwtToken as string);
}

before(async () => {
  await receiver.start();
  agent = await startAgent();
  email = `forward-${Date.now()}@example.com`;
  await createAccountWithOwner(agent.ctx.store, { name: 'Forwarding', email, password, status: UserStatus.Active });
  admin = await signIn(agent);
});
after(async () => {
  await agent.close();
  await receiver.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const setting = () => ({
  token: 'hec-token-0123456789',
  serverAddress: 'http://127.0.0.1',
  servicePort: String(receiver.port),
  active: true,
  provider: 1,
});

describe('/accountlogsetting', () => {
  test('get before setup is NOT_FOUND; bad fields are 499 naming the field', async () => {
    expectError(await admin.get('/accountlogsetting/get'), 499, 'NOT_FOUND');
    expectError(await admin.delete('/accountlogsetting/delete'), 499, 'NOT_FOUND');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...setting(), token: undefined }, /token/],
      [{ ...setting(), token: 'x'.repeat(101) }, /token/],
      [{ ...setting(), token: '' }, /token/],
      [{ ...setting(), serverAddress: `h${'x'.repeat(100)}` }, /serverAddress/],
      [{ ...setting(), serverAddress: undefined }, /serverAddress/],
      [{ ...setting(), servicePort: '12345678901' }, /servicePort/],
      [{ ...setting(), servicePort: 8088 }, /servicePort/],
      [{ ...setting(), servicePort: 'eighty' }, /servicePort/],
      [{ ...setting(), active: 'yes' }, /active/],
      [{ ...setting(), active: undefined }, /active/],
      [{ ...setting(), provider: 2 }, /provider/],
      [{ ...setting(), provider: '1' }, /provider/],
    ];
    for (const [body, field] of bad) expectError(await admin.post('/accountlogsetting/setup', body), 499, 'DEFAULT', field);
    expectError(
      await admin.request('POST', '/accountlogsetting/setup', {
        raw: '{"token":',
        headers: { 'content-type': 'application/json' },
      }),
      499,
      'DEFAULT',
    );
  });

  test('members are refused, a missing token is 401', async () => {
    const owner = await agent.ctx.store.users.findUserByUsername(agent.ctx.store.db, email);
    const member = await createUser({ ...agent, dataDir, logFile: '' }, owner!.account_id, { userType: 64 });
    expectError(await member.client.post('/accountlogsetting/setup', setting()), 499, 'ACCESS');
    expectError(await member.client.get('/accountlogsetting/get'), 499, 'ACCESS');
    expectError(await member.client.put('/accountlogsetting/update', { id: UNKNOWN_ID, ...setting() }), 499, 'ACCESS');
    expectError(await member.client.delete('/accountlogsetting/delete'), 499, 'ACCESS');
    expectError(await new Client(agent.url).get('/accountlogsetting/get'), 401, 'AUTH');
    expectError(await new Client(agent.url).post('/accountlogsetting/setup', setting()), 401, 'AUTH');
  });

  test('setup, get (masked), duplicate setup, update, delete', async () => {
    const created = await admin.post('/accountlogsetting/setup', { ...setting(), active: false });
    assert.equal(created.status, 200, created.text);
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...created.body, id: undefined },
      {
        id: undefined,
        token: '****************6789',
        serverAddress: 'http://127.0.0.1',
        servicePort: String(receiver.port),
        active: false,
        provider: 1,
      },
    );
    const got = await admin.get('/accountlogsetting/get');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);
    assert.ok(!got.text.includes('hec-token-0123456789'), 'the token is masked');
    expectError(await admin.post('/accountlogsetting/setup', setting()), 499, 'DUPLICATE');

    expectError(await admin.put('/accountlogsetting/update', { ...setting(), id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await admin.put('/accountlogsetting/update', { ...setting() }), 499, 'DEFAULT', /id/);
    // The masked token sent back as `get` gave it keeps the stored one.
    const updated = await admin.put('/accountlogsetting/update', { ...got.body, servicePort: '8088' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.servicePort, '8088');
    assert.equal(
      (await agent.ctx.store.audit.findLogSetting(agent.ctx.store.db, await ownerAccount()))!.token,
      'hec-token-0123456789',
    );

    assert.equal((await admin.delete('/accountlogsetting/delete')).status, 200);
    expectError(await admin.get('/accountlogsetting/get'), 499, 'NOT_FOUND');
    expectError(await admin.delete('/accountlogsetting/delete'), 499, 'NOT_FOUND');

    const log = (await admin.get('/accountlog/get_all', { recordType: 'AccountLogSetting' })).body.data;
    assert.deepEqual(
      log.map((e: any) => e.action),
      ['accountlogsetting/delete', 'accountlogsetting/update', 'accountlogsetting/setup'],
    );
    assert.ok(!JSON.stringify(log).includes('hec-token'), 'the token never enters the log');
  });

  test('the collector URL: https unless a scheme is given', () => {
    assert.equal(
      collectorUrl({ server_address: 'splunk.example.com', service_port: '8088' }),
      'https://splunk.example.com:8088/services/collector/event',
    );
    assert.equal(
      collectorUrl({ server_address: 'http://10.0.0.5/', service_port: '80' }),
      'http://10.0.0.5:80/services/collector/event',
    );
  });
});

async function ownerAccount(): Promise<string> {
  return (await agent.ctx.store.users.findUserByUsername(agent.ctx.store.db, email))!.account_id;
}

describe('forwarding', () => {
  test('while active, every entry reaches the collector in HEC format, in order, batched', async () => {
    const setup = await admin.post('/accountlogsetting/setup', setting());
    assert.equal(setup.status, 200, setup.text);
    const names: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await admin.post('/projects/insert', { name: `Forwarded ${i}` });
        assert.equal(res.status, 200);
        names.push(res.body.id as string);
      }),
    );
    const log = (await admin.get('/accountlog/get_all', { pagesize: 1000, descending: false })).body.data as any[];
    const fromSetup = log.slice(log.findIndex((e) => e.action === 'accountlogsetting/setup' && e.changes.active?.after === true));
    await until('the entries at the collector', () => receiver.events.length >= fromSetup.length);

    const request = receiver.requests[0]!;
    assert.equal(request.url, '/services/collector/event');
    assert.equal(request.authorization, 'Splunk hec-token-0123456789');
    const event = receiver.events[0];
    assert.deepEqual(Object.keys(event), ['time', 'host', 'source', 'sourcetype', 'event']);
    assert.equal(event.source, 'clickd');
    assert.equal(event.sourcetype, '_json');
    assert.equal(event.host, os.hostname());
    assert.equal(event.time, Date.parse(event.event.createDate) / 1000);
    assert.deepEqual(
      receiver.events.map((e) => e.event.id),
      fromSetup.map((e) => e.id),
      'every entry, in order, once',
    );
    assert.ok(receiver.requests.length < receiver.events.length, 'several entries per request');
    // The delivered rows leave the outbox once the collector's answer is in.
    const accountId = await ownerAccount();
    await until('an empty outbox', async () => (await agent.ctx.store.audit.outboxLength(agent.ctx.store.db, accountId)) === 0);
  });

  test('the collector answering errors, then down across an agent restart: nothing lost, in order, the API unaffected', async () => {
    const delivered = receiver.events.length;
    receiver.mode = 'error';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await admin.post('/projects/insert', { name: `While failing ${i}` });
      assert.equal(res.status, 200);
      assert.ok(performance.now() - t0 < 1000, 'the API call does not wait for the collector');
      ids.push(res.body.id as string);
    }
    const accountId = await ownerAccount();
    await until(
      'a failed delivery',
      async () => ((await agent.ctx.store.audit.findLogSetting(agent.ctx.store.db, accountId))?.attempts ?? 0) >= 2,
    );
    const state = (await agent.ctx.store.audit.findLogSetting(agent.ctx.store.db, accountId))!;
    assert.match(state.last_error ?? '', /503/);
    assert.equal(receiver.events.length, delivered, 'nothing accepted while the collector fails');

    // The collector goes away entirely; more changes are made; the agent restarts.
    const port = receiver.port;
    await receiver.stop();
    for (let i = 0; i < 5; i++) {
      const res = await admin.post('/projects/insert', { name: `While down ${i}` });
      assert.equal(res.status, 200);
      ids.push(res.body.id as string);
    }
    await until('a refused connection', async () =>
      /fetch failed|ECONNREFUSED/.test(
        (await agent.ctx.store.audit.findLogSetting(agent.ctx.store.db, accountId))?.last_error ?? '',
      ),
    );
    assert.ok((await agent.ctx.store.audit.outboxLength(agent.ctx.store.db, accountId)) >= 10);
    await agent.close();
    agent = await startAgent();
    admin = await signIn(agent);
    const res = await admin.post('/projects/insert', { name: 'After restart' });
    assert.equal(res.status, 200);
    ids.push(res.body.id as string);

    // The collector comes back, on the same port: everything queued arrives, in order.
    receiver.mode = 'ok';
    await receiver.start(port);
    const log = (await admin.get('/accountlog/get_all', { pagesize: 1000, descending: false })).body.data as any[];
    const expected = log.slice(log.findIndex((e) => e.recordId === ids[0])).map((e) => e.id);
    await until('the queued entries at the collector', () => receiver.events.length >= delivered + expected.length, 15_000);
    const received = receiver.events.slice(delivered).map((e) => e.event.id);
    // At least once: a repeat may follow a lost answer; the first arrivals are in order.
    const firsts = received.filter((id, i) => received.indexOf(id) === i);
    assert.deepEqual(firsts, expected);
    const projects = receiver.events
      .slice(delivered)
      .filter((e) => e.event.action === 'projects/insert')
      .map((e) => e.event.recordId);
    assert.deepEqual([...new Set(projects)], ids);
    await until('an empty outbox', async () => (await agent.ctx.store.audit.outboxLength(agent.ctx.store.db, accountId)) === 0);
    assert.equal(
      (await agent.ctx.store.audit.findLogSetting(agent.ctx.store.db, accountId))!.attempts,
      0,
      'the backoff starts over',
    );
  });

  test('inactive: nothing is queued; deleting the setting drops what waits', async () => {
    const got = (await admin.get('/accountlogsetting/get')).body;
    assert.equal((await admin.put('/accountlogsetting/update', { ...got, active: false })).status, 200);
    const delivered = receiver.events.length;
    await admin.post('/projects/insert', { name: 'Not forwarded' });
    const accountId = await ownerAccount();
    assert.equal(await agent.ctx.store.audit.outboxLength(agent.ctx.store.db, accountId), 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.events.length, delivered);
  });
});
