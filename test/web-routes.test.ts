import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { sha256 } from '../src/domain/secrets.js';
import { createUser, type TestUser } from './factories.js';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  type Query,
  type Response,
  type TestAccount,
  type TestServer,
} from './helpers.js';

/**
 * Issue 10 item 3: the Web API's route shape beside the Click one (DECISIONS.md section 8): the same
 * controllers under /api/v1/<resource>/ and the deprecated /api/<resource>/, the token as a Bearer header
 * only, and Web authentication at /api/authentication/ with the request-token handshake.
 */

let server: TestServer;
let owner: TestAccount;
let member: TestUser;
let anonymous: Client;

before(async () => {
  // Room for this file's sign-ins; the limit itself is tested on a server of its own below.
  server = await startTestServer({ loginRateMax: 100 });
  anonymous = new Client(server.url);
  owner = await createAccount(server, 'Web Owner');
  member = await createUser(server, owner.accountId, { userType: 32 }); // Creative: signed in, not an admin
});
after(() => server?.close());

/** A client of the Web routes: the token in an Authorization: Bearer header, never in the URL. */
function bearer(token: string | undefined) {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const request = (method: string, route: string, options: { query?: Query; body?: unknown } = {}) =>
    anonymous.request(method, route, { ...options, headers });
  return {
    request,
    get: (route: string, query?: Query) => request('GET', route, { query }),
    post: (route: string, body?: unknown, query?: Query) => request('POST', route, { body, query }),
    put: (route: string, body?: unknown, query?: Query) => request('PUT', route, { body, query }),
    delete: (route: string, query?: Query) => request('DELETE', route, { query }),
  };
}

const ok = (res: Response, what: string) => {
  assert.equal(res.status, 200, `${what}: ${res.text}`);
  return res;
};

/** The Click controller prefix of each Web resource (DECISIONS.md section 8). */
const WEB_RESOURCES: Record<string, string> = {
  project: '/projects',
  permission: '/userspermission',
  sharedclouddrive: '/sharedclouddrive',
  user: '/user',
  usergroup: '/usergroup',
  apitoken: '/apitoken',
  accountlog: '/accountlog',
  accountlogsetting: '/accountlogsetting',
};

/** The registered route table (HEAD routes are Fastify's copies of the GET ones). */
const routes = () => server.app.routeCatalog.filter((r) => r.method !== 'HEAD');

describe('the route table', () => {
  test('every Click route of the eight resources is served under /api/v1/<resource>/ and /api/<resource>/, and nothing more', async () => {
    const all = new Set(routes().map((r) => `${r.method} ${r.url}`));
    const expected = new Set<string>();
    for (const [resource, prefix] of Object.entries(WEB_RESOURCES)) {
      const click = [...all].filter((r) => r.split(' ')[1]!.startsWith(`${prefix}/`));
      assert.ok(click.length >= 1, `${prefix}: ${click.length} routes`);
      for (const route of click) {
        const [method, url] = route.split(' ') as [string, string];
        expected.add(`${method} /api/v1/${resource}${url.slice(prefix.length)}`);
      }
    }
    // Web authentication: the Click actions, plus the handshake.
    for (const route of [...all].filter((r) => r.split(' ')[1]!.startsWith('/authentication/'))) {
      const [method, url] = route.split(' ') as [string, string];
      expected.add(`${method} /api${url}`);
    }
    expected.add('POST /api/authentication/request_token');
    const web = [...all].filter((r) => r.split(' ')[1]!.startsWith('/api/')).sort();
    assert.deepEqual(web, [...expected].sort());
    assert.ok(web.length > 60, `${web.length} Web routes`);
    // The deprecated alias /api/<resource>/<action> is the versioned route itself (a URL rewrite): every one
    // answers, with the versioned route's answer (no token: its 401, or a public route's own answer).
    for (const route of web.filter((r) => r.includes(' /api/v1/'))) {
      const [method, url] = route.split(' ') as [string, string];
      const alias = url.replace('/api/v1/', '/api/');
      const [viaAlias, viaVersioned] = await Promise.all(
        [alias, url].map((u) =>
          fetch(`${server.url}${u}`, {
            method,
            headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
            body: method === 'GET' ? undefined : '{}',
          }),
        ),
      );
      assert.notEqual(viaAlias!.status, 404, `${method} ${alias}`);
      assert.equal(viaAlias!.status, viaVersioned!.status, `${method} ${alias}`);
      assert.equal(await viaAlias!.text(), await viaVersioned!.text(), `${method} ${alias}`);
    }
    // The handshake exists on the Web only; management and the WebSockets are Click only.
    assert.ok(!all.has('POST /authentication/request_token'));
    assert.ok(![...all].some((r) => /\/api\/(v1\/)?management\//.test(r)));
    assert.equal((await fetch(`${server.url}/api/management/agent_status`)).status, 404);
  });

  test('each Web route declares the same access as its Click twin', () => {
    const accessOf = new Map(routes().map((r) => [`${r.method} ${r.url}`, r.config.access]));
    for (const r of routes().filter((x) => x.url.startsWith('/api/') && !x.url.endsWith('/request_token'))) {
      const [, , second, ...rest] = r.url.split('/');
      const resource = second === 'v1' ? rest.shift()! : second!;
      const prefix = resource === 'authentication' ? '/authentication' : WEB_RESOURCES[resource]!;
      const twin = `${r.method} ${prefix}/${rest.join('/')}`;
      assert.equal(r.config.access, accessOf.get(twin), `${r.method} ${r.url} against ${twin}`);
    }
  });
});

describe('every Web resource answers like its Click twin', () => {
  test('project: insert on the Web, then the same lists, details and single record on both shapes', async () => {
    const web = bearer(owner.token);
    const inserted = ok(await web.post('/api/v1/project/insert', { name: 'Web Project', description: 'from the Web' }), 'insert');
    assert.equal(inserted.body.name, 'Web Project');
    const id = inserted.body.id as string;
    const updated = ok(
      await web.put('/api/v1/project/update', { id, name: 'Web Project 2', description: 'changed', active: true }),
      'update',
    );
    assert.equal(updated.body.name, 'Web Project 2');
    for (const action of ['get_all', 'get_all_with_details']) {
      const query = { page: 1, pagesize: 10, sortfield: 'Name' };
      const click = ok(await owner.client.get(`/projects/${action}`, query), action);
      const viaWeb = ok(await web.get(`/api/v1/project/${action}`, query), action);
      assert.deepEqual(viaWeb.body, click.body, action);
      assert.equal(viaWeb.text, click.text, action);
      assert.ok(click.body.data.some((p: { id: string }) => p.id === id));
    }
    ok(await web.delete('/api/v1/project/delete', { id }), 'delete');
    const deleted = ok(await web.get('/api/v1/project/get_all', { deleted: true }), 'deleted list');
    assert.deepEqual(deleted.body, (await owner.client.get('/projects/get_all', { deleted: true })).body);
    assert.ok(deleted.body.data.some((p: { id: string }) => p.id === id));
    ok(await web.post('/api/v1/project/restore', undefined, { id }), 'restore');
    // Errors too answer alike: a duplicate name, an unknown id.
    ok(await owner.client.post('/projects/insert', { name: 'Taken Name' }), 'insert');
    const clickDuplicate = await owner.client.post('/projects/insert', { name: 'taken name' });
    const webDuplicate = await web.post('/api/v1/project/insert', { name: 'taken name' });
    expectError(webDuplicate, 499, 'DUPLICATE');
    assert.deepEqual(webDuplicate.body, clickDuplicate.body);
    expectError(await web.delete('/api/v1/project/delete', { id: '00000000-0000-4000-8000-000000000000' }), 499, 'NOT_FOUND');
  });

  test('sharedclouddrive and permission: the same drives, grants and effective access on both shapes', async () => {
    const web = bearer(owner.token);
    const drive = ok(await web.post('/api/v1/sharedclouddrive/insert', { name: 'Web Drive', storageName: 'bucket' }), 'drive');
    const project = ok(await owner.client.post('/projects/insert', { name: 'Granted Project' }), 'project');
    ok(
      await web.post('/api/v1/project/assign_sharedclouddrive', [
        { projectId: project.body.id, sharedCloudDriveId: drive.body.id },
      ]),
      'assign',
    );
    ok(
      await web.post('/api/v1/permission/users_project_permission', [
        { userId: member.userId, projectId: project.body.id, permissionType: 1 },
      ]),
      'grant',
    );
    ok(
      await web.post('/api/v1/permission/users_sharedclouddrive_permision', [
        { userId: member.userId, sharedCloudDriveId: drive.body.id, permissionType: 2 },
      ]),
      'grant drive',
    );
    const pairs: [string, string, Query][] = [
      ['/sharedclouddrive/get_all', '/api/v1/sharedclouddrive/get_all', {}],
      ['/sharedclouddrive/get_all_with_details', '/api/v1/sharedclouddrive/get_all_with_details', {}],
      [
        '/userspermission/get_users_assigned_to_project',
        '/api/v1/permission/get_users_assigned_to_project',
        { projectId: project.body.id },
      ],
      [
        '/userspermission/get_sharedclouddrive_assigned_to_user',
        '/api/v1/permission/get_sharedclouddrive_assigned_to_user',
        { userId: member.userId },
      ],
      [
        '/projects/get_assigned_sharedclouddrives',
        '/api/v1/project/get_assigned_sharedclouddrives',
        { projectId: project.body.id },
      ],
    ];
    for (const [click, webRoute, query] of pairs) {
      const a = ok(await owner.client.get(click, query), click);
      const b = ok(await web.get(webRoute, query), webRoute);
      assert.deepEqual(b.body, a.body, webRoute);
      assert.ok(b.body.total >= 1, webRoute);
    }
    // get_shared_cloud_drive, the Web's own list (a plain array), for the member who reaches the drive two ways.
    const mine = ok(await bearer(member.token).get('/api/v1/sharedclouddrive/get_shared_cloud_drive'), 'effective');
    assert.ok(Array.isArray(mine.body));
    assert.deepEqual(mine.body, (await member.client.get('/sharedclouddrive/get_shared_cloud_drive')).body);
    const item = mine.body.find((d: { sharedCloudDrive: { id: string } }) => d.sharedCloudDrive.id === drive.body.id);
    assert.equal(item.permissionType, 2);
    assert.deepEqual(item.paths.map((p: { via: string }) => p.via).sort(), ['direct', 'project']);
  });

  test('user and usergroup: the same lists, and a group made on the Web is the Click one', async () => {
    const web = bearer(owner.token);
    const group = ok(await web.post('/api/v1/usergroup/insert', { name: 'Web Group' }), 'group');
    ok(await web.post('/api/v1/usergroup/assign_users', [{ userId: member.userId, userGroupId: group.body.id }]), 'assign');
    for (const [click, webRoute, query] of [
      ['/usergroup/get_all', '/api/v1/usergroup/get_all', {}],
      ['/usergroup/get_assigned_users', '/api/v1/usergroup/get_assigned_users', { userGroupId: group.body.id }],
      ['/user/get_all_users', '/api/v1/user/get_all_users', {}],
      ['/user/get_all_users_with_details', '/api/v1/user/get_all_users_with_details', {}],
    ] as [string, string, Query][]) {
      const a = ok(await owner.client.get(click, query), click);
      const b = ok(await web.get(webRoute, query), webRoute);
      assert.deepEqual(b.body, a.body, webRoute);
    }
  });

  test('apitoken: insert and delete alike; the Web get_all is paged (CreateDate, newest first) and still a plain array', async () => {
    const account = await createAccount(server, 'Token Owner');
    const web = bearer(account.token);
    const created: { id: string; title: string; token: string }[] = [];
    for (const title of ['charlie', 'alpha', 'bravo']) {
      const res = ok(await web.post('/api/v1/apitoken/insert', { title }), 'insert');
      assert.equal(typeof res.body.token, 'string');
      created.push(res.body);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct createDate
    }
    // The Click list: every token, newest first; the Web default page is the same (50 per page).
    const click = ok(await account.client.get('/apitoken/get_all'), 'click list');
    assert.deepEqual(
      click.body.map((t: { title: string }) => t.title),
      ['bravo', 'alpha', 'charlie'],
    );
    assert.deepEqual(ok(await web.get('/api/v1/apitoken/get_all'), 'web list').body, click.body);
    const page = ok(await web.get('/api/v1/apitoken/get_all', { page: 2, pagesize: 1 }), 'page 2');
    assert.deepEqual(page.body, [click.body[1]]);
    const byTitle = ok(await web.get('/api/v1/apitoken/get_all', { sortfield: 'title', descending: false }), 'by title');
    assert.deepEqual(
      byTitle.body.map((t: { title: string }) => t.title),
      ['alpha', 'bravo', 'charlie'],
    );
    assert.deepEqual(ok(await web.get('/api/v1/apitoken/get_all', { page: 9 }), 'past the end').body, []);
    expectError(await web.get('/api/v1/apitoken/get_all', { sortfield: 'Token' }), 499, 'DEFAULT', /sortfield/);
    expectError(await web.get('/api/v1/apitoken/get_all', { pagesize: 0 }), 499, 'DEFAULT', /pagesize/);
    // An API token works as a Bearer token on the Web routes, and deleting it there ends it everywhere.
    const apiToken = created[0]!.token;
    ok(await bearer(apiToken).get('/api/v1/project/get_all'), 'with the API token');
    ok(await web.delete('/api/v1/apitoken/delete', { id: created[0]!.id }), 'delete');
    expectError(await bearer(apiToken).get('/api/v1/project/get_all'), 401, 'SESSION');
    expectError(await new Client(server.url, apiToken).get('/projects/get_all'), 401, 'SESSION');
  });

  test('the deprecated /api/<resource>/ alias answers exactly like /api/v1/, case-insensitively', async () => {
    const web = bearer(owner.token);
    for (const [v1, alias] of [
      ['/api/v1/project/get_all', '/api/project/get_all'],
      ['/api/v1/usergroup/get_all', '/api/usergroup/get_all'],
      ['/api/v1/permission/get_projects_assigned_to_user', '/API/Permission/GET_PROJECTS_ASSIGNED_TO_USER'],
      ['/api/v1/apitoken/get_all', '/api/apitoken/get_all'],
    ] as [string, string][]) {
      const query = v1.includes('permission') ? { userId: member.userId } : {};
      const a = ok(await web.get(v1, query), v1);
      const b = ok(await web.get(alias, query), alias);
      assert.deepEqual(b.body, a.body, alias);
    }
    const inserted = ok(await web.post('/api/sharedclouddrive/insert', { name: 'Alias Drive' }), 'alias insert');
    assert.equal(inserted.body.name, 'Alias Drive');
    expectError(await bearer(undefined).get('/api/project/get_all'), 401, 'AUTH');
    expectError(await web.get('/api/project/get_all', { token: owner.token }), 401, 'AUTH', /Bearer/);
    // A wrong method and an unknown action: 405 and 404, as on Click.
    const wrong = await web.request('PATCH', '/api/v1/project/get_all');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    expectError(await web.get('/api/v1/project/get_nothing'), 404, 'NOT_FOUND');
    expectError(await web.get('/api/v1/management/agent_status'), 404, 'NOT_FOUND');
  });
});

describe('the token: a Bearer header only on the Web routes', () => {
  test('?token= on a Web route is 401 AUTH, alone or beside a valid Bearer header; the Click routes still take it', async () => {
    const alone = await anonymous.get('/api/v1/project/get_all', { token: owner.token });
    expectError(alone, 401, 'AUTH', /only in an Authorization: Bearer header/);
    const beside = await bearer(owner.token).get('/api/v1/project/get_all', { token: owner.token });
    expectError(beside, 401, 'AUTH', /Bearer/);
    expectError(await anonymous.post('/api/v1/project/insert', { name: 'x' }, { token: owner.token }), 401, 'AUTH');
    expectError(await anonymous.get('/api/v1/apitoken/get_all', { token: owner.token }), 401, 'AUTH');
    expectError(await anonymous.get('/api/authentication/user', { token: owner.token }), 401, 'AUTH');
    const none = await anonymous.get('/api/v1/project/get_all');
    expectError(none, 401, 'AUTH', /Authorization: Bearer/);
    expectError(await bearer('not-a-token').get('/api/v1/project/get_all'), 401, 'AUTH');
    // The same token as a Bearer header works, and on Click ?token= still does.
    ok(await bearer(owner.token).get('/api/v1/project/get_all'), 'bearer');
    ok(await owner.client.get('/projects/get_all'), 'click ?token=');
    ok(await bearer(owner.token).get('/api/authentication/user'), 'web profile');
    assert.equal((await bearer(owner.token).get('/api/authentication/user')).body.jwtToken, owner.token);
  });

  test('a public Web route keeps its own token parameter (the invitation of user/signupinfo)', async () => {
    const res = await anonymous.get('/api/v1/user/signupinfo', { token: 'no-such-invitation' });
    expectError(res, 499, 'TOKEN');
  });

  test('a member is refused with 499 ACCESS on every admin route under the Web prefixes; the owner gets past', async () => {
    const admin = routes().filter((r) => r.config.access === 'admin' && r.url.startsWith('/api/'));
    assert.ok(admin.length >= 35, `${admin.length} Web admin routes`);
    const asMember = bearer(member.token);
    const asOwner = bearer(owner.token);
    for (const route of admin) {
      const url = route.url.replace('*', 'x');
      expectError(await asMember.request(route.method, url), 499, 'ACCESS', /Only an account admin may do this\./);
      // The deprecated alias is the same route.
      const alias = url.replace('/api/v1/', '/api/');
      expectError(await asMember.request(route.method, alias), 499, 'ACCESS', /Only an account admin may do this\./);
      const byOwner = await asOwner.request(route.method, url);
      assert.notEqual(byOwner.headers.get('error-code'), 'ACCESS', `${route.method} ${url} as the owner: ${byOwner.text}`);
      assert.notEqual(byOwner.status, 401, `${route.method} ${url} as the owner`);
    }
    // And every protected Web route wants a session, as its Click twin does.
    for (const route of routes().filter((r) => r.config.access !== 'public' && r.url.startsWith('/api/'))) {
      expectError(await bearer(undefined).request(route.method, route.url), 401, 'AUTH');
    }
  });
});

/** The authenticator app's side of MFA, from the secret the server handed out. */
const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

/** The reset token of the latest reset mail to `to`. */
function lastResetToken(to: string): string {
  const dir = path.join(server.dataDir, 'outbox');
  const mails = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .filter((text) => text.includes(`To: ${to}\r\n`) && text.includes('reset'));
  const match = /\r?\n([A-Za-z0-9_-]{43})\r?\n/.exec(mails.at(-1) ?? '');
  assert.ok(match, `no reset token for ${to} in the outbox`);
  return match[1]!;
}

async function requestToken(client = anonymous): Promise<string> {
  const res = ok(await client.post('/api/authentication/request_token'), 'request_token');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(typeof res.body, 'string');
  return res.body as string;
}

describe('Web authentication: the request-token handshake', () => {
  test('request_token answers a JSON string, stored hashed in the database, valid 60 seconds', async () => {
    const before = Date.now();
    const token = await requestToken();
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    assert.notEqual(await requestToken(), token, 'a new token each time');
    const row = await server.ctx.store.db
      .selectFrom('request_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    assert.equal(row.used_at, null);
    const ttl = Date.parse(row.expires_at) - before;
    assert.ok(ttl >= 59_000 && ttl <= 61_000, `lifetime ${ttl} ms`);
    const stored = await server.ctx.store.db.selectFrom('request_tokens').select('token_hash').execute();
    assert.ok(!stored.some((r) => r.token_hash === token), 'never the value itself');
    // No Click twin: the Click API has no handshake.
    expectError(await anonymous.post('/authentication/request_token'), 404, 'NOT_FOUND');
  });

  test('login, then the Web routes with the session as a Bearer token, then logout: each with a fresh request token', async () => {
    const body = { username: owner.email, password: owner.password, type: 16 };
    const login = ok(await anonymous.post('/api/authentication/login', { ...body, requestToken: await requestToken() }), 'login');
    assert.deepEqual(Object.keys(login.body).sort(), ['challenge', 'jwtToken', 'session']);
    assert.equal(login.body.challenge, 0);
    const jwt = login.body.jwtToken as string;
    ok(await bearer(jwt).get('/api/v1/project/get_all'), 'signed in');
    const logout = await anonymous.post('/api/authentication/logout', { jwtToken: jwt, requestToken: await requestToken() });
    assert.equal(logout.status, 200, logout.text);
    assert.equal(logout.text, '');
    expectError(await bearer(jwt).get('/api/v1/project/get_all'), 401, 'SESSION');
    // The Click login still needs no request token.
    ok(await anonymous.post('/authentication/login', body), 'click login');
  });

  test('a used request token is 499 TOKEN, on the same route and on another', async () => {
    const body = { username: owner.email, password: owner.password, type: 16 };
    const token = await requestToken();
    ok(await anonymous.post('/api/authentication/login', { ...body, requestToken: token }), 'first use');
    expectError(
      await anonymous.post('/api/authentication/login', { ...body, requestToken: token }),
      499,
      'TOKEN',
      /request_token/,
    );
    expectError(
      await anonymous.post('/api/authentication/forgot_password', { username: owner.email, requestToken: token }),
      499,
      'TOKEN',
    );
    const row = await server.ctx.store.db
      .selectFrom('request_tokens')
      .select('used_at')
      .where('token_hash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    assert.notEqual(row.used_at, null);
  });

  test('racing one request token: exactly one of ten logins gets through', async () => {
    const body = { username: owner.email, password: owner.password, type: 16, requestToken: await requestToken() };
    const answers = await Promise.all(Array.from({ length: 10 }, () => anonymous.post('/api/authentication/login', body)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array<number>(9).fill(499)]);
    for (const refused of answers.filter((a) => a.status === 499)) expectError(refused, 499, 'TOKEN');
  });

  test('a missing request token, or one of the wrong type, is 499 DEFAULT naming it; an unknown one 499 TOKEN', async () => {
    const body = { username: owner.email, password: owner.password, type: 16 };
    for (const action of ['login', 'logout', 'forgot_password', 'reset_password', 'mfa_respond']) {
      const res = await anonymous.post(`/api/authentication/${action}`, { username: owner.email, password: 'x', jwtToken: 'x' });
      expectError(res, 499, 'DEFAULT', /requestToken/);
    }
    expectError(
      await anonymous.post('/api/authentication/login', { ...body, requestToken: 12345 }),
      499,
      'DEFAULT',
      /requestToken/,
    );
    expectError(await anonymous.post('/api/authentication/login', { ...body, requestToken: '' }), 499, 'DEFAULT', /requestToken/);
    expectError(await anonymous.post('/api/authentication/login', { ...body, requestToken: 'never-issued' }), 499, 'TOKEN');
    // Another kind of token is not a request token: a session token, a reset token.
    expectError(await anonymous.post('/api/authentication/login', { ...body, requestToken: owner.token }), 499, 'TOKEN');
    ok(await anonymous.post('/authentication/forgot_password', { username: owner.email }), 'forgot');
    const resetToken = lastResetToken(owner.email);
    expectError(await anonymous.post('/api/authentication/login', { ...body, requestToken: resetToken }), 499, 'TOKEN');
  });

  test('a failed call gives its request token back: wrong password (401), then the right one with the same token', async () => {
    const token = await requestToken();
    const wrong = await anonymous.post('/api/authentication/login', {
      username: owner.email,
      password: 'not-the-password',
      type: 16,
      requestToken: token,
    });
    expectError(wrong, 401, 'AUTH');
    const right = await anonymous.post('/api/authentication/login', {
      username: owner.email,
      password: owner.password,
      type: 16,
      requestToken: token,
    });
    assert.equal(right.status, 200, right.text);
    expectError(
      await anonymous.post('/api/authentication/login', { username: owner.email, password: owner.password, requestToken: token }),
      499,
      'TOKEN',
    );
  });

  test('forgot_password and reset_password with the handshake; the reset token then signs nothing else in', async () => {
    const account = await createAccount(server, 'Reset Owner');
    const forgot = await anonymous.post('/api/authentication/forgot_password', {
      username: account.email,
      requestToken: await requestToken(),
    });
    assert.equal(forgot.status, 200, forgot.text);
    // Whether or not the user exists: the same answer.
    const ghost = await anonymous.post('/api/authentication/forgot_password', {
      username: 'nobody@example.com',
      requestToken: await requestToken(),
    });
    assert.equal(ghost.status, 200, ghost.text);
    const resetToken = lastResetToken(account.email);
    const reset = await anonymous.post('/api/authentication/reset_password', {
      requestToken: await requestToken(),
      resetToken,
      password: 'a-brand-new-password',
    });
    assert.equal(reset.status, 200, reset.text);
    expectError(await bearer(account.token).get('/api/v1/project/get_all'), 401, 'SESSION');
    const login = await anonymous.post('/api/authentication/login', {
      username: account.email,
      password: 'a-brand-new-password',
      type: 16,
      requestToken: await requestToken(),
    });
    assert.equal(login.status, 200, login.text);
    // The reset token was used; the request token of this failed call stays good.
    const again = await requestToken();
    expectError(
      await anonymous.post('/api/authentication/reset_password', { requestToken: again, resetToken, password: 'x-another-one' }),
      499,
      'TOKEN',
      /reset token/,
    );
    ok(await anonymous.post('/api/authentication/forgot_password', { username: account.email, requestToken: again }), 'reused');
  });

  test('mfa_respond needs its own fresh request token after login', async () => {
    const account = await createAccount(server, 'Web Mfa Owner');
    const secret = (await account.client.post('/user/generate_mfa_token')).body as string;
    ok(
      await bearer(account.token).post('/api/v1/user/set_mfa', { enabled: true, userCode: totpOf(secret).generate() }),
      'set_mfa',
    );
    const loginToken = await requestToken();
    const challenged = ok(
      await anonymous.post('/api/authentication/login', {
        username: account.email,
        password: account.password,
        type: 16,
        requestToken: loginToken,
      }),
      'login',
    );
    assert.equal(challenged.body.challenge, 1);
    assert.equal(challenged.body.jwtToken, '');
    const session = challenged.body.session as string;
    const userCode = totpOf(secret).generate({ timestamp: Date.now() + 30_000 });
    // The login's request token was consumed by the login.
    expectError(
      await anonymous.post('/api/authentication/mfa_respond', { userCode, session, requestToken: loginToken }),
      499,
      'TOKEN',
    );
    const answered = ok(
      await anonymous.post('/api/authentication/mfa_respond', { userCode, session, requestToken: await requestToken() }),
      'mfa_respond',
    );
    assert.equal(answered.body.challenge, 0);
    ok(await bearer(answered.body.jwtToken).get('/api/v1/project/get_all'), 'signed in with MFA');
  });
});

describe('the handshake on a server of its own', () => {
  test('an expired request token is 499 TOKEN (the lifetime comes from the configuration: 60 s by default)', async () => {
    const quick = await startTestServer({ requestTokenTtlMs: 300 });
    try {
      const account = await createAccount(quick, 'Expiry Owner');
      const client = new Client(quick.url);
      const token = (await client.post('/api/authentication/request_token')).body as string;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const body = { username: account.email, password: account.password, type: 16, requestToken: token };
      expectError(await client.post('/api/authentication/login', body), 499, 'TOKEN', /expired/);
      const fresh = (await client.post('/api/authentication/request_token')).body as string;
      const login = await client.post('/api/authentication/login', { ...body, requestToken: fresh });
      assert.equal(login.status, 200, login.text);
      // Issuing drops the rows that expired: the table does not grow with old tokens.
      const rows = await quick.ctx.store.db.selectFrom('request_tokens').select('token_hash').execute();
      assert.ok(!rows.some((r) => r.token_hash === sha256(token)), 'the expired token is gone');
    } finally {
      await quick.close();
    }
  });

  test('the login rate limit holds on the Web login as on Click: 429 SECURITY after CLICKD_LOGIN_RATE_MAX attempts', async () => {
    const limited = await startTestServer({ loginRateMax: 3 });
    try {
      const account = await createAccount(limited, 'Limited Owner');
      const client = new Client(limited.url);
      // A failed call gives its request token back, so one token serves every attempt. A name nobody signed
      // in with (createAccount's own sign-in counts too where the count is shared, on PostgreSQL).
      const token = (await client.post('/api/authentication/request_token')).body as string;
      const attempt = () =>
        client.post('/api/authentication/login', {
          username: 'web-limited@example.com',
          password: 'wrong',
          type: 16,
          requestToken: token,
        });
      for (let i = 0; i < 3; i++) expectError(await attempt(), 401, 'AUTH');
      const refused = await attempt();
      expectError(refused, 429, 'SECURITY');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      // The refused attempt did not use the token up either; another name is not held back.
      const row = await limited.ctx.store.db
        .selectFrom('request_tokens')
        .select('used_at')
        .where('token_hash', '=', sha256(token))
        .executeTakeFirstOrThrow();
      assert.equal(row.used_at, null);
      const click = await client.post('/authentication/login', { username: account.email, password: account.password, type: 16 });
      assert.equal(click.status, 200, click.text);
    } finally {
      await limited.close();
    }
  });
});

describe('the OpenAPI document', () => {
  test('lists the Web routes tagged as such, Bearer only, without ?token=; the deprecated alias is not listed again', async () => {
    const doc = (await anonymous.get('/openapi.json')).body;
    const list = doc.paths['/api/v1/project/get_all']?.get;
    assert.ok(list, '/api/v1/project/get_all is documented');
    assert.deepEqual(list.tags, ['Web API: Projects']);
    assert.deepEqual(list.security, [{ bearer: [] }]);
    assert.equal(list.operationId, 'api_v1_project_get_all');
    assert.ok(!list.parameters.some((p: { name: string }) => p.name === 'token'));
    assert.match(list.description, /Bearer/);
    assert.deepEqual(doc.paths['/projects/get_all'].get.tags, ['Projects']);
    assert.deepEqual(doc.paths['/projects/get_all'].get.security, [{ token: [] }, { bearer: [] }]);
    assert.equal(doc.paths['/api/project/get_all'], undefined);
    for (const tag of ['Web API: Projects', 'Web API: UsersPermission', 'Web API: Authentication']) {
      assert.ok(
        doc.tags.some((t: { name: string }) => t.name === tag),
        tag,
      );
    }
    const login = doc.paths['/api/authentication/login'].post;
    assert.ok(login.requestBody.content['application/json'].schema.required.includes('requestToken'));
    assert.ok(login.responses['401']);
    assert.ok(!doc.paths['/authentication/login'].post.requestBody.content['application/json'].schema.properties.requestToken);
    assert.ok(doc.paths['/api/authentication/request_token'].post);
    assert.ok(doc.paths['/api/v1/permission/users_sharedclouddrive_permision'].post);
    const webApiTokens = doc.paths['/api/v1/apitoken/get_all'].get;
    assert.deepEqual(webApiTokens.parameters.map((p: { name: string }) => p.name).sort(), [
      'descending',
      'page',
      'pagesize',
      'sortfield',
    ]);
    assert.equal(webApiTokens.responses['200'].content['application/json'].schema.type, 'array');
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((item) => Object.values(item).map((o) => o.operationId))
      .filter((id) => id !== undefined);
    assert.ok(ids.length > 140, `${ids.length} operations`);
    assert.equal(new Set(ids).size, ids.length);
  });
});
