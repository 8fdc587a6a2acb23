import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { Client, createAccount, expectError, startTestServer, UNKNOWN_ID, type TestAccount, type TestServer } from './helpers.js';
import { redactUrl } from '../src/http/security.js';
import { createUser } from './factories.js';

/**
 * Issue 11: bad input, foreign requests and secrets in logs. Each defect found by the attack review has
 * its regression test here, through real HTTP (a raw socket where fetch cannot send the request).
 */

let server: TestServer;
let owner: TestAccount;
let doc: any;

before(async () => {
  server = await startTestServer({ corsOrigins: ['http://console.example:8080'] });
  owner = await createAccount(server, 'Hardening Owner');
  doc = (await new Client(server.url).get('/openapi.json')).body;
});
after(() => server.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: any;
}

/** Sends bytes as they are on a fresh connection and reads one answer (the server closes or we stop at the body). */
function rawRequest(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer in time')), 10_000);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let bodyText = rest.join('\r\n\r\n');
      if (headers['transfer-encoding'] === 'chunked') bodyText = dechunk(bodyText);
      let body: unknown;
      try {
        body = bodyText ? JSON.parse(bodyText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status, headers, text: bodyText, body });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (length && Buffer.byteLength(text.slice(end + 4)) >= Number(length[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(request);
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const i = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, i), 16);
    if (!size) return out;
    out += rest.slice(i + 2, i + 2 + size);
    rest = rest.slice(i + 2 + size + 2);
  }
}

function expectRawError(res: RawAnswer, status: number, code: string, pattern?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers['error-code'], code, res.text);
  assert.equal(res.body?.type, code, res.text);
  assert.equal(res.body?.status, status);
  assert.deepEqual(Object.keys(res.body.errors), [code]);
  if (pattern)
    assert.ok(
      res.body.errors[code].some((m: string) => pattern.test(m)),
      res.text,
    );
}

/** Every documented operation that takes `page`, with its other required query parameters filled in. */
function listOperations(): { path: string; query: Record<string, string> }[] {
  const found: { path: string; query: Record<string, string> }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
    const params: any[] = item.get?.parameters ?? [];
    if (!params.some((p) => p.in === 'query' && p.name === 'page')) continue;
    const query: Record<string, string> = {};
    for (const p of params) {
      if (p.in === 'query' && p.required) query[p.name] = p.schema?.format === 'uuid' ? UNKNOWN_ID : 'x';
    }
    found.push({ path, query });
  }
  return found;
}

describe('numeric extremes in paging parameters', () => {
  test('there are 21 list endpoints, and their Web twins (plus the Web apitoken/get_all, paged there)', () => {
    const click = listOperations().filter((o) => !o.path.startsWith('/api/'));
    assert.equal(click.length, 21, click.map((o) => o.path).join(', '));
    const web = listOperations().filter((o) => o.path.startsWith('/api/'));
    assert.equal(web.length, 22, web.map((o) => o.path).join(', '));
    assert.ok(web.some((o) => o.path === '/api/v1/apitoken/get_all'));
  });

  for (const value of [
    'Infinity',
    '-Infinity',
    'NaN',
    '1e309',
    '-0',
    '0',
    '1e20',
    '99999999999999999999999',
    '2147483648',
    '1.5',
  ]) {
    test(`page=${value} is a 499 naming 'page' on every list endpoint`, async () => {
      for (const { path, query } of listOperations()) {
        const res = await owner.client.get(path, { ...query, page: value });
        expectError(res, 499, 'DEFAULT', /'page'/);
        assert.ok(!res.text.includes('null'), `${path}: ${res.text}`);
      }
    });
  }

  test('pagesize=Infinity and a huge last page are refused or answered, never 500', async () => {
    for (const { path, query } of listOperations()) {
      expectError(await owner.client.get(path, { ...query, pagesize: 'Infinity' }), 499, 'DEFAULT', /'pagesize'/);
      const res = await owner.client.get(path, { ...query, page: 2147483647, pagesize: 1000 });
      assert.ok(res.status === 200 || res.status === 499, `${path}: ${res.status} ${res.text}`);
      if (res.status === 200 && !Array.isArray(res.body)) assert.equal(res.body.options.page, 2147483647);
    }
  });

  test('a JSON body with 1e309 (Infinity after parsing) is refused, not stored', async () => {
    const res = await owner.client.request('POST', '/authentication/login', {
      raw: '{"username":"a@example.com","password":"x","type":1e309}',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 499, 'DEFAULT', /'type'/);
  });
});

describe('hostile bodies fail fast and small', () => {
  const hugeArray = () => `[${new Array(349_000).fill('{}').join(',')}]`;

  test('a 1 MiB array of {} to users_project_permission: 499, small body, and other requests are not held up', async () => {
    const body = hugeArray();
    assert.ok(body.length > 1_000_000 && body.length <= 1024 * 1024, String(body.length));
    const attack = owner.client.request('POST', '/userspermission/users_project_permission', {
      raw: body,
      headers: { 'content-type': 'application/json' },
    });
    const status = owner.client.get('/management/agent_status');
    const [res, alive] = await Promise.all([attack, status]);
    expectError(res, 499, 'DEFAULT', /at most \d+ items/);
    assert.ok(res.text.length < 10_000, `error body of ${res.text.length} bytes`);
    assert.equal(alive.status, 200, alive.text);
  });

  test('the same body from a member is refused for access before it is parsed or validated', async () => {
    const member = await createUser(server, owner.accountId, { userType: 32 }); // Creative: not an admin
    const res = await member.client.request('POST', '/userspermission/users_project_permission', {
      raw: hugeArray(),
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 499, 'ACCESS');
    assert.ok(res.text.length < 1_000, `error body of ${res.text.length} bytes`);
  });

  test('a nested array over its limit is refused by its length, before its items are checked', async () => {
    const userGroups = new Array(5000).fill({ name: 5, id: 'x' });
    const res = await owner.client.post('/usergroup/import_users', [
      { user: { username: 'u', email: 'bad', userType: 1 }, userGroups },
    ]);
    expectError(res, 499, 'DEFAULT', /^'\[0\]\.userGroups' must have at most 1000 items\.$/);
    assert.equal(res.body.errors.DEFAULT.length, 1);
  });

  test('errors are capped: the first 10 problems, then a count of the rest', async () => {
    // Within maxItems, every item wrong: each yields several problems.
    const items = new Array(50).fill({ userId: 'not-a-uuid', projectId: 5 });
    const res = await owner.client.post('/userspermission/users_project_permission', items);
    expectError(res, 499, 'DEFAULT');
    const messages: string[] = res.body.errors.DEFAULT;
    assert.equal(messages.length, 11, res.text);
    assert.match(messages[10]!, /^\.\.\. and \d+ more problems\.$/);
    assert.ok(res.text.length < 10_000);
  });

  test('nesting deeper than 64 levels is refused with a message naming the limit', async () => {
    for (const body of [
      '['.repeat(100_000),
      `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`,
      `{"name":${'['.repeat(65)}${']'.repeat(65)}}`,
    ]) {
      const res = await owner.client.request('POST', '/projects/insert', {
        raw: body,
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 499, 'DEFAULT', /more than 64 levels/);
    }
    // Brackets inside strings do not count, and 64 levels are fine as far as nesting goes.
    const inString = await owner.client.post('/projects/insert', { name: `p${'['.repeat(80)}`, description: '{'.repeat(100) });
    assert.equal(inString.status, 200, inString.text);
    const deepOk = await owner.client.request('POST', '/projects/insert', {
      raw: `{"name":"deep ok","x":${'['.repeat(63)}${']'.repeat(63)}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(deepOk.status, 200, deepOk.text);
  });

  test('prototype poisoning is still refused by the JSON parser', async () => {
    const res = await owner.client.request('POST', '/projects/insert', {
      raw: '{"name":"p","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 499, 'DEFAULT', /not valid JSON/);
  });

  test('U+0000 in a string is a 499 naming the field, on both backends (PostgreSQL text cannot hold it)', async () => {
    const nul = String.fromCharCode(0);
    expectError(
      await owner.client.post('/projects/insert', { name: `bad${nul}name` }),
      499,
      'DEFAULT',
      /^'name' must not contain the NUL character/,
    );
    expectError(
      await owner.client.post('/projects/insert', { name: 'fine', description: `x${nul}` }),
      499,
      'DEFAULT',
      /^'description' must not contain the NUL/,
    );
    const created = await owner.client.post('/projects/insert', { name: 'Nul target' });
    assert.equal(created.status, 200, created.text);
    expectError(
      await owner.client.post('/projects/assign_sharedclouddrive', [
        { projectId: created.body.id, sharedCloudDriveId: `a${nul}` },
      ]),
      499,
      'DEFAULT',
      /^'\[0\]\.sharedCloudDriveId' must not contain the NUL/,
    );
    expectError(
      await owner.client.get('/projects/get_all', { name: `x${nul}` }),
      499,
      'DEFAULT',
      /^'name' must not contain the NUL/,
    );
    // An escaped backslash before "u0000" is plain text, not U+0000.
    const plain = await owner.client.post('/projects/insert', { name: 'back\\u0000slash' });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(plain.body.name, 'back\\u0000slash');
    // Nothing was stored by the refused calls.
    const list = await owner.client.get('/projects/get_all', { name: 'bad' });
    assert.equal(list.body.total, 0);
  });
});

describe('request targets and Host headers', () => {
  const body = JSON.stringify({ name: 'absolute-form' });
  const post = (target: string, hosts: string[]) =>
    [
      `POST ${target} HTTP/1.1`,
      ...hosts.map((h) => `Host: ${h}`),
      `Authorization: Bearer ${owner.token}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n');

  test('an absolute-form target with a foreign authority is refused, whatever the Host header says', async () => {
    const host = `127.0.0.1:${server.port}`;
    const res = await rawRequest(server.port, post('http://evil.example/projects/insert', [host]));
    expectRawError(res, 403, 'SECURITY', /evil\.example/);
    const withPort = await rawRequest(server.port, post(`http://evil.example:${server.port}/projects/insert`, [host]));
    expectRawError(withPort, 403, 'SECURITY');
    const userinfo = await rawRequest(server.port, post(`http://${host}@evil.example/projects/insert`, [host]));
    expectRawError(userinfo, 403, 'SECURITY');
    const list = await owner.client.get('/projects/get_all', { name: 'absolute-form' });
    assert.equal(list.body.total, 0, 'no project was created');
  });

  test('an absolute-form target naming this agent is served', async () => {
    const host = `127.0.0.1:${server.port}`;
    const res = await rawRequest(server.port, post(`http://${host}/projects/insert`, ['evil.example']));
    assert.equal(res.status, 200, res.text);
  });

  test('two Host headers are a 400 with the error body', async () => {
    const host = `127.0.0.1:${server.port}`;
    expectRawError(await rawRequest(server.port, post('/projects/insert', [host, host])), 400, 'SECURITY', /one Host/);
    expectRawError(await rawRequest(server.port, post('/projects/insert', [host, 'evil.example'])), 400, 'SECURITY');
  });
});

describe('token redaction', () => {
  test('redactUrl matches parameters by decoded name, any case of escapes', () => {
    const jwt = 'eyJhbGciOi.payload.sig';
    for (const name of [
      'token',
      'TOKEN',
      '%74oken',
      '%74%6F%6B%65%6E',
      '%74%6f%6b%65%6e',
      'jwtToken',
      'resetToken',
      'to%6Ben',
      'to%6ben',
      '%54OKEN',
    ]) {
      const url = `/projects/get_all?page=1&${name}=${jwt}&x=y`;
      const out = redactUrl(url);
      assert.ok(!out.includes(jwt), `${name}: ${out}`);
      assert.ok(out.includes('page=1') && out.includes('x=y'), out);
    }
    assert.equal(redactUrl('/a?tokens=1&mytoken=2'), '/a?tokens=1&mytoken=2');
    assert.equal(redactUrl('/a'), '/a');
  });

  test('?%74oken= authenticates but never reaches the log, nor does a Bearer header', async () => {
    const url = `${server.url}/projects/get_all?%74oken=${owner.token}`;
    assert.equal((await fetch(url)).status, 200);
    assert.equal((await fetch(`${server.url}/projects/get_all?%74%6F%6B%65%6E=${owner.token}&page=Infinity`)).status, 499);
    const bearer = await fetch(`${server.url}/projects/get_all?page=0`, { headers: { authorization: `Bearer ${owner.token}` } });
    assert.equal(bearer.status, 499);
    const log = fs.readFileSync(server.logFile, 'utf8');
    assert.ok(log.includes('%74%6F%6B%65%6E=[redacted]'), 'the refused request was logged, redacted');
    assert.ok(!log.includes(owner.token), 'the token is in the log');
  });
});

describe('WebSocket origins', () => {
  const connect = (origin: string | undefined, path = '/notification') =>
    new Promise<{ opened: boolean; status?: number; body?: any; headers?: Record<string, unknown> }>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${owner.token}` };
      if (origin !== undefined) headers.origin = origin;
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, { headers });
      socket.once('open', () => {
        socket.close();
        resolve({ opened: true });
      });
      socket.once('unexpected-response', (_req, res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({ opened: false, status: res.statusCode, body: text ? JSON.parse(text) : undefined, headers: res.headers });
        });
      });
      socket.once('error', reject);
    });

  test('a foreign Origin is refused with 403 and the error body, even with a valid token', async () => {
    for (const path of ['/notification', '/statechange']) {
      for (const origin of [
        'http://evil.example',
        'null',
        `http://evil.example:${server.port}`,
        `https://127.0.0.1:${server.port}`,
      ]) {
        const res = await connect(origin, path);
        assert.equal(res.opened, false, `${path} from ${origin}`);
        assert.equal(res.status, 403);
        assert.equal(res.headers?.['error-code'], 'SECURITY');
        assert.deepEqual(Object.keys(res.body.errors), ['SECURITY']);
      }
    }
  });

  test("the agent's own origins, the configured CORS origins and no Origin at all are allowed", async () => {
    for (const origin of [
      undefined,
      `http://127.0.0.1:${server.port}`,
      `http://localhost:${server.port}`,
      'http://console.example:8080',
    ]) {
      assert.deepEqual(await connect(origin), { opened: true }, String(origin));
    }
  });
});

describe('CORS preflight', () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/projects/insert`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  test('an allowed origin gets the CORS headers', async () => {
    const res = await preflight('http://console.example:8080');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://console.example:8080');
  });

  test('another origin gets a 403 with the error body and no CORS headers', async () => {
    const res = await preflight('http://evil.example');
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('error-code'), 'SECURITY');
    const body = (await res.json()) as any;
    assert.deepEqual(Object.keys(body.errors), ['SECURITY']);
  });
});

describe('secrets never reach a debug log', () => {
  test('a session of logins, API tokens, ?token=, %74oken=, Bearer and WebSockets leaves no token in the log', async () => {
    const logged = await startTestServer({ logLevel: 'debug' });
    try {
      const account = await createAccount(logged, 'Debug Log Owner');
      const issued: string[] = [account.token];
      const anonymous = new Client(logged.url);
      for (let i = 0; i < 3; i++) {
        const login = await anonymous.post('/authentication/login', {
          username: account.email,
          password: account.password,
          type: 16,
        });
        assert.equal(login.status, 200, login.text);
        issued.push(login.body.jwtToken);
      }
      for (let i = 0; i < 3; i++) {
        const created = await account.client.post('/apitoken/insert', { title: `debug log ${i}` });
        assert.equal(created.status, 200, created.text);
        assert.equal(typeof created.body.token, 'string');
        issued.push(created.body.token);
      }
      for (const token of issued) {
        const forms = [
          `${logged.url}/projects/get_all?token=${token}`,
          `${logged.url}/projects/get_all?%74oken=${token}`,
          `${logged.url}/projects/get_all?%74%6F%6B%65%6E=${encodeURIComponent(token)}&page=0`,
          `${logged.url}/projects/get_all?TOKEN=${token}`,
          `${logged.url}/projects/get_all?page=1&jwtToken=${token}`,
        ];
        for (const url of forms) await (await fetch(url)).text();
        await (await fetch(`${logged.url}/projects/get_all`, { headers: { authorization: `Bearer ${token}` } })).text();
        await (await fetch(`${logged.url}/projects/get_all?page=0`, { headers: { authorization: `bearer ${token}` } })).text();
        for (const url of [`/notification?token=${token}`, `/notification?%74oken=${token}`, '/statechange']) {
          await new Promise<void>((resolve) => {
            const socket = new WebSocket(`${logged.url.replace(/^http/, 'ws')}${url}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            socket.once('open', () => socket.close());
            socket.once('close', () => resolve());
            socket.once('error', () => resolve());
          });
        }
      }
      await anonymous.post('/authentication/logout', undefined, { token: issued[1] });
      const log = fs.readFileSync(logged.logFile, 'utf8');
      assert.ok(log.split('\n').length > 100, 'requests were logged at debug level');
      assert.ok(log.includes('[redacted]'));
      for (const token of issued) {
        assert.ok(!log.includes(token), 'a token is in the log');
        // Nor any telling part of it (a JWT's signature, an API token's random part).
        assert.ok(!log.includes(token.slice(-20)), 'the end of a token is in the log');
      }
    } finally {
      await logged.close();
    }
  });
});
