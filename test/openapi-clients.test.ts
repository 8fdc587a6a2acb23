import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import WebSocket from 'ws';
import { Client, createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

/**
 * Issue 12 item 4: an OpenAPI document that generators love. Spectral's spectral:oas ruleset finds
 * nothing; openapi-typescript generates types from it and a small openapi-fetch client compiles under
 * `tsc --strict` and runs against the agent; the document's types match what the agent answers.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'test-output', `typed-client-${process.pid}`);
const BIN = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const METHODS = ['get', 'put', 'post', 'delete'];

let server: TestServer;
let owner: TestAccount;
let doc: any;

function run(file: string, args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

function operations(): [string, string, any][] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, o]): [string, string, any] => [m, p, o]),
  );
}

const param = (method: string, p: string, name: string) =>
  doc.paths[p][method].parameters.find((x: { name: string }) => x.name === name);

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Typed Owner');
  doc = (await new Client(server.url).get('/openapi.json')).body;
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'openapi.json'), JSON.stringify(doc));
});
after(async () => {
  await server.close();
  fs.rmSync(OUT, { recursive: true, force: true });
});

describe('Spectral', () => {
  test('spectral:oas finds no error and no warning (the repository ruleset)', async () => {
    const lint = await run(BIN('spectral'), [
      'lint',
      path.join(OUT, 'openapi.json'),
      '-r',
      path.join(ROOT, '.spectral.yaml'),
      '-f',
      'json',
      '-q',
    ]);
    const results = JSON.parse(lint.stdout || '[]') as { code: string; path: string[] }[];
    assert.deepEqual(
      results.map((r) => `${r.code} ${r.path.join('/')}`),
      [],
    );
    assert.equal(lint.code, 0, lint.stderr);
  });

  test('the only exception of the ruleset: a WebSocket upgrade succeeds with 101, not 2xx', async () => {
    const plain = path.join(OUT, 'plain.spectral.yaml');
    fs.writeFileSync(plain, "extends: ['spectral:oas']\n");
    const lint = await run(BIN('spectral'), ['lint', path.join(OUT, 'openapi.json'), '-r', plain, '-f', 'json', '-q']);
    const results = JSON.parse(lint.stdout || '[]') as { code: string; path: string[] }[];
    assert.deepEqual(results.map((r) => `${r.code} ${r.path.join('/')}`).sort(), [
      'operation-success-response paths//notification/get/responses',
      'operation-success-response paths//statechange/get/responses',
    ]);
  });
});

describe('the document, as generators read it', () => {
  test('tags with descriptions, servers, contact, license; every operation has a summary and a description', () => {
    const declared = new Map((doc.tags as { name: string; description: string }[]).map((t) => [t.name, t.description]));
    for (const [method, p, operation] of operations()) {
      for (const tag of operation.tags ?? []) assert.ok(declared.get(tag), `${method} ${p}: tag ${tag} is declared`);
      assert.ok(operation.summary, `${method} ${p}: summary`);
      assert.ok(operation.description, `${method} ${p}: description`);
      assert.notEqual(operation.description, operation.summary, `${method} ${p}: says more than the summary`);
    }
    assert.equal(doc.servers[0].url, 'http://localhost:29123');
    assert.ok(doc.info.contact.url);
    assert.equal(doc.info.license.identifier, 'MIT');
    assert.match(op('post', '/projects/insert').description, /Account admins only/);
    assert.match(op('delete', '/projects/delete').description, /200 with no body/);
  });

  test('the query booleans are booleans, and the agent still takes true/false in any case and 1/0', async () => {
    for (const [method, p, name] of [
      ['get', '/projects/get_all', 'descending'],
      ['get', '/projects/get_all', 'deleted'],
      ['get', '/sharedclouddrive/get_all', 'descending'],
      ['get', '/user/get_all_users', 'descending'],
    ] as const) {
      const schema = param(method, p, name).schema;
      assert.equal(schema.type, 'boolean', `${p} ${name}`);
      assert.equal(schema.pattern, undefined);
    }
    for (const name of ['B Project', 'A Project']) await owner.client.post('/projects/insert', { name });
    for (const [value, first] of [
      ['true', 'B Project'],
      ['TRUE', 'B Project'],
      ['1', 'B Project'],
      ['false', 'A Project'],
      ['0', 'A Project'],
    ]) {
      const res = await owner.client.get('/projects/get_all', { descending: value });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data[0].name, first, `descending=${value}`);
    }
    assert.equal((await owner.client.get('/projects/get_all', { descending: 'yes' })).status, 499);
  });

  test('sortfield lists its allowed values per list; matching stays case-insensitive', async () => {
    assert.deepEqual(param('get', '/projects/get_all', 'sortfield').schema.enum.slice(0, 2), ['Name', 'Description']);
    const assigned = param('get', '/projects/get_assigned_sharedclouddrives', 'sortfield').schema;
    assert.ok(assigned.enum.includes('SharedCloudDrive.Name') && assigned.enum.includes('Project.Name'));
    assert.ok(assigned.enum.includes(assigned.default));
    for (const [method, p, o] of operations()) {
      const sortfield = (o.parameters ?? []).find((x: { name: string }) => x.name === 'sortfield');
      if (!sortfield) continue;
      assert.ok(Array.isArray(sortfield.schema.enum) && sortfield.schema.enum.length > 0, `${method} ${p}`);
      assert.ok(sortfield.schema.enum.includes(sortfield.schema.default), `${method} ${p}: the default is allowed`);
    }
    const lower = await owner.client.get('/projects/get_all', { sortfield: 'name' });
    assert.equal(lower.status, 200, lower.text);
    assert.equal(lower.body.options.sort[0].field, 'Name');
  });

  test('the drive’s cloudAccount is a nullable object, and a real drive matches the documented schema', async () => {
    const drive = doc.components.schemas.SharedCloudDrive;
    const types = drive.properties.cloudAccount.anyOf.map((s: { type: string }) => s.type).sort();
    assert.deepEqual(types, ['null', 'object']);
    const created = await owner.client.post('/sharedclouddrive/insert', { name: 'Typed Drive' });
    assert.equal(created.status, 200, created.text);
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('uuid', /^[0-9a-f-]{36}$/i).addFormat('date-time', /^\d{4}-/);
    const validate = ajv.compile({ ...drive, $id: undefined });
    assert.equal(validate(created.body), true, JSON.stringify(validate.errors));
  });

  test('the right error responses: 401 for login and protected routes (with a 401 example), 429 where rate-limited, 403 for a foreign Host', async () => {
    const login = op('post', '/authentication/login');
    const example = login.responses['401'].content['application/json'].example;
    assert.equal(example.status, 401);
    const wrong = await new Client(server.url).post('/authentication/login', { username: owner.email, password: 'nope-nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.status, example.status);
    assert.equal(op('get', '/projects/get_all').responses['401'].content['application/json'].example.status, 401);
    const limited = operations()
      .filter(([, , o]) => o.responses['429'])
      .map(([, p]) => p)
      .sort();
    assert.deepEqual(limited, [
      // The Web twins (test/web-routes.test.ts), and the Web handshake's request_token.
      '/api/authentication/confirm_signup',
      '/api/authentication/forgot_password',
      '/api/authentication/login',
      '/api/authentication/mfa_respond',
      '/api/authentication/request_token',
      '/api/authentication/resend_confirmation_email',
      '/api/v1/user/set_mfa',
      '/authentication/confirm_signup',
      '/authentication/forgot_password',
      '/authentication/login',
      '/authentication/mfa_respond',
      '/authentication/resend_confirmation_email',
      '/user/set_mfa',
    ]);
    // And the agent does answer 429 there, with retry-after (CLICKD_LOGIN_RATE_MAX is 10 by default).
    let last: Awaited<ReturnType<Client['post']>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await new Client(server.url).post('/authentication/login', { username: 'limited@example.com', password: 'x' });
    }
    assert.equal(last!.status, 429);
    assert.ok(last!.headers.get('retry-after'));
    assert.equal(op('post', '/projects/insert').responses['429'], undefined, 'no 429 where there is no limit');
    for (const [method, p, o] of operations()) assert.ok(o.responses['403'], `${method} ${p}: 403`);
  });

  test('the WebSocket routes are upgrades: 101, 400 for a plain GET, 401 without a token', async () => {
    for (const p of ['/notification', '/statechange']) {
      const operation = op('get', p);
      assert.ok(operation.responses['101']);
      assert.equal(operation.responses['200'], undefined);
      assert.ok(operation.responses['400'] && operation.responses['401']);
      assert.match(operation.description, /WebSocket upgrade/);
      assert.equal((await new Client(server.url).get(p)).status, 400);
    }
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/notification`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(refused, 401);
    const opened = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/notification?token=${owner.token}`);
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('unexpected-response', () => resolve(false));
    });
    assert.equal(opened, true);
  });
});

function op(method: string, p: string): any {
  const found = doc.paths[p]?.[method];
  assert.ok(found, `${method} ${p} is documented`);
  return found;
}

describe('a typed client', () => {
  test('openapi-typescript generates types; an openapi-fetch client compiles under tsc --strict and runs', async () => {
    const generated = await run(BIN('openapi-typescript'), [path.join(OUT, 'openapi.json'), '-o', path.join(OUT, 'api.d.ts')]);
    assert.equal(generated.code, 0, generated.stderr);
    const types = fs.readFileSync(path.join(OUT, 'api.d.ts'), 'utf8');
    assert.match(types, /descending\?: boolean/);
    assert.match(types, /cloudAccount: \{\s*\[key: string\]: unknown;\s*\} \| null/);
    assert.match(types, /sortfield\?: "Name" \| "Description"/);

    fs.writeFileSync(
      path.join(OUT, 'client.ts'),
      `import createClient from 'openapi-fetch';
import type { paths, components } from './api.js';

type Drive = components['schemas']['SharedCloudDrive'];

export async function main(baseUrl: string, token: string): Promise<string[]> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } });
  const inserted = await client.POST('/projects/insert', { body: { name: 'Typed Project', active: true } });
  if (!inserted.data) throw new Error('insert failed: ' + JSON.stringify(inserted.error));
  const id: string = inserted.data.id;
  const drive = await client.POST('/sharedclouddrive/insert', { body: { name: 'Typed Client Drive' } });
  const created: Drive | undefined = drive.data;
  const cloudAccount: { [key: string]: unknown } | null = created ? created.cloudAccount : null;
  const list = await client.GET('/projects/get_all', {
    params: { query: { sortfield: 'Name', descending: true, deleted: false, pagesize: 100 } },
  });
  const names: string[] = (list.data?.data ?? []).map((p) => p.name);
  const removed = await client.DELETE('/projects/delete', { params: { query: { id } } });
  return [String(removed.response.status), String(cloudAccount), ...names];
}

const [baseUrl, token] = process.argv.slice(2);
if (baseUrl && token) console.log(JSON.stringify(await main(baseUrl, token)));
`,
    );
    fs.writeFileSync(
      path.join(OUT, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          outDir: 'dist',
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        },
        files: ['client.ts', 'api.d.ts'],
      }),
    );
    fs.writeFileSync(path.join(OUT, 'package.json'), JSON.stringify({ type: 'module' }));
    const compiled = await run(BIN('tsc'), ['-p', path.join(OUT, 'tsconfig.json')]);
    assert.equal(compiled.code, 0, `tsc --strict: ${compiled.stdout}${compiled.stderr}`);

    const ran = await run(process.execPath, [path.join(OUT, 'dist', 'client.js'), server.url, owner.token]);
    assert.equal(ran.code, 0, ran.stderr);
    const [status, cloudAccount, ...names] = JSON.parse(ran.stdout) as string[];
    assert.equal(status, '200');
    assert.equal(cloudAccount, 'null');
    assert.ok(names.includes('Typed Project'), names.join());
    assert.deepEqual(names, [...names].sort().reverse(), 'descending: true was sent as a boolean and honoured');

    // A misuse the types catch: a sortfield the list does not know.
    fs.writeFileSync(
      path.join(OUT, 'client.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './api.js';
const client = createClient<paths>({ baseUrl: 'http://localhost:29123' });
await client.GET('/projects/get_all', { params: { query: { sortfield: 'Colour' } } });
`,
    );
    const refused = await run(BIN('tsc'), ['-p', path.join(OUT, 'tsconfig.json'), '--noEmit']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout, /"Colour"/);
  });
});
