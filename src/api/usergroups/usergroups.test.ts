import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  Client,
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type TestAccount,
  type TestServer,
} from '../../../test/helpers.js';
import { activeUser, invitationTokens, invite, uniqueEmail, type ActiveUser } from '../../../test/invitations.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;
/** A non-admin (DesktopCreativeUser) of the owner's account, signed in. */
let creative: ActiveUser;
let anonymous: Client;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Groups Owner');
  other = await createAccount(server, 'Other Owner');
  anonymous = new Client(server.url);
  creative = await activeUser(server, owner.client, 32);
});
after(() => server.close());

const GROUP_KEYS = ['accountId', 'active', 'createDate', 'deleted', 'description', 'id', 'name', 'updateDate'];
const insertGroup = async (client: Client, name: string, extra: Record<string, unknown> = {}) => {
  const res = await client.post('/usergroup/insert', { name, ...extra });
  assert.equal(res.status, 200, res.text);
  return res.body as { id: string; name: string; description: string; active: boolean };
};
const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
const members = (client: Client, userGroupId: string, query: Record<string, string | number | boolean> = {}) =>
  client.get('/usergroup/get_assigned_users', { userGroupId, ...query });
const groupsOf = (client: Client, userId: string, query: Record<string, string | number | boolean> = {}) =>
  client.get('/usergroup/get_assigned_usergroups', { userId, ...query });
const grant = async (
  table: 'user_group_project_permissions',
  accountId: string,
  userGroupId: string,
  projectId: string,
  type = 1,
) => {
  const at = new Date().toISOString();
  const id = randomUUID();
  await server.ctx.store.db
    .insertInto(table)
    .values({
      id,
      account_id: accountId,
      user_group_id: userGroupId,
      project_id: projectId,
      permission_type: type,
      create_date: at,
      update_date: at,
    })
    .execute();
  return { id, at };
};
const grantDrive = async (accountId: string, userGroupId: string, driveId: string, type = 2) => {
  const at = new Date().toISOString();
  const id = randomUUID();
  await server.ctx.store.db
    .insertInto('user_group_shared_cloud_drive_permissions')
    .values({
      id,
      account_id: accountId,
      user_group_id: userGroupId,
      shared_cloud_drive_id: driveId,
      permission_type: type,
      create_date: at,
      update_date: at,
    })
    .execute();
  return { id, at };
};

describe('insert, update, get_all', () => {
  test('insert returns the created group; defaults description "" and active true', async () => {
    const res = await owner.client.post('/usergroup/insert', {
      name: '  Editors  ',
      description: 'People who edit',
      active: false,
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), GROUP_KEYS);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.accountId, owner.accountId);
    assert.equal(res.body.name, 'Editors');
    assert.equal(res.body.description, 'People who edit');
    assert.equal(res.body.active, false);
    assert.equal(res.body.deleted, false);
    const plain = await insertGroup(owner.client, 'Plain Group', { accountId: other.accountId, deleted: true });
    assert.equal(plain.description, '');
    assert.equal(plain.active, true);
    assert.equal((plain as any).accountId, owner.accountId);
    assert.equal((plain as any).deleted, false);
  });

  test('names are unique per account case-insensitively (DUPLICATE); other accounts may reuse them', async () => {
    const name = unique('Unique');
    await insertGroup(owner.client, name);
    expectError(await owner.client.post('/usergroup/insert', { name: name.toUpperCase() }), 499, 'DUPLICATE');
    await insertGroup(other.client, name);
    const second = await insertGroup(owner.client, unique('Second'));
    expectError(
      await owner.client.put('/usergroup/update', { id: second.id, name: ` ${name.toLowerCase()} ` }),
      499,
      'DUPLICATE',
    );
  });

  test('bad bodies are 499 DEFAULT naming the field', async () => {
    const insert = (body: unknown) => owner.client.post('/usergroup/insert', body);
    expectError(await insert({}), 499, 'DEFAULT', /'name' is required/);
    expectError(await insert({ name: '' }), 499, 'DEFAULT', /'name' must be at least 1/);
    expectError(await insert({ name: '   ' }), 499, 'DEFAULT', /'name' must not be blank/);
    expectError(await insert({ name: 'x'.repeat(101) }), 499, 'DEFAULT', /'name' must be at most 100/);
    expectError(await insert({ name: 42 }), 499, 'DEFAULT', /'name' must be of type string/);
    expectError(
      await insert({ name: 'Desc', description: 'x'.repeat(1001) }),
      499,
      'DEFAULT',
      /'description' must be at most 1000/,
    );
    expectError(await insert({ name: 'Act', active: 'yes' }), 499, 'DEFAULT', /'active' must be of type boolean/);
    expectError(await owner.client.put('/usergroup/update', { name: 'No id' }), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.put('/usergroup/update', { id: 'nope' }), 499, 'DEFAULT', /uuid/);
    assert.equal((await insertGroup(owner.client, 'x'.repeat(100))).name.length, 100);
  });

  test('update replaces the given fields and keeps the others; unknown and foreign ids are NOT_FOUND', async () => {
    const group = await insertGroup(owner.client, unique('Update'), { description: 'Keep me' });
    const res = await owner.client.put('/usergroup/update', { id: group.id, active: false });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, group.name);
    assert.equal(res.body.description, 'Keep me');
    assert.equal(res.body.active, false);
    const renamed = await owner.client.put('/usergroup/update', { id: group.id, name: 'Renamed Group', description: '' });
    assert.equal(renamed.body.name, 'Renamed Group');
    assert.equal(renamed.body.description, '');
    expectError(await owner.client.put('/usergroup/update', { id: UNKNOWN_ID, name: 'X' }), 499, 'NOT_FOUND');
    expectError(await other.client.put('/usergroup/update', { id: group.id, name: 'Stolen' }), 499, 'NOT_FOUND');
  });

  test('get_all: sorted by name, filtered by name, paged; another account’s groups never appear', async () => {
    const account = await createAccount(server, 'Listing Owner');
    const names = ['beta', 'Alpha', 'gamma', 'Delta', 'alphabet'];
    for (const name of names) await insertGroup(account.client, name);
    await insertGroup(other.client, 'Alpha Other');
    const res = await account.client.get('/usergroup/get_all');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.data.map((g: any) => g.name),
      ['Alpha', 'alphabet', 'beta', 'Delta', 'gamma'],
    );
    assert.deepEqual(res.body.options, { page: 1, pageSize: 50, sort: [{ field: 'Name', descending: false }] });
    const filtered = await account.client.get('/usergroup/get_all', { name: 'ALPHA', descending: true });
    assert.deepEqual(
      filtered.body.data.map((g: any) => g.name),
      ['alphabet', 'Alpha'],
    );
    const page2 = await account.client.get('/usergroup/get_all', { page: 2, pagesize: 2 });
    assert.deepEqual(
      page2.body.data.map((g: any) => g.name),
      ['beta', 'Delta'],
    );
    assert.equal(page2.body.total, 5);
    for (const sortfield of ['Description', 'Active', 'CreateDate', 'UpdateDate', 'Id', 'name']) {
      assert.equal((await account.client.get('/usergroup/get_all', { sortfield })).status, 200, sortfield);
    }
    expectError(await account.client.get('/usergroup/get_all', { sortfield: 'Owner' }), 499, 'DEFAULT', /sortfield/);
    expectError(await account.client.get('/usergroup/get_all', { pagesize: 5000 }), 499, 'DEFAULT', /'pagesize'/);
  });
});

describe('delete and restore', () => {
  test('delete is soft and removes memberships and permissions in one go; restore brings the group back alone', async () => {
    const group = await insertGroup(owner.client, unique('Doomed'));
    const user = await invite(owner.client);
    assert.equal((await owner.client.post('/usergroup/assign_users', [{ userId: user.id, userGroupId: group.id }])).status, 200);
    const project = (await owner.client.post('/projects/insert', { name: unique('Doomed Project') })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: unique('Doomed') })).body;
    await grant('user_group_project_permissions', owner.accountId, group.id, project.id);
    await grantDrive(owner.accountId, group.id, drive.id);

    const res = await owner.client.delete('/usergroup/delete', { id: group.id });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    const live = await owner.client.get('/usergroup/get_all', { name: group.name });
    assert.equal(live.body.total, 0);
    const deleted = await owner.client.get('/usergroup/get_all', { name: group.name, deleted: true });
    assert.equal(deleted.body.total, 1);
    assert.equal(deleted.body.data[0].deleted, true);
    const db = server.ctx.store.db;
    assert.equal((await db.selectFrom('user_user_groups').selectAll().where('user_group_id', '=', group.id).execute()).length, 0);
    assert.equal(
      (await db.selectFrom('user_group_project_permissions').selectAll().where('user_group_id', '=', group.id).execute()).length,
      0,
    );
    assert.equal(
      (
        await db
          .selectFrom('user_group_shared_cloud_drive_permissions')
          .selectAll()
          .where('user_group_id', '=', group.id)
          .execute()
      ).length,
      0,
    );
    expectError(await members(owner.client, group.id), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/usergroup/update', { id: group.id, name: 'Zombie' }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/usergroup/delete', { id: group.id }), 499, 'NOT_FOUND');
    expectError(
      await owner.client.post('/usergroup/assign_users', [{ userId: user.id, userGroupId: group.id }]),
      499,
      'NOT_FOUND',
      new RegExp(group.id),
    );

    // The name is free while the group is deleted; restoring then clashes.
    const usurper = await insertGroup(owner.client, group.name);
    expectError(await owner.client.post('/usergroup/restore', undefined, { id: group.id }), 499, 'DUPLICATE');
    await owner.client.delete('/usergroup/delete', { id: usurper.id });
    const restored = await owner.client.post('/usergroup/restore', undefined, { id: group.id });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.text, '');
    const back = await members(owner.client, group.id);
    assert.equal(back.status, 200);
    assert.equal(back.body.total, 0);
    expectError(await owner.client.post('/usergroup/restore', undefined, { id: group.id }), 499, 'NOT_FOUND');
  });

  test('unknown and foreign ids are NOT_FOUND; a bad id is DEFAULT', async () => {
    const theirs = await insertGroup(other.client, unique('Theirs'));
    expectError(await owner.client.delete('/usergroup/delete', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/usergroup/delete', { id: theirs.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/usergroup/delete', { id: 'x' }), 499, 'DEFAULT', /uuid/);
    expectError(await owner.client.delete('/usergroup/delete'), 499, 'DEFAULT', /'id' is required/);
    await other.client.delete('/usergroup/delete', { id: theirs.id });
    expectError(await owner.client.post('/usergroup/restore', undefined, { id: theirs.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.post('/usergroup/restore', undefined, { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    assert.equal((await other.client.get('/usergroup/get_all', { name: theirs.name, deleted: true })).body.total, 1);
  });
});

describe('memberships', () => {
  test('assign_users, get_assigned_users, get_assigned_usergroups, unassign_user', async () => {
    const group = await insertGroup(owner.client, unique('Members'));
    const second = await insertGroup(owner.client, unique('Another'));
    const zed = await invite(owner.client, { username: `zed-${uniqueEmail()}` });
    const amy = await invite(owner.client, { username: `Amy-${uniqueEmail()}` });
    const res = await owner.client.post('/usergroup/assign_users', [
      { userId: zed.id, userGroupId: group.id },
      { userId: amy.id, userGroupId: group.id },
      { userId: amy.id, userGroupId: group.id },
      { userId: amy.id, userGroupId: second.id },
    ]);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    // Existing pairs are skipped silently.
    assert.equal((await owner.client.post('/usergroup/assign_users', [{ userId: zed.id, userGroupId: group.id }])).status, 200);

    const list = await members(owner.client, group.id);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total, 2);
    assert.deepEqual(list.body.options.sort, [{ field: 'User.Username', descending: false }]);
    assert.deepEqual(
      list.body.data.map((x: any) => x.user.id),
      [amy.id, zed.id],
    );
    for (const item of list.body.data) {
      assert.deepEqual(Object.keys(item), ['user', 'userGroup', 'userUserGroup']);
      assert.equal(item.userGroup.id, group.id);
      assert.equal(item.userUserGroup.userGroupId, group.id);
      assert.equal(item.userUserGroup.userId, item.user.id);
    }
    const desc = await members(owner.client, group.id, { descending: true });
    assert.deepEqual(
      desc.body.data.map((x: any) => x.user.id),
      [zed.id, amy.id],
    );
    const filtered = await members(owner.client, group.id, { username: 'ZED-' });
    assert.deepEqual(
      filtered.body.data.map((x: any) => x.user.id),
      [zed.id],
    );
    for (const sortfield of ['User.Email', 'User.CreateDate', 'UserGroup.Name', 'CreateDate', 'Id', 'user.username']) {
      assert.equal((await members(owner.client, group.id, { sortfield })).status, 200, sortfield);
    }
    expectError(await members(owner.client, group.id, { sortfield: 'Username' }), 499, 'DEFAULT', /sortfield/);

    const ofAmy = await groupsOf(owner.client, amy.id);
    assert.equal(ofAmy.status, 200, ofAmy.text);
    assert.deepEqual(ofAmy.body.options.sort, [{ field: 'UserGroup.Name', descending: false }]);
    // 'Another …' sorts before 'Members …'.
    assert.deepEqual(
      ofAmy.body.data.map((x: any) => x.userGroup.id),
      [second.id, group.id],
    );
    for (const item of ofAmy.body.data) assert.equal(item.user.id, amy.id);
    const named = await groupsOf(owner.client, amy.id, { name: second.name.slice(0, 7).toUpperCase() });
    assert.deepEqual(
      named.body.data.map((x: any) => x.userGroup.id),
      [second.id],
    );

    const membershipId = list.body.data.find((x: any) => x.user.id === zed.id).userUserGroup.id;
    expectError(await owner.client.delete('/usergroup/unassign_user', { id: group.id }), 499, 'NOT_FOUND');
    expectError(await other.client.delete('/usergroup/unassign_user', { id: membershipId }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/usergroup/unassign_user', { id: 'x' }), 499, 'DEFAULT', /uuid/);
    const un = await owner.client.delete('/usergroup/unassign_user', { id: membershipId });
    assert.equal(un.status, 200, un.text);
    assert.equal(un.text, '');
    expectError(await owner.client.delete('/usergroup/unassign_user', { id: membershipId }), 499, 'NOT_FOUND');
    assert.deepEqual(
      (await members(owner.client, group.id)).body.data.map((x: any) => x.user.id),
      [amy.id],
    );
    assert.equal((await groupsOf(owner.client, zed.id)).body.total, 0);

    // A deleted user leaves every group; a deleted group leaves every user's list.
    await owner.client.delete('/user/delete_user', { id: amy.id });
    assert.equal((await members(owner.client, group.id)).body.total, 0);
    expectError(await groupsOf(owner.client, amy.id), 499, 'NOT_FOUND');
  });

  test('assign_users is all or nothing: unknown, foreign or deleted ids assign nothing and are named', async () => {
    const group = await insertGroup(owner.client, unique('AON'));
    const mine = await invite(owner.client);
    const theirs = await invite(other.client);
    const theirGroup = await insertGroup(other.client, unique('Their AON'));
    const gone = await invite(owner.client);
    await owner.client.delete('/user/delete_user', { id: gone.id });
    for (const [pairs, missing] of [
      [
        [
          { userId: mine.id, userGroupId: group.id },
          { userId: theirs.id, userGroupId: group.id },
        ],
        theirs.id,
      ],
      [[{ userId: mine.id, userGroupId: theirGroup.id }], theirGroup.id],
      [[{ userId: UNKNOWN_ID, userGroupId: group.id }], UNKNOWN_ID],
      [
        [
          { userId: mine.id, userGroupId: group.id },
          { userId: gone.id, userGroupId: group.id },
        ],
        gone.id,
      ],
    ] as const) {
      expectError(await owner.client.post('/usergroup/assign_users', pairs), 499, 'NOT_FOUND', new RegExp(missing));
    }
    assert.equal((await members(owner.client, group.id)).body.total, 0);
    assert.equal((await groupsOf(other.client, theirs.id)).body.total, 0);
  });

  test('bad bodies and parents', async () => {
    const group = await insertGroup(owner.client, unique('Bad Bodies'));
    const assign = (body: unknown) => owner.client.post('/usergroup/assign_users', body);
    expectError(await assign([]), 499, 'DEFAULT', /at least 1/);
    expectError(await assign({ userId: UNKNOWN_ID, userGroupId: group.id }), 499, 'DEFAULT', /array/);
    expectError(await assign([{ userId: UNKNOWN_ID }]), 499, 'DEFAULT', /'\[0\]\.userGroupId' is required/);
    expectError(await assign([{ userId: 'x', userGroupId: group.id }]), 499, 'DEFAULT', /uuid/);
    expectError(
      await assign(Array.from({ length: 1001 }, () => ({ userId: UNKNOWN_ID, userGroupId: group.id }))),
      499,
      'DEFAULT',
      /at most 1000/,
    );
    const theirGroup = await insertGroup(other.client, unique('Their Parent'));
    expectError(await members(owner.client, UNKNOWN_ID), 499, 'NOT_FOUND');
    expectError(await members(owner.client, theirGroup.id), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/usergroup/get_assigned_users'), 499, 'DEFAULT', /'userGroupId' is required/);
    expectError(await groupsOf(owner.client, UNKNOWN_ID), 499, 'NOT_FOUND');
    expectError(await groupsOf(owner.client, other.userId), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/usergroup/get_assigned_usergroups'), 499, 'DEFAULT', /'userId' is required/);
    expectError(await groupsOf(owner.client, 'x'), 499, 'DEFAULT', /uuid/);
  });

  test('pages through 130 members without gaps or repeats', async () => {
    const group = await insertGroup(owner.client, unique('Big'));
    const items = Array.from({ length: 130 }, (_, i) => ({
      user: {
        username: `bulk${String(i).padStart(3, '0')}-${randomUUID().slice(0, 6)}@example.com`,
        email: uniqueEmail(),
        userType: 64,
      },
      userGroups: [{ id: group.id, name: group.name }],
    }));
    assert.equal((await owner.client.post('/usergroup/import_users', items)).status, 200);
    const seen: string[] = [];
    for (let page = 1; page <= 10; page++) {
      const res = await members(owner.client, group.id, { page, pagesize: 13, sortfield: 'User.UserType' });
      assert.equal(res.body.total, 130);
      seen.push(...res.body.data.map((x: any) => x.userUserGroup.id));
    }
    assert.equal(new Set(seen).size, 130);
    assert.deepEqual((await members(owner.client, group.id, { page: 11, pagesize: 13 })).body.data, []);
  });
});

describe('get_all_with_details', () => {
  test('inlines usersData, projectsData and drivesData', async () => {
    const group = await insertGroup(owner.client, unique('Detailed'), { description: 'with details' });
    const user = await invite(owner.client);
    await owner.client.post('/usergroup/assign_users', [{ userId: user.id, userGroupId: group.id }]);
    const project = (await owner.client.post('/projects/insert', { name: unique('Detailed Project') })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: unique('Detailed') })).body;
    const projectGrant = await grant('user_group_project_permissions', owner.accountId, group.id, project.id, 2);
    const driveGrant = await grantDrive(owner.accountId, group.id, drive.id, 1);

    const res = await owner.client.get('/usergroup/get_all_with_details', { name: group.name });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, 1);
    const item = res.body.data[0];
    assert.equal(item.id, group.id);
    assert.equal(item.name, group.name);
    assert.equal(item.description, 'with details');
    assert.equal(item.usersData.length, 1);
    assert.equal(item.usersData[0].user.id, user.id);
    assert.equal(item.usersData[0].userUserGroup.userGroupId, group.id);
    assert.deepEqual(item.projectsData, [
      {
        project,
        permission: {
          id: projectGrant.id,
          userGroupId: group.id,
          projectId: project.id,
          permissionType: 2,
          createDate: projectGrant.at,
          updateDate: projectGrant.at,
        },
      },
    ]);
    assert.equal(item.drivesData.length, 1);
    assert.equal(item.drivesData[0].sharedCloudDrive.id, drive.id);
    assert.deepEqual(item.drivesData[0].permission, {
      id: driveGrant.id,
      userGroupId: group.id,
      sharedCloudDriveId: drive.id,
      permissionType: 1,
      createDate: driveGrant.at,
      updateDate: driveGrant.at,
    });
  });

  test('a fixed number of queries per request, whatever the page size', async () => {
    const account = await createAccount(server, 'Counting Owner');
    const user = await invite(account.client);
    const project = (await account.client.post('/projects/insert', { name: 'Counted' })).body;
    const drive = (await account.client.post('/sharedclouddrive/insert', { name: 'Counted' })).body;
    for (let i = 0; i < 30; i++) {
      const group = await insertGroup(account.client, `Counted ${String(i).padStart(2, '0')}`);
      await account.client.post('/usergroup/assign_users', [{ userId: user.id, userGroupId: group.id }]);
      await grant('user_group_project_permissions', account.accountId, group.id, project.id);
      await grantDrive(account.accountId, group.id, drive.id);
    }
    const count = async (pagesize: number) => {
      await account.client.get('/authentication/user'); // the session row is then cached: only the list is counted
      const before = server.ctx.store.queryCount();
      const res = await account.client.get('/usergroup/get_all_with_details', { pagesize });
      assert.equal(res.body.data.length, pagesize);
      for (const g of res.body.data) assert.equal(g.usersData.length + g.projectsData.length + g.drivesData.length, 3);
      return server.ctx.store.queryCount() - before;
    };
    assert.equal(await count(30), await count(2));
  });
});

describe('import_users', () => {
  test('creates, reuses and skips users; matches and creates groups; invites the new users', async () => {
    const account = await createAccount(server, 'Import Owner');
    const existingGroup = await insertGroup(account.client, 'Editors');
    const byId = await insertGroup(account.client, 'Reviewers');
    const existingUser = await invite(account.client);
    const foreign = await invite(other.client);
    const fresh = uniqueEmail('fresh');
    const res = await account.client.post('/usergroup/import_users', [
      {
        user: { username: fresh, email: fresh, userType: 32, firstname: 'Fresh', lastname: 'Person' },
        userGroups: [{ name: 'EDITORS' }, { name: 'Brand New' }, { id: byId.id, name: 'ignored name' }],
      },
      {
        user: { username: existingUser.username.toUpperCase(), email: 'changed@example.com', userType: 64 },
        userGroups: [{ name: 'brand new' }],
      },
      {
        user: { username: foreign.username, email: foreign.email, userType: 8 },
        userGroups: [{ name: 'Foreign Only' }, { name: 'Editors' }],
      },
      { user: { username: fresh.toUpperCase(), email: fresh, userType: 8 }, userGroups: [] },
    ]);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');

    const all = (await account.client.get('/user/get_all_users', { pagesize: 1000 })).body.data;
    assert.equal(all.length, 3); // the owner, the existing user, the fresh one
    const created = all.find((u: any) => u.username === fresh);
    assert.equal(created.status, 4);
    assert.equal(created.userType, 32);
    assert.equal(created.firstname, 'Fresh');
    assert.equal(invitationTokens(server, fresh).length, 1);
    const reused = all.find((u: any) => u.id === existingUser.id);
    assert.equal(reused.email, existingUser.email);
    assert.equal(reused.userType, existingUser.userType);
    assert.equal(invitationTokens(server, existingUser.email).length, 1);

    const groups = (await account.client.get('/usergroup/get_all')).body.data;
    assert.deepEqual(
      groups.map((g: any) => g.name),
      ['Brand New', 'Editors', 'Reviewers'],
    );
    const brandNew = groups.find((g: any) => g.name === 'Brand New');
    const groupIdsOf = async (userId: string) =>
      (await groupsOf(account.client, userId)).body.data.map((x: any) => x.userGroup.id).sort();
    assert.deepEqual(await groupIdsOf(created.id), [brandNew.id, existingGroup.id, byId.id].sort());
    assert.deepEqual(await groupIdsOf(existingUser.id), [brandNew.id]);

    // The other account's user is untouched and listed nowhere.
    const theirs = (await other.client.get('/user/get_all_users', { username: foreign.username })).body.data;
    assert.equal(theirs.length, 1);
    assert.equal((await groupsOf(other.client, foreign.id)).body.total, 0);
    assert.equal(invitationTokens(server, foreign.email).length, 1);

    // Importing the same again changes nothing.
    const again = await account.client.post('/usergroup/import_users', [
      { user: { username: fresh, email: fresh, userType: 32 }, userGroups: [{ name: 'editors' }] },
    ]);
    assert.equal(again.status, 200);
    assert.equal((await account.client.get('/user/get_all_users')).body.total, 3);
    assert.equal((await account.client.get('/usergroup/get_all')).body.total, 3);
    assert.deepEqual(await groupIdsOf(created.id), [brandNew.id, existingGroup.id, byId.id].sort());

    // The invited user can accept the invitation.
    const token = invitationTokens(server, fresh)[0]!;
    assert.equal((await anonymous.post('/user/signup', { password: 'imported-user-pw', token })).status, 200);
    assert.equal((await anonymous.post('/authentication/login', { username: fresh, password: 'imported-user-pw' })).status, 200);
  });

  test('a group id of another account is not used: the name decides', async () => {
    const theirGroup = await insertGroup(other.client, 'Their Import Group');
    const email = uniqueEmail('crossid');
    const res = await owner.client.post('/usergroup/import_users', [
      { user: { username: email, email, userType: 64 }, userGroups: [{ id: theirGroup.id, name: 'Cross Id Group' }] },
    ]);
    assert.equal(res.status, 200, res.text);
    const mine = (await owner.client.get('/usergroup/get_all', { name: 'Cross Id Group' })).body.data;
    assert.equal(mine.length, 1);
    assert.notEqual(mine[0].id, theirGroup.id);
    assert.equal((await members(other.client, theirGroup.id)).body.total, 0);
  });

  test('bad bodies are 499 DEFAULT and import nothing', async () => {
    const email = uniqueEmail('rejected');
    const good = { user: { username: email, email, userType: 32 }, userGroups: [{ name: 'Rejected Group' }] };
    const send = (body: unknown) => owner.client.post('/usergroup/import_users', body);
    expectError(await send([]), 499, 'DEFAULT', /at least 1/);
    expectError(await send(good), 499, 'DEFAULT', /array/);
    expectError(await send([{ userGroups: [] }]), 499, 'DEFAULT', /'\[0\]\.user' is required/);
    expectError(await send([{ ...good, user: { email, userType: 32 } }]), 499, 'DEFAULT', /'\[0\]\.user\.username' is required/);
    expectError(await send([{ ...good, user: { ...good.user, username: 'nope' } }]), 499, 'DEFAULT', /'\[0\]\.user\.username'/);
    expectError(await send([{ ...good, user: { ...good.user, email: 'nope' } }]), 499, 'DEFAULT', /'\[0\]\.user\.email'/);
    expectError(await send([{ ...good, user: { ...good.user, userType: 'x' } }]), 499, 'DEFAULT', /'\[0\]\.user\.userType'/);
    expectError(await send([good, { ...good, user: { ...good.user, userType: 1 } }]), 499, 'DEFAULT', /\[1\]\.user\.userType/);
    expectError(
      await send([{ ...good, userGroups: [{ name: '  ' }] }]),
      499,
      'DEFAULT',
      /'\[0\]\.userGroups\[0\]\.name' must not be blank/,
    );
    expectError(
      await send([{ ...good, userGroups: [{ name: 'x'.repeat(101) }] }]),
      499,
      'DEFAULT',
      /'\[0\]\.userGroups\[0\]\.name'/,
    );
    expectError(await send([{ ...good, userGroups: [{ id: 'x', name: 'X' }] }]), 499, 'DEFAULT', /uuid/);
    assert.equal((await owner.client.get('/user/get_all_users', { username: email })).body.total, 0);
    assert.equal((await owner.client.get('/usergroup/get_all', { name: 'Rejected Group' })).body.total, 0);
    assert.equal(invitationTokens(server, email).length, 0);
  });
});

describe('access', () => {
  const endpoints: [string, string, unknown?, Record<string, string>?][] = [
    ['GET', '/usergroup/get_all'],
    ['GET', '/usergroup/get_all_with_details'],
    ['POST', '/usergroup/insert', { name: 'Not Allowed' }],
    ['PUT', '/usergroup/update', { id: UNKNOWN_ID, name: 'Not Allowed' }],
    ['DELETE', '/usergroup/delete', undefined, { id: UNKNOWN_ID }],
    ['POST', '/usergroup/restore', undefined, { id: UNKNOWN_ID }],
    ['GET', '/usergroup/get_assigned_users', undefined, { userGroupId: UNKNOWN_ID }],
    ['GET', '/usergroup/get_assigned_usergroups', undefined, { userId: UNKNOWN_ID }],
    ['POST', '/usergroup/assign_users', [{ userId: UNKNOWN_ID, userGroupId: UNKNOWN_ID }]],
    ['DELETE', '/usergroup/unassign_user', undefined, { id: UNKNOWN_ID }],
    [
      'POST',
      '/usergroup/import_users',
      [{ user: { username: 'x@example.com', email: 'x@example.com', userType: 8 }, userGroups: [] }],
    ],
  ];

  test('a non-admin gets 499 ACCESS on every endpoint, and nothing changes', async () => {
    for (const [method, route, body, query] of endpoints) {
      expectError(await creative.client.request(method, route, { body, query }), 499, 'ACCESS');
    }
    const group = await insertGroup(owner.client, unique('Guarded'));
    expectError(
      await creative.client.post('/usergroup/assign_users', [{ userId: creative.user.id, userGroupId: group.id }]),
      499,
      'ACCESS',
    );
    expectError(await creative.client.delete('/usergroup/delete', { id: group.id }), 499, 'ACCESS');
    assert.equal((await members(owner.client, group.id)).body.total, 0);
    assert.equal((await owner.client.get('/usergroup/get_all', { name: group.name })).body.total, 1);
    assert.equal((await owner.client.get('/user/get_all_users', { username: 'x@example.com' })).body.total, 0);
  });

  test('no token (or a bad one) is 401 on every endpoint', async () => {
    for (const [method, route, body, query] of endpoints) {
      expectError(await anonymous.request(method, route, { body, query }), 401, 'AUTH');
      expectError(await anonymous.request(method, route, { body, query: { ...query, token: 'garbage' } }), 401, 'AUTH');
    }
  });

  test('routes match case-insensitively', async () => {
    assert.equal((await owner.client.get('/UserGroup/Get_All')).status, 200);
  });
});
