import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CliRunner } from './cliRunner.js';
import { createUser, type TestUser } from './factories.js';
import {
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type Response,
  type TestAccount,
  type TestServer,
} from './helpers.js';

/**
 * Single reads with an ETag, and updates guarded by If-Match (DECISIONS.md section 9), on projects, drives,
 * user groups and users: a stale If-Match is HTTP 412 PRECONDITION and changes nothing, also when two
 * clients race to update the same version.
 */

let server: TestServer;
let owner: TestAccount;
let stranger: TestAccount;
let member: TestUser;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'ETag Owner');
  stranger = await createAccount(server, 'ETag Stranger');
  member = await createUser(server, owner.accountId, { userType: 32 });
});
after(() => server.close());

const ETAG = /^"[A-Za-z0-9_-]{27}"$/;

/** Each kind: how to create one, read one, and change one field of it. */
const kinds = {
  project: {
    insert: () => owner.client.post('/projects/insert', { name: `Project ${Math.random()}` }),
    get: '/projects/get',
    update: '/projects/update',
    change: (id: string, n: number) => ({ id, description: `version ${n}` }),
    field: 'description',
  },
  drive: {
    insert: () => owner.client.post('/sharedclouddrive/insert', { name: `Drive ${Math.random()}`.slice(0, 40) }),
    get: '/sharedclouddrive/get',
    update: '/sharedclouddrive/update',
    change: (id: string, n: number) => ({ id, prefix: `version ${n}` }),
    field: 'prefix',
  },
  group: {
    insert: () => owner.client.post('/usergroup/insert', { name: `Group ${Math.random()}` }),
    get: '/usergroup/get',
    update: '/usergroup/update',
    change: (id: string, n: number) => ({ id, description: `version ${n}` }),
    field: 'description',
  },
  user: {
    insert: () =>
      owner.client.post('/user/insert_user', {
        username: `etag-${Math.random()}@example.com`,
        email: `etag-${Math.random()}@example.com`,
        userType: 32,
      }),
    get: '/user/get',
    update: '/user/edit_user',
    change: (id: string, n: number) => ({ id, firstname: `version ${n}` }),
    field: 'firstname',
  },
};

function put(route: string, body: unknown, ifMatch?: string): Promise<Response> {
  return owner.client.request('PUT', route, { body, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
}

for (const [kind, k] of Object.entries(kinds)) {
  describe(`${kind}: ETag and If-Match`, () => {
    test('get, insert and update answer the record with its ETag, which changes with the record', async () => {
      const inserted = await k.insert();
      assert.equal(inserted.status, 200, inserted.text);
      const insertTag = inserted.headers.get('etag');
      assert.match(insertTag ?? '', ETAG);
      const read = await owner.client.get(k.get, { id: inserted.body.id });
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, inserted.body, 'get answers the record insert answered');
      assert.equal(read.headers.get('etag'), insertTag, 'the same record, the same ETag');

      const updated = await put(k.update, k.change(inserted.body.id, 1), insertTag!);
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body[k.field], 'version 1');
      const updateTag = updated.headers.get('etag');
      assert.match(updateTag ?? '', ETAG);
      assert.notEqual(updateTag, insertTag);
      assert.equal((await owner.client.get(k.get, { id: inserted.body.id })).headers.get('etag'), updateTag);
    });

    test('a stale If-Match is 412 PRECONDITION and changes nothing; *, a list holding the current tag, or no header go ahead', async () => {
      const { body: record, headers } = await k.insert();
      const first = headers.get('etag')!;
      assert.equal((await put(k.update, k.change(record.id, 1))).status, 200, 'without If-Match the last write wins');
      const before = await owner.client.get(k.get, { id: record.id });

      const stale = await put(k.update, k.change(record.id, 2), first);
      expectError(stale, 412, 'PRECONDITION', /changed since it was read/);
      const after = await owner.client.get(k.get, { id: record.id });
      assert.deepEqual(after.body, before.body, 'nothing changed');
      assert.equal(after.headers.get('etag'), before.headers.get('etag'));

      expectError(await put(k.update, k.change(record.id, 2), `W/${before.headers.get('etag')}`), 412, 'PRECONDITION');
      const listed = await put(k.update, k.change(record.id, 3), `${first}, ${before.headers.get('etag')}`);
      assert.equal(listed.status, 200, listed.text);
      // Unquoted (as a shell may leave it): taken as the quoted tag.
      const unquoted = await put(k.update, k.change(record.id, 4), listed.headers.get('etag')!.slice(1, -1));
      assert.equal(unquoted.status, 200, unquoted.text);
      const any = await put(k.update, k.change(record.id, 5), '*');
      assert.equal(any.status, 200, any.text);
      assert.equal(any.body[k.field], 'version 5');
    });

    test('two clients racing to update the same version: exactly one wins, the other gets 412', async () => {
      for (let round = 0; round < 5; round++) {
        const { body: record, headers } = await k.insert();
        const tag = headers.get('etag')!;
        const answers = await Promise.all([
          put(k.update, k.change(record.id, 10), tag),
          put(k.update, k.change(record.id, 20), tag),
        ]);
        const statuses = answers.map((a) => a.status).sort();
        assert.deepEqual(statuses, [200, 412], answers.map((a) => a.text).join('\n'));
        const winner = answers.find((a) => a.status === 200)!;
        expectError(
          answers.find((a) => a.status === 412)!,
          412,
          'PRECONDITION',
        );
        const now = await owner.client.get(k.get, { id: record.id });
        assert.equal(now.body[k.field], winner.body[k.field], "the winner's change stands");
        assert.equal(now.headers.get('etag'), winner.headers.get('etag'));
      }
    });

    test('unknown, foreign and malformed ids, and an empty If-Match, are refused', async () => {
      const { body: record } = await k.insert();
      expectError(await owner.client.get(k.get, { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
      expectError(await stranger.client.get(k.get, { id: record.id }), 499, 'NOT_FOUND');
      expectError(await owner.client.get(k.get, { id: 'not-a-uuid' }), 499, 'DEFAULT', /id/);
      expectError(await owner.client.get(k.get), 499, 'DEFAULT', /id/);
      expectError(await put(k.update, k.change(UNKNOWN_ID, 1), '*'), 499, 'NOT_FOUND');
      expectError(await put(k.update, k.change(record.id, 1), ' '), 499, 'DEFAULT', /If-Match/);
      expectError(await put(k.update, k.change(record.id, 1), 'x'.repeat(3000)), 499, 'DEFAULT', /If-Match/);
    });
  });
}

describe('who may read one record', () => {
  test('a member reads a project or drive they reach and nothing else; groups and users are for admins', async () => {
    const project = (await owner.client.post('/projects/insert', { name: 'Reached' })).body;
    const hidden = (await owner.client.post('/projects/insert', { name: 'Hidden' })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: 'Reached drive' })).body;
    await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]);
    await owner.client.post('/userspermission/users_project_permission', [
      { userId: member.userId, projectId: project.id, permissionType: 1 },
    ]);
    const read = await member.client.get('/projects/get', { id: project.id });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers.get('etag'), (await owner.client.get('/projects/get', { id: project.id })).headers.get('etag'));
    assert.equal((await member.client.get('/sharedclouddrive/get', { id: drive.id })).status, 200);
    expectError(await member.client.get('/projects/get', { id: hidden.id }), 499, 'NOT_FOUND');
    const group = (await owner.client.post('/usergroup/insert', { name: 'Members only' })).body;
    expectError(await member.client.get('/usergroup/get', { id: group.id }), 499, 'ACCESS');
    expectError(await member.client.get('/user/get', { id: member.userId }), 499, 'ACCESS');
    expectError(
      await member.client.request('PUT', '/projects/update', { body: { id: project.id }, headers: { 'if-match': '*' } }),
      499,
      'ACCESS',
    );
    // An inactive project grants nothing: not even a read of it.
    await owner.client.put('/projects/update', { id: project.id, active: false });
    expectError(await member.client.get('/projects/get', { id: project.id }), 499, 'NOT_FOUND');
  });
});

describe('the CLI: get --etag and update --if-match (running bin/clickd.js)', () => {
  test('a stale --if-match is PRECONDITION and changes nothing; the current one updates', async () => {
    const cli = new CliRunner();
    try {
      await cli.login(server.url, owner.email, owner.password);
      for (const [group, create, route] of [
        ['projects', ['projects', 'create', 'CLI tagged'], '/projects/get'],
        ['drives', ['drives', 'create', 'CLI tagged drive'], '/sharedclouddrive/get'],
      ] as const) {
        const created = JSON.parse(await cli.ok([...create, '--json']));
        const name = created.name as string;
        const etag = (await cli.ok([group, 'get', name, '--etag'])).trim();
        assert.equal(etag, (await owner.client.get(route, { id: created.id })).headers.get('etag'));
        const shown = await cli.ok([group, 'get', name]);
        assert.match(shown, new RegExp(`^Name: +${name}$`, 'm'));
        assert.match(shown, new RegExp(`^ETag: +${etag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
        assert.deepEqual(JSON.parse(await cli.ok([group, 'get', created.id, '--json'])), created);

        await cli.ok([group, 'update', name, '--inactive', '--if-match', etag]);
        const stale = await cli.run([group, 'update', name, '--active', '--if-match', etag]);
        assert.equal(stale.code, 1, stale.stderr);
        assert.match(stale.stderr, /^error: PRECONDITION: The record has changed since it was read/);
        assert.equal((await owner.client.get(route, { id: created.id })).body.active, false, 'nothing changed');
        const current = (await cli.ok([group, 'get', name, '--etag'])).trim();
        await cli.ok([group, 'update', name, '--active', '--if-match', current]);
        assert.equal((await owner.client.get(route, { id: created.id })).body.active, true);
      }
    } finally {
      cli.dispose();
    }
  });
});

describe('the OpenAPI document', () => {
  test('describes the single reads, the ETag header, If-Match and the 412; and the effective access routes', async () => {
    const doc = (await owner.client.get('/openapi.json')).body;
    for (const [get, update] of [
      ['/projects/get', '/projects/update'],
      ['/sharedclouddrive/get', '/sharedclouddrive/update'],
      ['/usergroup/get', '/usergroup/update'],
      ['/user/get', '/user/edit_user'],
    ]) {
      const read = doc.paths[get!]?.get;
      assert.ok(read, `${get} is documented`);
      assert.ok(
        read.parameters.some((p: any) => p.in === 'query' && p.name === 'id' && p.required),
        `${get} takes ?id=`,
      );
      assert.ok(read.responses['200'].headers?.etag, `${get}: 200 carries an ETag`);
      const put = doc.paths[update!].put;
      const ifMatch = put.parameters.find((p: any) => p.in === 'header' && p.name === 'if-match');
      assert.ok(ifMatch && !ifMatch.required, `${update} takes an optional If-Match header`);
      assert.match(ifMatch.description, /412 PRECONDITION/);
      assert.ok(put.responses['200'].headers?.etag, `${update}: 200 carries an ETag`);
      assert.equal(put.responses['412'].content['application/json'].schema.$ref, '#/components/schemas/ErrorBody');
      assert.match(put.responses['412'].description, /PRECONDITION/);
      assert.equal(read.responses['412'], undefined, 'reads answer no 412');
    }
    for (const insert of ['/projects/insert', '/sharedclouddrive/insert', '/usergroup/insert', '/user/insert_user']) {
      assert.ok(doc.paths[insert].post.responses['200'].headers?.etag, `${insert}: 200 carries an ETag`);
    }
    const drive = doc.paths['/sharedclouddrive/get_effective_access']?.get;
    assert.ok(drive, 'sharedclouddrive/get_effective_access is documented');
    assert.match(drive.description, /inactive project or user group grants nothing/);
    assert.equal(drive.responses['200'].content['application/json'].schema.type, 'array');
    const user = doc.paths['/user/get_effective_access']?.get;
    assert.ok(user?.parameters.some((p: any) => p.name === 'userId' && p.required));
    assert.match(user.description, /inactive project or user group grants nothing/);
    assert.ok(user.security.length > 0, 'it needs a token');
  });
});
