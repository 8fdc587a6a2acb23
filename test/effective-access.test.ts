import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMember, createGroup, createUser, softDelete, type TestUser } from './factories.js';
import { createAccount, expectError, startTestServer, UNKNOWN_ID, type TestAccount, type TestServer } from './helpers.js';

/**
 * Effective access for any user and any drive (DECISIONS.md section 9), for admins:
 * `sharedclouddrive/get_effective_access?id=` and `user/get_effective_access?userId=`. Inactive projects and
 * groups grant nothing, everywhere (the members' lists and details, get_shared_cloud_drive, both endpoints);
 * a deleted or inactive user reaches nothing.
 *
 *   D1 ← direct (Read); ← group G1 (ReadWrite) ∋ grouped; ∈ P1 ← projected (Read), ← G1 (Read)
 *   D1 ← G2 (inactive, ReadWrite) ∋ offGroup; ∈ P2 (inactive) ← offProject (ReadWrite)
 *   D1 ← sleeper (an inactive user, ReadWrite), ← gone (a deleted user, ReadWrite)
 *   D2 ∈ P2 only
 */

let server: TestServer;
let owner: TestAccount;
let stranger: TestAccount;
let u: Record<'direct' | 'grouped' | 'projected' | 'offGroup' | 'offProject' | 'sleeper' | 'gone' | 'admin', TestUser>;
const P: Record<string, { id: string; name: string }> = {};
const D: Record<string, { id: string; name: string }> = {};
let G1: { id: string; name: string };
let G2: { id: string; name: string };

async function ok(res: Promise<{ status: number; text: string; body: any; headers: Headers }>) {
  const r = await res;
  assert.equal(r.status, 200, r.text);
  return r.body;
}

before(async () => {
  server = await startTestServer({ debugQueryCount: true, responseCache: false });
  owner = await createAccount(server, 'Effective Owner');
  stranger = await createAccount(server, 'Effective Stranger');
  u = {
    direct: await createUser(server, owner.accountId, { userType: 32, username: 'a-direct@example.com' }),
    grouped: await createUser(server, owner.accountId, { userType: 32, username: 'b-grouped@example.com' }),
    projected: await createUser(server, owner.accountId, { userType: 32, username: 'c-projected@example.com' }),
    offGroup: await createUser(server, owner.accountId, { userType: 32, username: 'd-offgroup@example.com' }),
    offProject: await createUser(server, owner.accountId, { userType: 32, username: 'e-offproject@example.com' }),
    sleeper: await createUser(server, owner.accountId, { userType: 32, username: 'f-sleeper@example.com' }),
    gone: await createUser(server, owner.accountId, { userType: 32, username: 'g-gone@example.com' }),
    admin: await createUser(server, owner.accountId, { userType: 4, username: 'h-admin@example.com' }),
  };
  P.P1 = await ok(owner.client.post('/projects/insert', { name: 'P1' }));
  P.P2 = await ok(owner.client.post('/projects/insert', { name: 'P2', active: false }));
  D.D1 = await ok(owner.client.post('/sharedclouddrive/insert', { name: 'D1' }));
  D.D2 = await ok(owner.client.post('/sharedclouddrive/insert', { name: 'D2' }));
  G1 = await createGroup(server, owner.accountId, 'G1');
  G2 = await createGroup(server, owner.accountId, 'G2');
  await server.ctx.store.db.updateTable('user_groups').set({ active: 0 }).where('id', '=', G2.id).execute();
  await addMember(server, owner.accountId, G1.id, u.grouped.userId);
  await addMember(server, owner.accountId, G2.id, u.offGroup.userId);
  await ok(
    owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: P.P1!.id, sharedCloudDriveId: D.D1!.id },
      { projectId: P.P2!.id, sharedCloudDriveId: D.D1!.id },
      { projectId: P.P2!.id, sharedCloudDriveId: D.D2!.id },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/users_sharedclouddrive_permision', [
      { userId: u.direct.userId, sharedCloudDriveId: D.D1!.id, permissionType: 1 },
      { userId: u.sleeper.userId, sharedCloudDriveId: D.D1!.id, permissionType: 2 },
      { userId: u.gone.userId, sharedCloudDriveId: D.D1!.id, permissionType: 2 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/usergroup_sharedclouddrive_permission', [
      { userGroupId: G1.id, sharedCloudDriveId: D.D1!.id, permissionType: 2 },
      { userGroupId: G2.id, sharedCloudDriveId: D.D1!.id, permissionType: 2 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/users_project_permission', [
      { userId: u.projected.userId, projectId: P.P1!.id, permissionType: 1 },
      { userId: u.offProject.userId, projectId: P.P2!.id, permissionType: 2 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/usergroups_project_permission', [
      { userGroupId: G1.id, projectId: P.P1!.id, permissionType: 1 },
    ]),
  );
  await ok(owner.client.put('/user/edit_user', { id: u.sleeper.userId, status: 2 }));
  await softDelete(server, 'users', u.gone.userId);
});
after(() => server.close());

describe('sharedclouddrive/get_effective_access', () => {
  test('lists every active user who reaches the drive, once, with the strongest permission and every path', async () => {
    const body = await ok(owner.client.get('/sharedclouddrive/get_effective_access', { id: D.D1!.id }));
    assert.deepEqual(
      body.map((item: any) => item.user.username),
      ['a-direct@example.com', 'b-grouped@example.com', 'c-projected@example.com'],
      'sorted by username; the inactive group and project, the inactive and the deleted user lead nowhere',
    );
    const [direct, grouped, projected] = body;
    assert.equal(direct.user.id, u.direct.userId);
    assert.equal(direct.user.passwordHash, undefined, 'the user is presented, not the row');
    assert.deepEqual(
      { permissionType: direct.permissionType, paths: direct.paths },
      { permissionType: 1, paths: [{ via: 'direct', permissionType: 1 }] },
    );
    assert.deepEqual(
      { permissionType: grouped.permissionType, paths: grouped.paths },
      {
        permissionType: 2,
        paths: [
          { via: 'group', userGroup: { id: G1.id, name: 'G1' }, permissionType: 2 },
          { via: 'groupProject', userGroup: { id: G1.id, name: 'G1' }, project: { id: P.P1!.id, name: 'P1' }, permissionType: 1 },
        ],
      },
    );
    assert.deepEqual(
      { permissionType: projected.permissionType, paths: projected.paths },
      { permissionType: 1, paths: [{ via: 'project', project: { id: P.P1!.id, name: 'P1' }, permissionType: 1 }] },
    );
  });

  test('a drive reached by nobody is an empty array; an admin user may ask too', async () => {
    assert.deepEqual(await ok(u.admin.client.get('/sharedclouddrive/get_effective_access', { id: D.D2!.id })), []);
  });

  test('an invited user who has not signed up yet is listed (the access is theirs once they do); an inactive one is not', async () => {
    const drive = await ok(owner.client.post('/sharedclouddrive/insert', { name: 'Invitees' }));
    const pending = await ok(
      owner.client.post('/user/insert_user', { username: 'p-pending@example.com', email: 'p-pending@example.com', userType: 32 }),
    );
    await ok(
      owner.client.post('/userspermission/users_sharedclouddrive_permision', [
        { userId: pending.id, sharedCloudDriveId: drive.id, permissionType: 1 },
        { userId: u.sleeper.userId, sharedCloudDriveId: drive.id, permissionType: 1 },
      ]),
    );
    const body = await ok(owner.client.get('/sharedclouddrive/get_effective_access', { id: drive.id }));
    assert.deepEqual(
      body.map((item: any) => [item.user.username, item.user.status]),
      [['p-pending@example.com', 4]],
    );
  });

  test('members, unknown drives, other accounts and bad ids are refused', async () => {
    expectError(await u.direct.client.get('/sharedclouddrive/get_effective_access', { id: D.D1!.id }), 499, 'ACCESS');
    expectError(await owner.client.get('/sharedclouddrive/get_effective_access', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await stranger.client.get('/sharedclouddrive/get_effective_access', { id: D.D1!.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/sharedclouddrive/get_effective_access', { id: 'nope' }), 499, 'DEFAULT', /id/);
    expectError(await owner.client.get('/sharedclouddrive/get_effective_access'), 499, 'DEFAULT', /id/);
    expectError(
      await owner.client.withToken(undefined).get('/sharedclouddrive/get_effective_access', { id: D.D1!.id }),
      401,
      'AUTH',
    );
  });
});

describe('user/get_effective_access', () => {
  test("answers in get_shared_cloud_drive's shape, the same as the user sees for themselves", async () => {
    const body = await ok(owner.client.get('/user/get_effective_access', { userId: u.grouped.userId }));
    assert.deepEqual(body, await ok(u.grouped.client.get('/sharedclouddrive/get_shared_cloud_drive')));
    assert.equal(body.length, 1);
    assert.equal(body[0].sharedCloudDrive.id, D.D1!.id);
    assert.equal(body[0].sharedCloudDrive.name, 'D1');
    assert.equal(body[0].permissionType, 2);
    assert.deepEqual(
      body[0].paths.map((p: any) => p.via),
      ['group', 'groupProject'],
    );
  });

  test('an inactive or unassigned user reaches nothing; a deleted, unknown or foreign user is NOT_FOUND', async () => {
    assert.deepEqual(await ok(owner.client.get('/user/get_effective_access', { userId: u.sleeper.userId })), []);
    assert.deepEqual(await ok(owner.client.get('/user/get_effective_access', { userId: u.admin.userId })), []);
    expectError(await owner.client.get('/user/get_effective_access', { userId: u.gone.userId }), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/user/get_effective_access', { userId: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await stranger.client.get('/user/get_effective_access', { userId: u.direct.userId }), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/user/get_effective_access', { userId: 'x' }), 499, 'DEFAULT', /userId/);
    expectError(await u.direct.client.get('/user/get_effective_access', { userId: u.direct.userId }), 499, 'ACCESS');
  });
});

describe('inactive projects and groups grant nothing, everywhere', () => {
  test('a member of an inactive group or granted an inactive project reaches nothing until it is active again', async () => {
    const sees = async (who: TestUser) => ({
      projects: (await ok(who.client.get('/projects/get_all'))).data.map((p: any) => p.name),
      projectDetails: (await ok(who.client.get('/projects/get_all_with_details'))).data.map((p: any) => p.name),
      drives: (await ok(who.client.get('/sharedclouddrive/get_all'))).data.map((d: any) => d.name),
      driveDetails: (await ok(who.client.get('/sharedclouddrive/get_all_with_details'))).data.map((d: any) => d.name),
      effective: (await ok(who.client.get('/sharedclouddrive/get_shared_cloud_drive'))).map((d: any) => d.sharedCloudDrive.name),
      asAdminSeesIt: (await ok(owner.client.get('/user/get_effective_access', { userId: who.userId }))).map(
        (d: any) => d.sharedCloudDrive.name,
      ),
    });
    const nothing = { projects: [], projectDetails: [], drives: [], driveDetails: [], effective: [], asAdminSeesIt: [] };
    assert.deepEqual(await sees(u.offProject), nothing);
    assert.deepEqual(await sees(u.offGroup), nothing);
    expectError(
      await u.offProject.client.get('/projects/get_assigned_sharedclouddrives', { projectId: P.P2!.id }),
      499,
      'NOT_FOUND',
    );

    // Active again: the same paths grant access at once.
    await ok(owner.client.put('/projects/update', { id: P.P2!.id, active: true }));
    await ok(owner.client.put('/usergroup/update', { id: G2.id, active: true }));
    assert.deepEqual(await sees(u.offProject), {
      projects: ['P2'],
      projectDetails: ['P2'],
      drives: ['D1', 'D2'],
      driveDetails: ['D1', 'D2'],
      effective: ['D1', 'D2'],
      asAdminSeesIt: ['D1', 'D2'],
    });
    assert.deepEqual((await sees(u.offGroup)).effective, ['D1']);
    const d1 = await ok(owner.client.get('/sharedclouddrive/get_effective_access', { id: D.D1!.id }));
    assert.deepEqual(
      d1.map((item: any) => item.user.username),
      [
        'a-direct@example.com',
        'b-grouped@example.com',
        'c-projected@example.com',
        'd-offgroup@example.com',
        'e-offproject@example.com',
      ],
    );

    // And inactive once more: gone again.
    await ok(owner.client.put('/projects/update', { id: P.P2!.id, active: false }));
    await ok(owner.client.put('/usergroup/update', { id: G2.id, active: false }));
    assert.deepEqual(await sees(u.offProject), nothing);
    assert.deepEqual(await sees(u.offGroup), nothing);
  });
});

describe('a fixed number of SQL statements per request', () => {
  test('whatever the number of users, groups and paths', async () => {
    // Measured on a second call: the first after a write also re-reads the session (authentication).
    const count = async (route: string, query: Record<string, string>) => {
      await owner.client.get(route, query);
      const res = await owner.client.get(route, query);
      assert.equal(res.status, 200, res.text);
      return { statements: Number(res.headers.get('x-clickd-queries')), items: (res.body as unknown[]).length };
    };
    const driveBefore = await count('/sharedclouddrive/get_effective_access', { id: D.D1!.id });
    const userBefore = await count('/user/get_effective_access', { userId: u.grouped.userId });
    assert.ok(driveBefore.statements > 0);

    // Ten more users reaching D1 by every path, and more drives for the grouped user.
    const group = await createGroup(server, owner.accountId, 'Many');
    await addMember(server, owner.accountId, group.id, u.grouped.userId);
    const extraDrives = [];
    for (let i = 0; i < 5; i++) extraDrives.push(await ok(owner.client.post('/sharedclouddrive/insert', { name: `More ${i}` })));
    await ok(
      owner.client.post(
        '/userspermission/usergroup_sharedclouddrive_permission',
        extraDrives.map((d) => ({ userGroupId: group.id, sharedCloudDriveId: d.id, permissionType: 1 })),
      ),
    );
    for (let i = 0; i < 10; i++) {
      const user = await createUser(server, owner.accountId, { userType: 32, username: `z-many-${i}@example.com` });
      await addMember(server, owner.accountId, G1.id, user.userId);
      await ok(
        owner.client.post('/userspermission/users_sharedclouddrive_permision', [
          { userId: user.userId, sharedCloudDriveId: D.D1!.id, permissionType: 1 },
        ]),
      );
    }
    const driveAfter = await count('/sharedclouddrive/get_effective_access', { id: D.D1!.id });
    const userAfter = await count('/user/get_effective_access', { userId: u.grouped.userId });
    assert.equal(driveAfter.items, driveBefore.items + 10);
    assert.equal(userAfter.items, userBefore.items + 5);
    assert.equal(driveAfter.statements, driveBefore.statements);
    assert.equal(userAfter.statements, userBefore.statements);
  });
});
