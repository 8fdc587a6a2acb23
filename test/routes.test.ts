import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { installAuth } from '../src/http/auth.js';
import { ACCESS_LEVELS } from '../src/http/types.js';
import { createUser, type TestUser } from './factories.js';
import { createAccount, expectError, startTestServer, type TestAccount, type TestServer } from './helpers.js';

/**
 * Issue 9 items 3 and 5: every route declares who may call it, and one hook enforces it; controllers are
 * mounted under their Click prefixes from one table, with the URLs the API has always had; no import cycles.
 */

const CLICK_PREFIXES = /^\/(projects|sharedclouddrive|user|usergroup|userspermission|apitoken|authentication|management)\//;

let server: TestServer;
let owner: TestAccount;
let member: TestUser;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Routes Owner');
  member = await createUser(server, owner.accountId, { userType: 32 }); // Creative: signed in, not an admin
});
after(async () => server?.close());

/** The registered route table (HEAD routes are Fastify's copies of the GET ones). */
const routes = () => server.app.routeCatalog.filter((r) => r.method !== 'HEAD');

/** The request a client would send with nothing in it: no query but the token, no body. */
const bare = (client: { request: TestUser['client']['request'] }, method: string, url: string) =>
  client.request(method, url.replace('*', 'x'));

describe('access declared per route', () => {
  test('every registered route declares public, member, self or admin', () => {
    assert.ok(routes().length >= 85, `${routes().length} routes`);
    for (const route of routes()) {
      assert.ok(
        ACCESS_LEVELS.includes(route.config.access as never),
        `${route.method} ${route.url}: access ${String(route.config.access)}`,
      );
    }
    const count = (access: string) => routes().filter((r) => r.config.access === access).length;
    for (const access of ACCESS_LEVELS) assert.ok(count(access) > 0, `some route is ${access}`);
  });

  test('a member is refused with 499 ACCESS on every admin route, before the body or query is validated', async () => {
    const admin = routes().filter((r) => r.config.access === 'admin');
    assert.ok(admin.length >= 35, `${admin.length} admin routes`);
    // Every admin write of the Click controllers is among them.
    for (const prefix of ['/projects/', '/sharedclouddrive/', '/user/', '/usergroup/', '/userspermission/']) {
      assert.ok(
        admin.some((r) => r.url.startsWith(prefix) && r.method !== 'GET'),
        `admin writes under ${prefix}`,
      );
    }
    for (const route of admin) {
      const res = await bare(member.client, route.method, route.url);
      expectError(res, 499, 'ACCESS', /Only an account admin may do this\./);
      // The same empty request from an admin gets past the access check (to validation, or further).
      const asOwner = await bare(owner.client, route.method, route.url);
      assert.notEqual(asOwner.headers.get('error-code'), 'ACCESS', `${route.method} ${route.url} as the owner: ${asOwner.text}`);
    }
  });

  test('the only writes a non-admin may call are the public ones and those on their own things', () => {
    const writes = routes().filter((r) => r.method !== 'GET' && r.config.access !== 'admin' && CLICK_PREFIXES.test(r.url));
    const described = writes.map((r) => `${r.config.access} ${r.method} ${r.url}`).sort();
    assert.deepEqual(described, [
      'public POST /authentication/confirm_signup',
      'public POST /authentication/forgot_password',
      'public POST /authentication/login',
      'public POST /authentication/logout',
      'public POST /authentication/mfa_respond',
      'public POST /authentication/resend_confirmation_email',
      'public POST /authentication/reset_password',
      'public POST /authentication/signup',
      'public POST /user/signup',
      'self DELETE /apitoken/delete',
      'self POST /apitoken/insert',
      'self POST /user/generate_mfa_token',
      'self POST /user/set_mfa',
      'self PUT /authentication/update_user',
    ]);
  });

  test('member and self routes take any session; every route but the public ones needs one', async () => {
    for (const route of routes().filter((r) => r.config.access !== 'public' && CLICK_PREFIXES.test(r.url))) {
      const anonymous = await bare(owner.client.withToken(undefined), route.method, route.url);
      expectError(anonymous, 401, 'AUTH');
      if (route.config.access === 'admin') continue;
      const asMember = await bare(member.client, route.method, route.url);
      assert.notEqual(asMember.headers.get('error-code'), 'ACCESS', `${route.method} ${route.url} as a member: ${asMember.text}`);
      assert.notEqual(asMember.status, 401, `${route.method} ${route.url} as a member`);
    }
  });

  test('a route registered without a declaration fails at registration', async () => {
    const app = Fastify();
    installAuth(app, server.ctx);
    await assert.rejects(
      (async () => {
        app.post('/projects/undeclared', async () => 'ok');
        await app.ready();
      })(),
      /POST \/projects\/undeclared declares no access: give it config: \{ access: 'public' \| 'member' \| 'self' \| 'admin' \}/,
    );
    await app.close();
    const declared = Fastify();
    installAuth(declared, server.ctx);
    declared.post('/projects/declared', { config: { access: 'admin' } }, async () => 'ok');
    await declared.ready();
    await declared.close();
  });
});

describe('controllers under their Click prefixes', () => {
  test('the Click routes are exactly the ones the API has always answered', () => {
    const expected = fs
      .readFileSync(path.join(import.meta.dirname, 'fixtures', 'click-routes.txt'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const actual = [...new Set(routes().map((r) => `${r.method} ${r.url}`))]
      .filter((r) => CLICK_PREFIXES.test(r.split(' ')[1]!))
      .sort();
    assert.deepEqual(actual, expected);
  });

  test('prefixed routes still match case-insensitively, answer 405 for a wrong method and are documented under their full URL', async () => {
    const upper = await owner.client.get('/Projects/GET_ALL', { page: 1, pagesize: 1 });
    assert.equal(upper.status, 200, upper.text);
    const wrongMethod = await owner.client.request('PATCH', '/projects/get_all');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET');
    const unknown = await owner.client.get('/projects/get_nothing');
    expectError(unknown, 404, 'NOT_FOUND');
    const doc = (await owner.client.get('/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    assert.equal(doc.paths['/projects/get_all']?.get?.operationId, 'projects_get_all');
    assert.equal(doc.paths['/get_all'], undefined);
  });
});

describe('imports', () => {
  const cycles = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(import.meta.dirname, '..', 'scripts', 'cycles.js'), ...args], { encoding: 'utf8' });

  test('no import cycle among the modules of src/, type-only imports included, and layers point one way', () => {
    const run = cycles();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'no import cycles in src/, and no import from a lower layer to a higher one\n');
  });

  test('the cycle finder sees type-only imports and re-exports', () => {
    const dir = fs.mkdtempSync(path.join(server.dataDir, 'cycle-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c.js';\nexport type B = string;\nexport const b = c;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "export { type A } from './a.js';\nexport const c = 1;\n");
    fs.writeFileSync(path.join(dir, 'd.ts'), "import { c } from './c.js';\nexport const d = c;\n");
    const run = cycles(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^import cycle among 3 modules:\n {2}\S+a\.ts\n {2}\S+b\.ts\n {2}\S+c\.ts\n$/);
  });

  test('the layer check sees a domain module importing a type from http/', () => {
    const dir = fs.mkdtempSync(path.join(server.dataDir, 'layers-'));
    for (const folder of ['store', 'http', 'domain']) fs.mkdirSync(path.join(dir, folder));
    fs.writeFileSync(path.join(dir, 'errors.ts'), 'export class ApiError extends Error {}\n');
    fs.writeFileSync(path.join(dir, 'http', 'types.ts'), "import { ApiError } from '../errors.js';\nexport type E = ApiError;\n");
    fs.writeFileSync(path.join(dir, 'domain', 'rules.ts'), "import type { E } from '../http/types.js';\nexport type R = E;\n");
    fs.writeFileSync(path.join(dir, 'store', 'db.ts'), "import { ApiError } from '../errors.js';\nexport const e = ApiError;\n");
    const run = cycles(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^import from a lower layer to a higher one: \S+domain\/rules\.ts → \S+http\/types\.ts\n$/);
  });
});
