import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../domain/passwords.js';
import { UserStatus, UserType } from '../../store/users.js';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type Response,
  type TestAccount,
  type TestServer,
} from '../../../test/helpers.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Drive Owner');
  other = await createAccount(server, 'Other Owner');
});
after(() => server.close());

const insert = (client: Client, body: unknown) => client.post('/sharedclouddrive/insert', body);
async function drive(client: Client, name: string, extra: object = {}) {
  const res = await insert(client, { name, ...extra });
  assert.equal(res.status, 200, res.text);
  return res.body as { id: string; name: string } & Record<string, unknown>;
}
const project = async (client: Client, name: string) => {
  const res = await client.post('/projects/insert', { name });
  assert.equal(res.status, 200, res.text);
  return res.body as { id: string; name: string };
};

const DRIVE_KEYS = [
  'accountId',
  'active',
  'allowDelete',
  'cloudAccount',
  'cloudAccountId',
  'cloudObjectsEncrypted',
  'createDate',
  'creatorUserId',
  'deleted',
  'driveType',
  'id',
  'localCacheEncrypted',
  'name',
  'objectsPerFolder',
  'prefix',
  'prefixId',
  'storageId',
  'storageName',
  'syncType',
  'updateDate',
];

/** Another account's id must answer exactly like an unknown one: same status, same error code. */
function sameAnswer(foreign: Response, unknown: Response): void {
  assert.equal(foreign.status, unknown.status, `${foreign.text} vs ${unknown.text}`);
  assert.equal(foreign.headers.get('error-code'), unknown.headers.get('error-code'));
  assert.equal(foreign.body?.type, unknown.body?.type);
  assert.equal(foreign.status, 499);
  assert.equal(foreign.body.type, 'NOT_FOUND');
}

describe('insert', () => {
  test('a name alone gives every documented field with its default', async () => {
    const res = await insert(owner.client, { name: 'Defaults Drive' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), DRIVE_KEYS);
    const { id, createDate, updateDate, ...rest } = res.body;
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(Date.parse(createDate) > 0);
    assert.equal(updateDate, createDate);
    assert.deepEqual(rest, {
      accountId: owner.accountId,
      creatorUserId: owner.userId,
      cloudAccountId: null,
      name: 'Defaults Drive',
      prefix: '',
      prefixId: '',
      storageId: '',
      storageName: '',
      objectsPerFolder: 10000,
      allowDelete: false,
      localCacheEncrypted: false,
      cloudObjectsEncrypted: false,
      driveType: 1,
      syncType: 1,
      active: true,
      deleted: false,
      cloudAccount: null,
    });
  });

  test('every documented field is stored as given (the Click example body)', async () => {
    const cloudAccountId = randomUUID();
    const body = {
      name: 'Team Drive',
      cloudAccountId,
      storageName: 'acme-bucket',
      prefix: 'team/',
      prefixId: 'prefix-1',
      storageId: 'storage-1',
      objectsPerFolder: 500,
      allowDelete: true,
      localCacheEncrypted: true,
      cloudObjectsEncrypted: true,
      driveType: 2,
      syncType: 2,
      active: false,
    };
    const res = await insert(owner.client, body);
    assert.equal(res.status, 200, res.text);
    for (const [key, value] of Object.entries(body)) assert.deepEqual(res.body[key], value, key);
    const listed = await owner.client.get('/sharedclouddrive/get_all', { name: 'Team Drive' });
    assert.deepEqual(listed.body.data[0], res.body);
  });

  test('accountId, creatorUserId and deleted in the body are ignored; the name is trimmed', async () => {
    const res = await insert(owner.client, {
      name: '  Spaced Drive  ',
      accountId: other.accountId,
      creatorUserId: other.userId,
      deleted: true,
      id: UNKNOWN_ID,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.name, res.body.accountId, res.body.creatorUserId, res.body.deleted],
      ['Spaced Drive', owner.accountId, owner.userId, false],
    );
    assert.notEqual(res.body.id, UNKNOWN_ID);
  });

  test('enums are 1 or 2; other values and wrong types are 499 DEFAULT naming the field', async () => {
    expectError(await insert(owner.client, { name: 'Enum1', driveType: 3 }), 499, 'DEFAULT', /'driveType' must be one of 1, 2/);
    expectError(await insert(owner.client, { name: 'Enum2', syncType: 0 }), 499, 'DEFAULT', /'syncType' must be one of 1, 2/);
    expectError(await insert(owner.client, { name: 'Enum3', driveType: '1' }), 499, 'DEFAULT', /'driveType'/);
    expectError(await insert(owner.client, { name: 'Enum4', driveType: 1.5 }), 499, 'DEFAULT', /'driveType'/);
    expectError(await insert(owner.client, { name: 'Enum5', objectsPerFolder: 0 }), 499, 'DEFAULT', /'objectsPerFolder'/);
    expectError(await insert(owner.client, { name: 'Enum6', objectsPerFolder: 'many' }), 499, 'DEFAULT', /'objectsPerFolder'/);
    expectError(await insert(owner.client, { name: 'Enum7', allowDelete: 'yes' }), 499, 'DEFAULT', /'allowDelete'/);
    expectError(await insert(owner.client, { name: 'Enum8', cloudAccountId: 'nope' }), 499, 'DEFAULT', /'cloudAccountId'/);
    expectError(await insert(owner.client, { name: 'Enum9', storageName: 7 }), 499, 'DEFAULT', /'storageName'/);
    const two = await insert(owner.client, { name: 'Enum10', driveType: 9, syncType: 9 });
    expectError(two, 499, 'DEFAULT');
    assert.equal(two.body.errors.DEFAULT.length, 2);
    assert.equal((await owner.client.get('/sharedclouddrive/get_all', { name: 'Enum' })).body.total, 0, 'nothing was created');
  });

  test('the name is required, 1 to 50 characters, not blank', async () => {
    expectError(await insert(owner.client, {}), 499, 'DEFAULT', /'name' is required/);
    expectError(await insert(owner.client, { name: '' }), 499, 'DEFAULT', /'name'/);
    expectError(await insert(owner.client, { name: '   ' }), 499, 'DEFAULT', /'name' must not be blank/);
    expectError(await insert(owner.client, { name: 'x'.repeat(51) }), 499, 'DEFAULT', /'name' must be at most 50/);
    expectError(await insert(owner.client, { name: null }), 499, 'DEFAULT', /'name'/);
    assert.equal((await insert(owner.client, { name: 'y'.repeat(50) })).status, 200);
  });

  test('names are unique in the account, case-insensitively; another account may use the same name', async () => {
    await drive(owner.client, 'Unique Drive');
    expectError(await insert(owner.client, { name: 'UNIQUE drive' }), 499, 'DUPLICATE');
    expectError(await insert(owner.client, { name: ' unique drive ' }), 499, 'DUPLICATE');
    assert.equal((await insert(other.client, { name: 'Unique Drive' })).status, 200);
  });

  test('malformed JSON and no token', async () => {
    const raw = await owner.client.request('POST', '/sharedclouddrive/insert', {
      raw: '{"name": "x"',
      headers: { 'content-type': 'application/json' },
    });
    expectError(raw, 499, 'DEFAULT', /not valid JSON/);
    expectError(await insert(new Client(server.url), { name: 'Anon' }), 401, 'AUTH');
    expectError(await new Client(server.url).get('/sharedclouddrive/get_all'), 401, 'AUTH');
  });
});

describe('update', () => {
  test('replaces the fields given and keeps the others', async () => {
    const created = await drive(owner.client, 'Update Me', {
      storageName: 'bucket-a',
      prefix: 'a/',
      allowDelete: true,
      driveType: 2,
      objectsPerFolder: 42,
    });
    const res = await owner.client.put('/sharedclouddrive/update', { id: created.id, prefix: 'b/', syncType: 2 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      [res.body.name, res.body.storageName, res.body.prefix, res.body.allowDelete, res.body.driveType, res.body.syncType],
      ['Update Me', 'bucket-a', 'b/', true, 2, 2],
    );
    assert.equal(res.body.objectsPerFolder, 42);
    assert.equal(res.body.createDate, created.createDate);
    assert.ok(res.body.updateDate >= (created.updateDate as string));

    const renamed = await owner.client.put('/sharedclouddrive/update', {
      id: created.id,
      name: 'Updated Drive',
      allowDelete: false,
    });
    assert.deepEqual([renamed.body.name, renamed.body.allowDelete, renamed.body.prefix], ['Updated Drive', false, 'b/']);
    // A change of case of its own name is not a clash with itself.
    assert.equal((await owner.client.put('/sharedclouddrive/update', { id: created.id, name: 'UPDATED DRIVE' })).status, 200);
  });

  test('the full object read from get_all can be sent back with changes (the Web API shape)', async () => {
    const created = await drive(owner.client, 'Round Trip', { storageName: 'rt' });
    const listed = (await owner.client.get('/sharedclouddrive/get_all', { name: 'Round Trip' })).body.data[0];
    const res = await owner.client.put('/sharedclouddrive/update', {
      ...listed,
      storageName: 'rt-2',
      accountId: other.accountId,
      creatorUserId: other.userId,
      deleted: true,
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      [res.body.id, res.body.storageName, res.body.accountId, res.body.creatorUserId, res.body.deleted],
      [created.id, 'rt-2', owner.accountId, owner.userId, false],
    );
  });

  test('errors: unknown id, another account’s id, deleted drive, missing id, bad values, duplicate name', async () => {
    const mine = await drive(owner.client, 'Mine To Update');
    const unknown = await owner.client.put('/sharedclouddrive/update', { id: UNKNOWN_ID, name: 'x' });
    expectError(unknown, 499, 'NOT_FOUND');
    sameAnswer(await other.client.put('/sharedclouddrive/update', { id: mine.id, name: 'x' }), unknown);
    expectError(await owner.client.put('/sharedclouddrive/update', { name: 'x' }), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.put('/sharedclouddrive/update', { id: 'nope' }), 499, 'DEFAULT', /'id' must be a valid uuid/);
    expectError(await owner.client.put('/sharedclouddrive/update', { id: mine.id, driveType: 3 }), 499, 'DEFAULT', /'driveType'/);
    expectError(
      await owner.client.put('/sharedclouddrive/update', { id: mine.id, name: 'z'.repeat(51) }),
      499,
      'DEFAULT',
      /'name'/,
    );
    expectError(
      await owner.client.put('/sharedclouddrive/update', { id: mine.id, name: '  ' }),
      499,
      'DEFAULT',
      /'name' must not be blank/,
    );
    await drive(owner.client, 'Taken Drive');
    expectError(await owner.client.put('/sharedclouddrive/update', { id: mine.id, name: 'taken DRIVE' }), 499, 'DUPLICATE');
    const gone = await drive(owner.client, 'Gone Drive');
    await owner.client.delete('/sharedclouddrive/delete', { id: gone.id });
    expectError(await owner.client.put('/sharedclouddrive/update', { id: gone.id, name: 'Back' }), 499, 'NOT_FOUND');
    const after = await owner.client.get('/sharedclouddrive/get_all', { name: 'Mine To Update' });
    assert.equal(after.body.data[0].driveType, 1, 'failed updates changed nothing');
  });
});

describe('delete and restore', () => {
  test('soft delete: gone from lists, listed with deleted=true, name free again; restore brings it back', async () => {
    const d = await drive(owner.client, 'Ephemeral Drive');
    const del = await owner.client.delete('/sharedclouddrive/delete', { id: d.id });
    assert.equal(del.status, 200);
    assert.equal(del.text, '');
    assert.equal((await owner.client.get('/sharedclouddrive/get_all', { name: 'Ephemeral' })).body.total, 0);
    const deleted = await owner.client.get('/sharedclouddrive/get_all', { name: 'Ephemeral', deleted: 'TRUE' });
    assert.equal(deleted.body.total, 1);
    assert.equal(deleted.body.data[0].id, d.id);
    assert.equal(deleted.body.data[0].deleted, true);
    expectError(await owner.client.delete('/sharedclouddrive/delete', { id: d.id }), 499, 'NOT_FOUND');

    const reuse = await drive(owner.client, 'ephemeral drive');
    expectError(await owner.client.post('/sharedclouddrive/restore', undefined, { id: d.id }), 499, 'DUPLICATE');
    await owner.client.delete('/sharedclouddrive/delete', { id: reuse.id });
    const restored = await owner.client.post('/sharedclouddrive/restore', undefined, { id: d.id });
    assert.equal(restored.status, 200);
    assert.equal(restored.text, '');
    const live = await owner.client.get('/sharedclouddrive/get_all', { name: 'Ephemeral' });
    assert.deepEqual(
      live.body.data.map((x: { id: string; deleted: boolean }) => [x.id, x.deleted]),
      [[d.id, false]],
    );
    expectError(await owner.client.post('/sharedclouddrive/restore', undefined, { id: d.id }), 499, 'NOT_FOUND');
  });

  test('delete removes the drive’s project assignments and permissions, and nothing else', async () => {
    const db = server.ctx.store.db;
    const p = await project(owner.client, 'Cascade Project');
    const d = await drive(owner.client, 'Cascade Drive');
    const keep = await drive(owner.client, 'Cascade Keeper');
    const assign = await owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: p.id, sharedCloudDriveId: d.id },
      { projectId: p.id, sharedCloudDriveId: keep.id },
    ]);
    assert.equal(assign.status, 200, assign.text);
    const group = await server.ctx.store.userGroups.insert(db, owner.accountId, {
      name: 'Cascade Group',
      description: '',
      active: 1,
    });
    const at = new Date().toISOString();
    for (const driveId of [d.id, keep.id]) {
      await db
        .insertInto('user_shared_cloud_drive_permissions')
        .values({
          id: randomUUID(),
          account_id: owner.accountId,
          user_id: owner.userId,
          shared_cloud_drive_id: driveId,
          permission_type: 2,
          create_date: at,
          update_date: at,
        })
        .execute();
      await db
        .insertInto('user_group_shared_cloud_drive_permissions')
        .values({
          id: randomUUID(),
          account_id: owner.accountId,
          user_group_id: group.id,
          shared_cloud_drive_id: driveId,
          permission_type: 1,
          create_date: at,
          update_date: at,
        })
        .execute();
    }
    const count = async (
      table: 'user_shared_cloud_drive_permissions' | 'user_group_shared_cloud_drive_permissions',
      id: string,
    ) => (await db.selectFrom(table).select('id').where('shared_cloud_drive_id', '=', id).execute()).length;
    const assignmentsOf = async (id: string) =>
      (await db.selectFrom('project_shared_cloud_drives').select('id').where('shared_cloud_drive_id', '=', id).execute()).length;

    assert.equal((await owner.client.delete('/sharedclouddrive/delete', { id: d.id })).status, 200);
    assert.equal(await assignmentsOf(d.id), 0);
    assert.equal(await count('user_shared_cloud_drive_permissions', d.id), 0);
    assert.equal(await count('user_group_shared_cloud_drive_permissions', d.id), 0);
    assert.equal(await assignmentsOf(keep.id), 1);
    assert.equal(await count('user_shared_cloud_drive_permissions', keep.id), 1);
    assert.equal(await count('user_group_shared_cloud_drive_permissions', keep.id), 1);
    const assigned = await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id });
    assert.deepEqual(
      assigned.body.data.map((x: any) => x.sharedCloudDrive.id),
      [keep.id],
    );
    // Restoring does not bring the assignments back.
    await owner.client.post('/sharedclouddrive/restore', undefined, { id: d.id });
    assert.equal((await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: d.id })).body.total, 0);
  });

  test('errors: unknown id, another account’s id, missing or bad id', async () => {
    const mine = await drive(owner.client, 'Not Theirs');
    const unknownDelete = await owner.client.delete('/sharedclouddrive/delete', { id: UNKNOWN_ID });
    expectError(unknownDelete, 499, 'NOT_FOUND');
    sameAnswer(await other.client.delete('/sharedclouddrive/delete', { id: mine.id }), unknownDelete);
    await owner.client.delete('/sharedclouddrive/delete', { id: mine.id });
    const unknownRestore = await owner.client.post('/sharedclouddrive/restore', undefined, { id: UNKNOWN_ID });
    expectError(unknownRestore, 499, 'NOT_FOUND');
    sameAnswer(await other.client.post('/sharedclouddrive/restore', undefined, { id: mine.id }), unknownRestore);
    expectError(await owner.client.delete('/sharedclouddrive/delete'), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.delete('/sharedclouddrive/delete', { id: '123' }), 499, 'DEFAULT', /uuid/);
    expectError(await owner.client.post('/sharedclouddrive/restore'), 499, 'DEFAULT', /'id' is required/);
    // The other account's attempts changed nothing.
    assert.equal((await owner.client.get('/sharedclouddrive/get_all', { name: 'Not Theirs', deleted: true })).body.total, 1);
  });
});

describe('get_all_with_details', () => {
  test('each drive with projectsData [{project, projectSharedCloudDrive}], usersData and groupsData', async () => {
    const d = await drive(owner.client, 'Detailed Drive', { storageName: 'detail-bucket' });
    const lonely = await drive(owner.client, 'Detailed Lonely');
    const p1 = await project(owner.client, 'Detail P1');
    const p2 = await project(owner.client, 'Detail P2');
    await owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: p1.id, sharedCloudDriveId: d.id },
      { projectId: p2.id, sharedCloudDriveId: d.id },
    ]);
    const res = await owner.client.get('/sharedclouddrive/get_all_with_details', { name: 'Detailed' });
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 2);
    assert.deepEqual(res.body.options, { page: 1, pageSize: 50, sort: [{ field: 'Name', descending: false }] });
    const [item, empty] = res.body.data;
    assert.equal(item.id, d.id);
    assert.equal(item.storageName, 'detail-bucket');
    for (const key of DRIVE_KEYS) assert.ok(key in item, key);
    assert.ok(Array.isArray(item.usersData));
    assert.ok(Array.isArray(item.groupsData));
    assert.deepEqual(item.projectsData.map((x: any) => x.project.name).sort(), ['Detail P1', 'Detail P2']);
    for (const entry of item.projectsData) {
      assert.deepEqual(Object.keys(entry).sort(), ['project', 'projectSharedCloudDrive']);
      assert.equal(entry.projectSharedCloudDrive.sharedCloudDriveId, d.id);
      assert.equal(entry.projectSharedCloudDrive.projectId, entry.project.id);
      assert.match(entry.projectSharedCloudDrive.id, /^[0-9a-f-]{36}$/);
    }
    assert.equal(empty.id, lonely.id);
    assert.deepEqual(empty.projectsData, []);

    // A deleted project leaves the details.
    await owner.client.delete('/projects/delete', { id: p1.id });
    const after = await owner.client.get('/sharedclouddrive/get_all_with_details', { name: 'Detailed Drive' });
    assert.deepEqual(
      after.body.data[0].projectsData.map((x: any) => x.project.id),
      [p2.id],
    );
  });

  test('takes the same paging and filters as get_all, deleted=true included', async () => {
    const d = await drive(owner.client, 'Detail Deleted');
    await owner.client.delete('/sharedclouddrive/delete', { id: d.id });
    const res = await owner.client.get('/sharedclouddrive/get_all_with_details', { name: 'detail deleted', deleted: '1' });
    assert.equal(res.body.total, 1);
    assert.equal(res.body.data[0].deleted, true);
    expectError(await owner.client.get('/sharedclouddrive/get_all_with_details', { pagesize: 0 }), 499, 'DEFAULT', /pagesize/);
    expectError(await owner.client.get('/sharedclouddrive/get_all_with_details', { sortfield: 'Nope' }), 499, 'DEFAULT');
  });
});

describe('get_all paging, sorting and filtering', () => {
  let account: TestAccount;
  const COUNT = 121;
  before(async () => {
    account = await createAccount(server, 'Drive Pager');
    for (let i = 0; i < COUNT; i++) {
      const res = await insert(account.client, {
        name: `Vol ${String((i * 53) % COUNT).padStart(3, '0')}${i % 3 === 0 ? ' Mirror' : ''}`,
        storageName: `bucket-${i % 4}`,
        driveType: (i % 2) + 1,
        syncType: i % 3 === 0 ? 2 : 1,
        objectsPerFolder: 100 + (i % 7),
      });
      assert.equal(res.status, 200, res.text);
    }
  });

  test('defaults: page 1 of 50, sorted by name, total counts all', async () => {
    const res = await account.client.get('/sharedclouddrive/get_all');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, COUNT);
    assert.equal(res.body.data.length, 50);
    assert.deepEqual(res.body.options, { page: 1, pageSize: 50, sort: [{ field: 'Name', descending: false }] });
    const names = res.body.data.map((d: { name: string }) => d.name);
    assert.deepEqual(
      names,
      [...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    assert.equal(names[0], 'Vol 000 Mirror');
  });

  test('paging through every record gives each exactly once, for several sort fields and directions', async () => {
    for (const sortfield of ['Name', 'storagename', 'DriveType', 'SyncType', 'ObjectsPerFolder', 'CreateDate']) {
      for (const descending of ['false', 'true']) {
        const seen: string[] = [];
        let previous: any;
        for (let page = 1; page <= 7; page++) {
          const res = await account.client.get('/sharedclouddrive/get_all', { page, pagesize: 20, sortfield, descending });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.total, COUNT);
          assert.equal(res.body.options.sort[0].descending, descending === 'true');
          for (const d of res.body.data) {
            const key =
              sortfield === 'storagename'
                ? d.storageName
                : sortfield === 'Name'
                  ? d.name.toLowerCase()
                  : d[sortfield[0]!.toLowerCase() + sortfield.slice(1)];
            if (previous !== undefined) {
              assert.ok(
                descending === 'true' ? key <= previous : key >= previous,
                `${sortfield} ${descending}: ${key} after ${previous}`,
              );
            }
            previous = key;
            seen.push(d.id);
          }
        }
        assert.equal(seen.length, COUNT, `${sortfield} ${descending}`);
        assert.equal(new Set(seen).size, COUNT, `${sortfield} ${descending}: no repeats`);
      }
    }
  });

  test('the sort field is echoed in its documented spelling; a page past the end is empty with the total', async () => {
    const res = await account.client.get('/sharedclouddrive/get_all', { sortfield: 'storagename', pagesize: 5 });
    assert.deepEqual(res.body.options.sort, [{ field: 'StorageName', descending: false }]);
    const past = await account.client.get('/sharedclouddrive/get_all', { page: 99 });
    assert.deepEqual([past.status, past.body.data, past.body.total], [200, [], COUNT]);
  });

  test('name filter is a case-insensitive substring; total counts the matches', async () => {
    const res = await account.client.get('/sharedclouddrive/get_all', { name: 'mIRROR', pagesize: 1000 });
    assert.equal(res.body.total, 41);
    assert.equal(res.body.data.length, 41);
    assert.ok(res.body.data.every((d: { name: string }) => d.name.endsWith(' Mirror')));
    assert.equal((await account.client.get('/sharedclouddrive/get_all', { name: '_' })).body.total, 0);
  });

  test('bad paging parameters and an unknown sortfield are 499 DEFAULT', async () => {
    expectError(await account.client.get('/sharedclouddrive/get_all', { pagesize: 1001 }), 499, 'DEFAULT', /1000/);
    expectError(await account.client.get('/sharedclouddrive/get_all', { page: 0 }), 499, 'DEFAULT', /'page'/);
    expectError(
      await account.client.get('/sharedclouddrive/get_all', { sortfield: 'password' }),
      499,
      'DEFAULT',
      /'sortfield'.*Name.*StorageName/,
    );
    expectError(await account.client.get('/sharedclouddrive/get_all', { descending: 'sideways' }), 499, 'DEFAULT', /descending/);
    expectError(await account.client.get('/sharedclouddrive/get_all', { deleted: 'perhaps' }), 499, 'DEFAULT', /deleted/);
  });

  test('another account sees none of these', async () => {
    assert.equal((await other.client.get('/sharedclouddrive/get_all', { name: 'Vol ' })).body.total, 0);
    assert.equal((await other.client.get('/sharedclouddrive/get_all_with_details', { name: 'Vol ' })).body.total, 0);
  });
});

describe('tenant isolation', () => {
  test('every endpoint that takes a drive id answers another account’s id exactly like an unknown one', async () => {
    const theirs = await drive(other.client, 'Their Drive');
    const theirsDeleted = await drive(other.client, 'Their Deleted Drive');
    await other.client.delete('/sharedclouddrive/delete', { id: theirsDeleted.id });
    const mine = await project(owner.client, 'Isolation Project');
    const calls: [string, (id: string) => Promise<Response>][] = [
      ['update', (id) => owner.client.put('/sharedclouddrive/update', { id, name: 'Hijacked' })],
      ['delete', (id) => owner.client.delete('/sharedclouddrive/delete', { id })],
      ['get_assigned_projects', (id) => owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: id })],
      [
        'assign_sharedclouddrive',
        (id) => owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: mine.id, sharedCloudDriveId: id }]),
      ],
    ];
    for (const [name, call] of calls) {
      const unknown = await call(UNKNOWN_ID);
      const foreign = await call(theirs.id);
      assert.equal(foreign.status, 499, name);
      sameAnswer(foreign, unknown);
    }
    sameAnswer(
      await owner.client.post('/sharedclouddrive/restore', undefined, { id: theirsDeleted.id }),
      await owner.client.post('/sharedclouddrive/restore', undefined, { id: UNKNOWN_ID }),
    );
    // Nothing of theirs changed.
    const listed = await other.client.get('/sharedclouddrive/get_all', { name: 'Their' });
    assert.deepEqual(
      listed.body.data.map((d: { name: string }) => d.name),
      ['Their Drive'],
    );
    assert.equal((await other.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: theirs.id })).body.total, 0);
  });
});

describe('users who are not admins', () => {
  test('may not insert, update, delete or restore drives (499 ACCESS)', async () => {
    const email = `member-${Date.now()}@example.com`;
    await server.ctx.store.users.insertUser(server.ctx.store.db, {
      account_id: owner.accountId,
      username: email,
      email,
      firstname: 'Member',
      lastname: '',
      user_type: UserType.DesktopStandardUser,
      status: UserStatus.Active,
      owner: 0,
      mfa: 0,
      mfa_secret: null,
      mfa_pending_secret: null,
      password_hash: await hashPassword('member-password'),
      auth_provider: 0,
      migration: 0,
      deleted: 0,
      signup_date: null,
    });
    const login = await new Client(server.url).post('/authentication/login', { username: email, password: 'member-password' });
    const member = new Client(server.url, login.body.jwtToken);
    const d = await drive(owner.client, 'Admin Only Drive');
    expectError(await member.post('/sharedclouddrive/insert', { name: 'Member Drive' }), 499, 'ACCESS');
    expectError(await member.put('/sharedclouddrive/update', { id: d.id, name: 'Member Rename' }), 499, 'ACCESS');
    expectError(await member.delete('/sharedclouddrive/delete', { id: d.id }), 499, 'ACCESS');
    expectError(await member.post('/sharedclouddrive/restore', undefined, { id: d.id }), 499, 'ACCESS');
    const still = await owner.client.get('/sharedclouddrive/get_all', { name: 'Admin Only Drive' });
    assert.equal(still.body.total, 1);
    assert.equal((await owner.client.get('/sharedclouddrive/get_all', { name: 'Member' })).body.total, 0);
  });
});
