import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as records from '../src/records/index.js';
import { addMember, createGroup, createUser, type TestUser } from './factories.js';
import { type Client, createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

/**
 * Each record kind is declared once (src/records/): its schema, its SQL shape and its presenter have the
 * declaration's keys, and every endpoint that returns the record answers it with those keys in that
 * order, whether SQLite wrote the JSON (admin lists and details) or JavaScript did (member details,
 * single records, joined rows).
 */

const kinds = {
  project: records.project,
  sharedCloudDrive: records.sharedCloudDrive,
  user: records.user,
  userGroup: records.userGroup,
  userUserGroup: records.userUserGroup,
  projectSharedCloudDrive: records.projectSharedCloudDrive,
  userProjectPermission: records.userProjectPermission,
  userSharedCloudDrivePermission: records.userSharedCloudDrivePermission,
  userGroupProjectPermission: records.userGroupProjectPermission,
  userGroupSharedCloudDrivePermission: records.userGroupSharedCloudDrivePermission,
  apiToken: records.apiToken,
};
type Kind = keyof typeof kinds;

/** The record kind a key of a row holds (the documented `sharedClouDrive` spelling included). */
const KIND_OF_KEY: Record<string, Kind> = {
  project: 'project',
  sharedCloudDrive: 'sharedCloudDrive',
  sharedClouDrive: 'sharedCloudDrive',
  user: 'user',
  userGroup: 'userGroup',
  userUserGroup: 'userUserGroup',
  projectSharedCloudDrive: 'projectSharedCloudDrive',
};

/** Which permission a `permission` key holds, from the records beside it (or the record holding the list). */
function permissionKind(around: Set<Kind>): Kind {
  const subject = around.has('user') ? 'user' : around.has('userGroup') ? 'userGroup' : undefined;
  const target = around.has('project') ? 'Project' : around.has('sharedCloudDrive') ? 'SharedCloudDrive' : undefined;
  assert.ok(subject && target, `a permission beside ${[...around].join(', ')}`);
  return `${subject}${target}Permission` as Kind;
}

type Seen = Map<Kind, number>;

/** Checks that `value` has exactly the declared keys of `kind`, in order, then `extra` keys after them. */
function checkRecord(where: string, kind: Kind, value: unknown, seen: Seen, extra = false): void {
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${where}: a ${kind} object`);
  const keys = Object.keys(value);
  const declared = kinds[kind].keys as string[];
  assert.deepEqual(extra ? keys.slice(0, declared.length) : keys, declared, `${where}: the keys of ${kind}, in order`);
  seen.set(kind, (seen.get(kind) ?? 0) + 1);
}

/** Checks a row: each key naming a record holds that record; `permission` the kind its neighbours say. */
function checkRow(where: string, row: Record<string, unknown>, seen: Seen, holder?: Kind): void {
  const around = new Set<Kind>(holder ? [holder] : []);
  for (const key of Object.keys(row)) if (KIND_OF_KEY[key]) around.add(KIND_OF_KEY[key]);
  for (const [key, value] of Object.entries(row)) {
    if (KIND_OF_KEY[key]) checkRecord(`${where}.${key}`, KIND_OF_KEY[key], value, seen);
    else if (key === 'permission') checkRecord(`${where}.permission`, permissionKind(around), value, seen);
    else assert.fail(`${where}: an unexpected key ${key}`);
  }
}

/** Checks a top-level record and the rows of each of its nested lists (details views). */
function checkTop(where: string, kind: Kind, item: Record<string, unknown>, seen: Seen): void {
  checkRecord(where, kind, item, seen, true);
  for (const [key, value] of Object.entries(item).slice(kinds[kind].keys.length)) {
    assert.ok(Array.isArray(value), `${where}.${key}: a nested list`);
    for (const row of value) checkRow(`${where}.${key}[]`, row as Record<string, unknown>, seen, kind);
  }
}

let server: TestServer;
let owner: TestAccount;
let member: TestUser;
const ids: Record<'project' | 'drive' | 'group', string> = { project: '', drive: '', group: '' };

async function ok(res: { status: number; text: string; body: any }, what: string) {
  assert.equal(res.status, 200, `${what}: ${res.text}`);
  return res.body;
}

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server);
  // A member (DesktopCreativeUser) who reaches everything through a group and direct grants.
  member = await createUser(server, owner.accountId, { userType: 32 });
  const seen: Seen = new Map();
  const c = owner.client;
  const project = await ok(await c.post('/projects/insert', { name: 'Campaign', description: 'Q1' }), 'project');
  checkRecord('projects/insert', 'project', project, seen);
  const drive = await ok(await c.post('/sharedclouddrive/insert', { name: 'Footage', storageName: 'bucket' }), 'drive');
  checkRecord('sharedclouddrive/insert', 'sharedCloudDrive', drive, seen);
  const group = await createGroup(server, owner.accountId, 'Editors');
  await addMember(server, owner.accountId, group.id, member.userId);
  Object.assign(ids, { project: project.id, drive: drive.id, group: group.id });
  await ok(
    await c.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]),
    'assign',
  );
  const grant = (path: string, body: unknown) => c.post(`/userspermission/${path}`, [body]).then((r) => ok(r, path));
  await grant('users_project_permission', { userId: member.userId, projectId: project.id, permissionType: 1 });
  await grant('users_sharedclouddrive_permision', { userId: member.userId, sharedCloudDriveId: drive.id, permissionType: 2 });
  await grant('usergroups_project_permission', { userGroupId: group.id, projectId: project.id, permissionType: 2 });
  await grant('usergroup_sharedclouddrive_permission', {
    userGroupId: group.id,
    sharedCloudDriveId: drive.id,
    permissionType: 1,
  });
  await ok(await member.client.post('/apitoken/insert', { title: 'CI' }), 'apitoken');
  await ok(await c.post('/apitoken/insert', { title: 'backup' }), 'apitoken');
});

after(async () => {
  await server?.close();
});

/** The list endpoints: path, query, the kind of the top-level items (undefined: joined rows), admin only. */
function endpoints(): { path: string; query?: Record<string, string>; top?: Kind; adminOnly?: boolean; plain?: boolean }[] {
  const { project, drive, group } = ids;
  const userId = member.userId;
  return [
    { path: '/projects/get_all', top: 'project' },
    { path: '/projects/get_all_with_details', top: 'project' },
    { path: '/projects/get_assigned_sharedclouddrives', query: { projectId: project } },
    { path: '/projects/get_assigned_projects', query: { sharedCloudDriveId: drive } },
    { path: '/sharedclouddrive/get_all', top: 'sharedCloudDrive' },
    { path: '/sharedclouddrive/get_all_with_details', top: 'sharedCloudDrive' },
    { path: '/user/get_all_users', top: 'user', adminOnly: true },
    { path: '/user/get_all_users_with_details', top: 'user', adminOnly: true },
    { path: '/usergroup/get_all', top: 'userGroup', adminOnly: true },
    { path: '/usergroup/get_all_with_details', top: 'userGroup', adminOnly: true },
    { path: '/usergroup/get_assigned_users', query: { userGroupId: group }, adminOnly: true },
    { path: '/usergroup/get_assigned_usergroups', query: { userId }, adminOnly: true },
    { path: '/userspermission/get_users_assigned_to_project', query: { projectId: project }, adminOnly: true },
    { path: '/userspermission/get_projects_assigned_to_user', query: { userId } },
    { path: '/userspermission/get_users_assigned_to_sharedclouddrive', query: { sharedCloudDriveId: drive }, adminOnly: true },
    { path: '/userspermission/get_sharedclouddrive_assigned_to_user', query: { userId } },
    { path: '/userspermission/get_usergroups_assigned_to_project', query: { projectId: project }, adminOnly: true },
    { path: '/userspermission/get_projects_assigned_to_usergroup', query: { userGroupId: group } },
    { path: '/userspermission/get_usergroups_assigned_to_sharedclouddrive', query: { sharedCloudDrive: drive }, adminOnly: true },
    { path: '/userspermission/get_sharedclouddrive_assigned_to_usergroup', query: { userGroupId: group } },
    { path: '/apitoken/get_all', top: 'apiToken', plain: true },
  ];
}

describe('records: one declaration per kind', () => {
  test('each declaration’s keys are its schema’s properties and its SQL shape’s fields, in order', () => {
    for (const [kind, record] of Object.entries(kinds)) {
      assert.ok(record.keys.length > 0, kind);
      assert.deepEqual(Object.keys(record.schema.properties), record.keys, `${kind}: schema`);
      assert.deepEqual(Object.keys(record.inline.properties), record.keys, `${kind}: inline schema`);
      assert.deepEqual(Object.keys(record.shape), record.keys, `${kind}: SQL shape`);
    }
  });

  test('the documented orders: a permission is id, subject, target, permissionType; a user ends with the 2024 additions', () => {
    assert.deepEqual(records.userProjectPermission.keys.slice(0, 4), ['id', 'userId', 'projectId', 'permissionType']);
    assert.deepEqual(records.userGroupSharedCloudDrivePermission.keys.slice(0, 4), [
      'id',
      'userGroupId',
      'sharedCloudDriveId',
      'permissionType',
    ]);
    assert.deepEqual(records.project.keys.slice(0, 6), ['id', 'accountId', 'name', 'description', 'active', 'deleted']);
  });

  for (const caller of ['admin', 'member'] as const) {
    test(`every endpoint answers each record with the declared keys in order (${caller})`, async () => {
      const client: Client = caller === 'admin' ? owner.client : member.client;
      const seen: Seen = new Map();
      for (const endpoint of endpoints()) {
        if (caller === 'member' && endpoint.adminOnly) continue;
        const body = await ok(await client.get(endpoint.path, endpoint.query), `${caller} ${endpoint.path}`);
        const items: Record<string, unknown>[] = endpoint.plain ? body : body.data;
        assert.ok(items.length > 0, `${caller} ${endpoint.path}: at least one item`);
        const before = new Map(seen);
        for (const item of items) {
          if (endpoint.top) checkTop(endpoint.path, endpoint.top, item, seen);
          else checkRow(endpoint.path, item, seen);
        }
        // A details view carries at least one of each nested list's records.
        if (endpoint.path.endsWith('_with_details')) {
          for (const list of Object.keys(items[0]!).slice(kinds[endpoint.top!].keys.length)) {
            assert.ok((items[0]![list] as unknown[]).length > 0, `${caller} ${endpoint.path}: ${list} is not empty`);
          }
        }
        assert.ok(
          [...seen].some(([k, n]) => n > (before.get(k) ?? 0)),
          `${caller} ${endpoint.path}: records checked`,
        );
      }
      // Every record kind came out of some endpoint (a member lists no users or groups on their own).
      const expected = (Object.keys(kinds) as Kind[]).filter(
        (k) => caller === 'admin' || (k !== 'userUserGroup' && k !== 'user'),
      );
      for (const kind of expected) assert.ok(seen.get(kind), `${caller}: some endpoint returned a ${kind}`);
    });
  }

  test('single records written in JavaScript have the declared keys too', async () => {
    const seen: Seen = new Map();
    const c = owner.client;
    const updated = await ok(await c.put('/projects/update', { id: ids.project, description: 'Q2' }), 'update');
    checkRecord('projects/update', 'project', updated, seen);
    const group = await ok(await c.post('/usergroup/insert', { name: 'Reviewers' }), 'usergroup/insert');
    checkRecord('usergroup/insert', 'userGroup', group, seen);
    const user = await ok(
      await c.post('/user/insert_user', { username: 'new@example.com', email: 'new@example.com', userType: 32 }),
      'insert_user',
    );
    checkRecord('user/insert_user', 'user', user, seen);
    const token = await ok(await c.post('/apitoken/insert', { title: 'script' }), 'apitoken/insert');
    assert.deepEqual(Object.keys(token), [...records.apiToken.keys, 'token']);
    const reachable = await ok(await member.client.get('/sharedclouddrive/get_shared_cloud_drive'), 'get_shared_cloud_drive');
    assert.ok(reachable.length > 0);
    for (const item of reachable) checkRecord('get_shared_cloud_drive', 'sharedCloudDrive', item.sharedCloudDrive, seen);
  });
});
