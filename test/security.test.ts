import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { createLogger, startServer } from '../src/server.js';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  testBackend,
  type TestAccount,
  type TestServer,
} from './helpers.js';

/** DECISIONS.md section 6: what a local agent must do to be safe on a developer's machine. */

let server: TestServer;
let owner: TestAccount;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Security Owner');
});
after(() => server.close());

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

/** A request through node:http, which (unlike fetch) lets a test set the Host header and stream a body. */
function raw(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunks?: Buffer[];
    setHost?: boolean;
  },
  address = '127.0.0.1',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: address,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: options.setHost ?? true,
        timeout: 10_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown;
          if (text && (res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
          resolve({ status: res.statusCode!, headers: res.headers, text, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the server did not answer in time')));
    req.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

/** The documented error body and header, for a node:http response. */
function expectRawError(res: RawResponse, status: number, code: string, label = ''): void {
  assert.equal(res.status, status, `${label} ${res.text}`);
  assert.equal(res.headers['error-code'], code);
  assert.equal(res.body?.type, code, res.text);
  assert.equal(res.body?.status, status);
  assert.deepEqual(Object.keys(res.body.errors), [code]);
  assert.ok(res.body.errors[code].length > 0);
}

describe('Host header check (DNS rebinding)', () => {
  test('a foreign Host is rejected with the error body, and the request has no effect', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, 'localhost.evil.example', '127.0.0.1.evil.example']) {
      const res = await raw(server.port, { path: '/management/agent_status', headers: { host } });
      expectRawError(res, 403, 'SECURITY', host);
      assert.match(res.body.errors.SECURITY[0], /Host/);
    }
    const insert = await raw(server.port, {
      method: 'POST',
      path: `/projects/insert?token=${owner.token}`,
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Rebound' }),
    });
    expectRawError(insert, 403, 'SECURITY');
    assert.equal((await owner.client.get('/projects/get_all', { name: 'Rebound' })).body.total, 0);
    // No Host header at all: refused (by Node's HTTP parser, before any route runs).
    const noHost = await raw(server.port, { method: 'POST', path: `/projects/insert?token=${owner.token}`, setHost: false });
    assert.ok(noHost.status === 400 || noHost.status === 403, `${noHost.status}`);
  });

  test('localhost, 127.0.0.1 and [::1] pass, with and without the port, in any case', async () => {
    const p = server.port;
    for (const host of ['localhost', `localhost:${p}`, 'LocalHost', '127.0.0.1', `127.0.0.1:${p}`, '[::1]', `[::1]:${p}`]) {
      const res = await raw(p, { path: '/management/agent_status', headers: { host } });
      assert.equal(res.status, 200, `${host}: ${res.text}`);
      assert.equal(res.text, '1');
    }
  });

  test('names in CLICKD_ALLOWED_HOSTS pass too', async () => {
    assert.deepEqual(loadConfig({}, { CLICKD_ALLOWED_HOSTS: 'agent.internal, Other.Lan' }).allowedHosts, [
      'agent.internal',
      'Other.Lan',
    ]);
    const custom = await startTestServer({ allowedHosts: ['agent.internal', 'Other.Lan'] });
    try {
      for (const host of ['agent.internal', `agent.internal:${custom.port}`, 'other.lan', 'localhost']) {
        assert.equal((await raw(custom.port, { path: '/management/agent_status', headers: { host } })).status, 200, host);
      }
      expectRawError(
        await raw(custom.port, { path: '/management/agent_status', headers: { host: 'evil.example' } }),
        403,
        'SECURITY',
      );
    } finally {
      await custom.close();
    }
  });

  test('the address the agent was told to bind is accepted as a Host too', async () => {
    const bound = await startTestServer({ host: '127.0.0.2' });
    try {
      for (const host of [`127.0.0.2:${bound.port}`, '127.0.0.2', 'localhost']) {
        const res = await raw(bound.port, { path: '/management/agent_status', headers: { host } }, '127.0.0.2');
        assert.equal(res.status, 200, host);
      }
      const evil = await raw(bound.port, { path: '/management/agent_status', headers: { host: 'evil.example' } }, '127.0.0.2');
      expectRawError(evil, 403, 'SECURITY');
    } finally {
      await bound.close();
    }
  });
});

describe('CORS', () => {
  const preflight = (port: number, origin: string) =>
    raw(port, {
      method: 'OPTIONS',
      path: '/projects/insert',
      headers: {
        host: 'localhost',
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  test('no CORS headers for a foreign origin by default', async () => {
    const get = await raw(server.port, {
      path: `/projects/get_all?token=${owner.token}`,
      headers: { host: 'localhost', origin: 'http://evil.example' },
    });
    assert.equal(get.status, 200);
    assert.equal(get.headers['access-control-allow-origin'], undefined);
    const pre = await preflight(server.port, 'http://evil.example');
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
  });

  test('a configured origin gets them, another origin still does not; never a wildcard', async () => {
    const origin = 'http://console.example:8080';
    const custom = await startTestServer({ corsOrigins: [origin] });
    try {
      const account = await createAccount(custom);
      const get = await raw(custom.port, {
        path: `/projects/get_all?token=${account.token}`,
        headers: { host: 'localhost', origin },
      });
      assert.equal(get.status, 200);
      assert.equal(get.headers['access-control-allow-origin'], origin);
      const pre = await preflight(custom.port, origin);
      assert.ok(pre.status === 204 || pre.status === 200, `preflight ${pre.status}`);
      assert.equal(pre.headers['access-control-allow-origin'], origin);
      assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
      const foreign = await raw(custom.port, {
        path: `/projects/get_all?token=${account.token}`,
        headers: { host: 'localhost', origin: 'http://evil.example' },
      });
      assert.notEqual(foreign.headers['access-control-allow-origin'], 'http://evil.example');
      assert.notEqual(foreign.headers['access-control-allow-origin'], '*');
      assert.notEqual((await preflight(custom.port, 'http://evil.example')).headers['access-control-allow-origin'], '*');
    } finally {
      await custom.close();
    }
  });
});

describe('tokens never reach the log', () => {
  test('not as ?token=, not as an Authorization header, not in login or logout bodies, at any log level', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-log-'));
    const logFile = path.join(dataDir, 'clickd.log');
    // The production logger (server.ts), at its most talkative, writing to a file as CLICKD_LOG_FILE does.
    const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir, logFile, logLevel: 'trace' }, {});
    const logger = createLogger(config);
    const running = await startServer(config, logger);
    try {
      const testServer = { ...running, dataDir, logFile };
      const account = await createAccount(testServer);
      const client = new Client(running.url);
      const { token, password } = account;
      await client.get('/projects/get_all', { token });
      await client.get('/projects/get_all', { TOKEN: token, page: 'x' });
      await client.get('/projects/get_all', { token: `${token}x` });
      await client.request('GET', '/projects/get_all', { headers: { authorization: `Bearer ${token}` } });
      await client.request('GET', '/projects/get_all', { headers: { authorization: `Bearer ${token}x` } });
      await client.get('/no/such/route', { token });
      await client.get('/projects/insert', { token });
      await client.post('/projects/insert', { name: 42 }, { token });
      await client.post('/authentication/login', { username: account.email, password, type: 16 });
      await client.post('/authentication/login', { username: account.email, password: `${password}!`, type: 16 });
      await client.request('POST', '/authentication/logout', {
        raw: `{"jwtToken":"${token}"`,
        headers: { 'content-type': 'application/json' },
      });
      await client.post('/authentication/logout', { jwtToken: token });
      await client.get('/authentication/user', { token });
      await raw(running.port, { path: `/management/agent_status?token=${token}`, headers: { host: 'evil.example' } });
    } finally {
      await running.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    }
    const log = fs.readFileSync(logFile, 'utf8');
    fs.rmSync(dataDir, { recursive: true, force: true });
    assert.ok(log.split('\n').length > 20, 'the requests were logged');
    assert.match(log, /\/projects\/get_all/);
    const token = /eyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(log);
    assert.equal(token, null, `a token was logged: ${token?.[0]}`);
    assert.ok(!log.includes('correct-horse-battery'), 'a password was logged');
  });
});

describe('response headers', () => {
  test('Cache-Control: no-store and Referrer-Policy: no-referrer on successes and errors alike', async () => {
    const anon = new Client(server.url);
    const responses = [
      await anon.get('/management/agent_status'),
      await owner.client.get('/projects/get_all'),
      await owner.client.post('/projects/insert', {}),
      await anon.get('/projects/get_all'),
      await anon.get('/no/such/route'),
      await anon.put('/projects/get_all'),
    ];
    for (const res of responses) {
      assert.equal(res.headers.get('cache-control'), 'no-store', `${res.status}`);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', `${res.status}`);
    }
    const rejected = await raw(server.port, { path: '/management/agent_status', headers: { host: 'evil.example' } });
    assert.equal(rejected.headers['cache-control'], 'no-store');
    assert.equal(rejected.headers['referrer-policy'], 'no-referrer');
  });
});

describe('request bodies', () => {
  test('a body over the limit is 499 DEFAULT, not 500 and not a hang', async () => {
    const big = JSON.stringify({ name: 'Big', description: 'x'.repeat(1024 * 1024 + 10) });
    const res = await owner.client.request('POST', '/projects/insert', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 499, 'DEFAULT', /too large/);
    // Without a Content-Length (chunked), the limit is enforced while reading.
    const chunked = await raw(server.port, {
      method: 'POST',
      path: `/projects/insert?token=${owner.token}`,
      headers: { host: 'localhost', 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: [Buffer.from('{"name":"Big","description":"'), Buffer.alloc(1024 * 1024 + 10, 'y'), Buffer.from('"}')],
    });
    expectRawError(chunked, 499, 'DEFAULT');
    assert.equal((await owner.client.get('/projects/get_all', { name: 'Big' })).body.total, 0);
    // The server still answers.
    assert.equal((await owner.client.get('/projects/get_all')).status, 200);
  });

  test('CLICKD_BODY_LIMIT sets the limit', async () => {
    assert.equal(loadConfig({}, { CLICKD_BODY_LIMIT: '2048' }).bodyLimitBytes, 2048);
    const small = await startTestServer({ bodyLimitBytes: 2048 });
    try {
      const account = await createAccount(small);
      expectError(await account.client.post('/projects/insert', { name: 'Fits', description: 'x'.repeat(1500) }), 499, 'DEFAULT');
      assert.equal((await account.client.post('/projects/insert', { name: 'Fits', description: 'x'.repeat(900) })).status, 200);
      expectError(
        await account.client.post('/projects/insert', { name: 'Too big', description: 'x'.repeat(3000) }),
        499,
        'DEFAULT',
        /too large/,
      );
    } finally {
      await small.close();
    }
  });

  test('a body that is not JSON is 499 DEFAULT', async () => {
    const text = await owner.client.request('POST', '/projects/insert', {
      raw: '{"name":"As Text"}',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 499, 'DEFAULT');
    assert.equal((await owner.client.get('/projects/get_all', { name: 'As Text' })).body.total, 0);
  });
});

describe('secrets at rest', () => {
  test('the signing key is kept from others: signing.key owner-only on SQLite, in the database on PostgreSQL', async () => {
    const file = path.join(server.dataDir, 'signing.key');
    if (testBackend === 'sqlite') {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    } else {
      assert.equal(fs.existsSync(file), false, 'no key file beside an instance that shares the database');
      const row = await server.ctx.store.db
        .selectFrom('clickd_settings')
        .select('value')
        .where('key', '=', 'signing_key')
        .executeTakeFirstOrThrow();
      assert.equal(Buffer.from(row.value, 'base64').length, 32);
    }
  });

  test('passwords are stored only as salted memory-hard hashes; tokens are not stored', async () => {
    const second = await createAccount(server, 'Same Password');
    await new Client(server.url).post('/authentication/forgot_password', { username: second.email });
    const rows = (await server.ctx.store.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', 'in', [owner.email.toLowerCase(), second.email.toLowerCase()])
      .execute()) as unknown as Record<string, unknown>[];
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(String(row.password_hash), /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      for (const value of Object.values(row))
        assert.ok(!String(value).includes(owner.password), 'plaintext password in a column');
    }
    assert.notEqual(rows[0]!.password_hash, rows[1]!.password_hash, 'the same password hashes differently (per-user salt)');
    // Nowhere in the database files (SQLite's), including the WAL: no password, no session token.
    for (const file of ['clickd.db', 'clickd.db-wal']) {
      const full = path.join(server.dataDir, file);
      if (!fs.existsSync(full)) continue;
      const bytes = fs.readFileSync(full);
      assert.equal(bytes.indexOf(owner.password), -1, `password in ${file}`);
      assert.equal(bytes.indexOf(owner.token), -1, `token in ${file}`);
      assert.equal(bytes.indexOf(owner.token.split('.')[2]!), -1, `token signature in ${file}`);
    }
  });
});

describe('routing', () => {
  test('an unknown route is 404 with the error body, with or without a token', async () => {
    expectError(await new Client(server.url).get('/no/such/route'), 404, 'NOT_FOUND');
    expectError(await owner.client.post('/projects/nope', {}), 404, 'NOT_FOUND');
  });

  test('a known route with the wrong method is 405 with an Allow header', async () => {
    const anon = new Client(server.url);
    const get = await anon.get('/projects/insert');
    expectError(get, 405, 'DEFAULT', /POST/);
    assert.equal(get.headers.get('allow'), 'POST');
    const del = await owner.client.delete('/projects/get_all');
    expectError(del, 405, 'DEFAULT');
    assert.equal(del.headers.get('allow'), 'GET');
    const mixed = await anon.get('/Projects/Insert');
    expectError(mixed, 405, 'DEFAULT');
    assert.equal(mixed.headers.get('allow'), 'POST');
    assert.equal((await anon.request('POST', '/management/agent_status')).status, 405);
  });

  test('routes match case-insensitively, with or without a trailing slash', async () => {
    for (const route of ['/Projects/Get_All', '/PROJECTS/GET_ALL', '/projects/get_all/', '/SharedCloudDrive/get_all']) {
      const res = await owner.client.get(route);
      assert.equal(res.status, 200, `${route}: ${res.text}`);
      assert.ok(Array.isArray(res.body.data));
    }
    const inserted = await owner.client.post('/Projects/Insert', { name: 'Mixed Case Route' });
    assert.equal(inserted.status, 200);
    assert.equal((await new Client(server.url).get('/Management/Agent_Status')).text, '1');
  });
});

describe('binding', () => {
  test('the default host is loopback', () => {
    assert.equal(loadConfig({}, {}).host, '127.0.0.1');
    assert.equal(server.ctx.config.host, '127.0.0.1');
  });
});
