import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMember, createGroup, createUser, softDelete, type TestUser } from './factories.js';
import {
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type Client,
  type TestAccount,
  type TestServer,
} from './helpers.js';

/**
 * The access matrix of DECISIONS.md section 4 over the Projects and SharedCloudDrive controllers and the
 * effective access endpoint: what the owner, an admin, creative users reaching records by each of the four
 * paths, a creative user without grants, and another account's owner each see and may change.
 *
 *   P1 ← cProject (ReadWrite)         D1 ← cDirect (Read); D1 also assigned to P3
 *   P2 ← group G2 (Read) ∋ cGroupProject   D2 ← group G1 (ReadWrite) ∋ cGroup
 *   P3 (no grant)                     D3 ∈ P1, D4 ∈ P2, D5 (nothing)
 *   cMulti: D3 directly (Read) and through P1 (ReadWrite), and through G1 (D2)
 */

let server: TestServer;
let owner: TestAccount;
let stranger: TestAccount;
let admin: TestUser;
let c: Record<'direct' | 'group' | 'project' | 'groupProject' | 'multi' | 'none', TestUser>;
const P: Record<string, { id: string; name: string }> = {};
const D: Record<string, { id: string; name: string }> = {};
let G1: { id: string; name: string };
let G2: { id: string; name: string };

async function ok(res: Promise<{ status: number; text: string; body: any }>) {
  const r = await res;
  assert.equal(r.status, 200, r.text);
  return r.body;
}

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Matrix Owner');
  stranger = await createAccount(server, 'Stranger');
  admin = await createUser(server, owner.accountId, { userType: 4 });
  c = {
    direct: await createUser(server, owner.accountId, { userType: 32 }),
    group: await createUser(server, owner.accountId, { userType: 32 }),
    project: await createUser(server, owner.accountId, { userType: 32 }),
    groupProject: await createUser(server, owner.accountId, { userType: 32 }),
    multi: await createUser(server, owner.accountId, { userType: 32 }),
    none: await createUser(server, owner.accountId, { userType: 32 }),
  };
  for (const name of ['P1', 'P2', 'P3']) P[name] = await ok(owner.client.post('/projects/insert', { name }));
  for (const name of ['D1', 'D2', 'D3', 'D4', 'D5']) D[name] = await ok(owner.client.post('/sharedclouddrive/insert', { name }));
  // The stranger's account has records of its own, which nobody here may see.
  await ok(stranger.client.post('/projects/insert', { name: 'P1' }));
  await ok(stranger.client.post('/sharedclouddrive/insert', { name: 'D1' }));
  G1 = await createGroup(server, owner.accountId, 'G1');
  G2 = await createGroup(server, owner.accountId, 'G2');
  await addMember(server, owner.accountId, G1.id, c.group.userId);
  await addMember(server, owner.accountId, G1.id, c.multi.userId);
  await addMember(server, owner.accountId, G2.id, c.groupProject.userId);

  await ok(
    owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: P.P1!.id, sharedCloudDriveId: D.D3!.id },
      { projectId: P.P2!.id, sharedCloudDriveId: D.D4!.id },
      { projectId: P.P3!.id, sharedCloudDriveId: D.D1!.id },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/users_project_permission', [
      { userId: c.project.userId, projectId: P.P1!.id, permissionType: 2 },
      { userId: c.multi.userId, projectId: P.P1!.id, permissionType: 2 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/usergroups_project_permission', [
      { userGroupId: G2.id, projectId: P.P2!.id, permissionType: 1 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/users_sharedclouddrive_permision', [
      { userId: c.direct.userId, sharedCloudDriveId: D.D1!.id, permissionType: 1 },
      { userId: c.multi.userId, sharedCloudDriveId: D.D3!.id, permissionType: 1 },
    ]),
  );
  await ok(
    owner.client.post('/userspermission/usergroup_sharedclouddrive_permission', [
      { userGroupId: G1.id, sharedCloudDriveId: D.D2!.id, permissionType: 2 },
    ]),
  );
});
after(() => server.close());

const names = (body: any) => body.data.map((r: any) => r.name);

/** What each caller must see: project names and drive names, in name order. */
const visible = () =>
  [
    ['owner', owner.client, ['P1', 'P2', 'P3'], ['D1', 'D2', 'D3', 'D4', 'D5']],
    ['admin (AccountAdmin)', admin.client, ['P1', 'P2', 'P3'], ['D1', 'D2', 'D3', 'D4', 'D5']],
    ['creative, direct grant', c.direct.client, [], ['D1']],
    ['creative, through a group', c.group.client, [], ['D2']],
    ['creative, through a project', c.project.client, ['P1'], ['D3']],
    ["creative, through a group's project", c.groupProject.client, ['P2'], ['D4']],
    ['creative, several paths', c.multi.client, ['P1'], ['D2', 'D3']],
    ['creative, no grant', c.none.client, [], []],
    ['owner of another account', stranger.client, ['P1'], ['D1']],
  ] as [string, Client, string[], string[]][];

describe('reads', () => {
  test('get_all and get_all_with_details list exactly what each caller reaches, with the right totals', async () => {
    for (const [who, client, projects, drives] of visible()) {
      for (const route of ['/projects/get_all', '/projects/get_all_with_details']) {
        const body = await ok(client.get(route));
        assert.deepEqual(names(body), projects, `${who}: ${route}`);
        assert.equal(body.total, projects.length, `${who}: ${route} total`);
      }
      for (const route of ['/sharedclouddrive/get_all', '/sharedclouddrive/get_all_with_details']) {
        const body = await ok(client.get(route));
        assert.deepEqual(names(body), drives, `${who}: ${route}`);
        assert.equal(body.total, drives.length, `${who}: ${route} total`);
      }
      // Paging and filters apply within what the caller reaches.
      const paged = await ok(client.get('/sharedclouddrive/get_all', { pagesize: 1, page: 2 }));
      assert.equal(paged.total, drives.length, who);
      assert.deepEqual(names(paged), drives.slice(1, 2), who);
      const filtered = await ok(client.get('/projects/get_all', { name: 'p1' }));
      assert.deepEqual(
        names(filtered),
        projects.filter((p) => p === 'P1'),
        who,
      );
    }
  });

  test('get_assigned_sharedclouddrives: NOT_FOUND for a project the caller does not reach', async () => {
    const drivesOf = async (client: Client, project: string) =>
      client.get('/projects/get_assigned_sharedclouddrives', { projectId: P[project]!.id });
    for (const client of [owner.client, admin.client, c.project.client, c.multi.client]) {
      const body = await ok(drivesOf(client, 'P1'));
      assert.deepEqual(
        body.data.map((r: any) => r.sharedCloudDrive.name),
        ['D3'],
      );
    }
    assert.deepEqual(
      (await ok(drivesOf(c.groupProject.client, 'P2'))).data.map((r: any) => r.sharedCloudDrive.name),
      ['D4'],
    );
    for (const client of [c.direct.client, c.group.client, c.none.client, c.groupProject.client, stranger.client]) {
      expectError(await drivesOf(client, 'P1'), 499, 'NOT_FOUND');
    }
    // D1 is reached directly by cDirect, but its project P3 is not: P3 stays hidden.
    expectError(await drivesOf(c.direct.client, 'P3'), 499, 'NOT_FOUND');
  });

  test('get_assigned_projects: NOT_FOUND for an unreachable drive, and only reachable projects listed', async () => {
    const projectsOf = async (client: Client, drive: string) =>
      client.get('/projects/get_assigned_projects', { sharedCloudDriveId: D[drive]!.id });
    assert.deepEqual(
      (await ok(projectsOf(owner.client, 'D1'))).data.map((r: any) => r.project.name),
      ['P3'],
    );
    const direct = await ok(projectsOf(c.direct.client, 'D1'));
    assert.deepEqual([direct.data, direct.total], [[], 0]);
    assert.deepEqual(
      (await ok(projectsOf(c.project.client, 'D3'))).data.map((r: any) => r.project.name),
      ['P1'],
    );
    assert.deepEqual((await ok(projectsOf(c.multi.client, 'D3'))).total, 1);
    assert.deepEqual((await ok(projectsOf(c.group.client, 'D2'))).total, 0);
    for (const [client, drive] of [
      [c.none.client, 'D1'],
      [c.direct.client, 'D3'],
      [c.group.client, 'D4'],
      [c.project.client, 'D4'],
      [stranger.client, 'D1'],
      [admin.client, 'D1'],
    ] as const) {
      const res = await projectsOf(client, drive);
      if (client === admin.client) assert.equal(res.status, 200);
      else expectError(res, 499, 'NOT_FOUND');
    }
  });

  test('details views of a non-admin hide the projects and drives they do not reach', async () => {
    const drives = await ok(c.direct.client.get('/sharedclouddrive/get_all_with_details'));
    assert.deepEqual(names(drives), ['D1']);
    assert.deepEqual(drives.data[0].projectsData, [], 'P3 is not reachable by cDirect');
    assert.deepEqual(
      drives.data[0].usersData.map((e: any) => [e.user.id, e.permission.permissionType]),
      [[c.direct.userId, 1]],
    );
    const asOwner = await ok(owner.client.get('/sharedclouddrive/get_all_with_details', { name: 'D1' }));
    assert.deepEqual(
      asOwner.data[0].projectsData.map((e: any) => e.project.name),
      ['P3'],
    );
    const projects = await ok(c.project.client.get('/projects/get_all_with_details'));
    assert.deepEqual(
      projects.data[0].drivesData.map((e: any) => e.sharedCloudDrive.name),
      ['D3'],
    );
    assert.deepEqual(projects.data[0].usersData.map((e: any) => e.user.id).sort(), [c.project.userId, c.multi.userId].sort());
    const p2 = await ok(owner.client.get('/projects/get_all_with_details', { name: 'P2' }));
    assert.deepEqual(
      p2.data[0].groupsData.map((e: any) => [e.userGroup.name, e.permission.permissionType]),
      [['G2', 1]],
    );
    assert.deepEqual(p2.data[0].usersData, []);
  });
});

describe('get_shared_cloud_drive', () => {
  const effective = async (client: Client) => {
    const res = await client.get('/sharedclouddrive/get_shared_cloud_drive');
    assert.equal(res.status, 200, res.text);
    assert.ok(Array.isArray(res.body), 'a plain array, not a DTOCollection');
    return res.body as any[];
  };

  test('each path, once per drive, with the strongest permission and the paths', async () => {
    assert.deepEqual(await effective(c.direct.client), [
      {
        sharedCloudDrive: (await ok(owner.client.get('/sharedclouddrive/get_all', { name: 'D1' }))).data[0],
        permissionType: 1,
        paths: [{ via: 'direct', permissionType: 1 }],
      },
    ]);
    const group = await effective(c.group.client);
    assert.deepEqual(
      group.map((i) => [i.sharedCloudDrive.name, i.permissionType, i.paths]),
      [['D2', 2, [{ via: 'group', userGroup: { id: G1.id, name: 'G1' }, permissionType: 2 }]]],
    );
    const project = await effective(c.project.client);
    assert.deepEqual(
      project.map((i) => [i.sharedCloudDrive.name, i.permissionType, i.paths]),
      [['D3', 2, [{ via: 'project', project: { id: P.P1!.id, name: 'P1' }, permissionType: 2 }]]],
    );
    const groupProject = await effective(c.groupProject.client);
    assert.deepEqual(
      groupProject.map((i) => [i.sharedCloudDrive.name, i.permissionType, i.paths]),
      [
        [
          'D4',
          1,
          [
            {
              via: 'groupProject',
              userGroup: { id: G2.id, name: 'G2' },
              project: { id: P.P2!.id, name: 'P2' },
              permissionType: 1,
            },
          ],
        ],
      ],
    );
    const multi = await effective(c.multi.client);
    assert.deepEqual(
      multi.map((i) => [i.sharedCloudDrive.name, i.permissionType, i.paths.map((p: any) => [p.via, p.permissionType])]),
      [
        ['D2', 2, [['group', 2]]],
        [
          'D3',
          2,
          [
            ['direct', 1],
            ['project', 2],
          ],
        ],
      ],
    );
    assert.deepEqual(await effective(c.none.client), []);
    // Admins get what is granted to them too, not every drive; the stranger sees nothing of this account.
    assert.deepEqual(await effective(owner.client), []);
    assert.deepEqual(await effective(admin.client), []);
    assert.deepEqual(await effective(stranger.client), []);
    expectError(await owner.client.withToken(undefined).get('/sharedclouddrive/get_shared_cloud_drive'), 401, 'AUTH');
  });

  test('grants changes show at once; deleted groups, projects and drives lead nowhere', async () => {
    const extra = await createUser(server, owner.accountId, { userType: 64 });
    const group = await createGroup(server, owner.accountId, 'Temporary');
    await addMember(server, owner.accountId, group.id, extra.userId);
    const project = await ok(owner.client.post('/projects/insert', { name: 'Temp Project' }));
    const drive = await ok(owner.client.post('/sharedclouddrive/insert', { name: 'Temp Drive' }));
    await ok(owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]));
    await ok(
      owner.client.post('/userspermission/usergroups_project_permission', [
        { userGroupId: group.id, projectId: project.id, permissionType: 1 },
      ]),
    );
    const grants = await ok(owner.client.get('/userspermission/get_projects_assigned_to_usergroup', { userGroupId: group.id }));
    assert.equal((await effective(extra.client))[0].permissionType, 1);
    // PUT raises the group's permission on the project; the drive reached through it follows.
    await ok(
      owner.client.put('/userspermission/usergroups_project_permission', [
        { id: grants.data[0].permission.id, permissionType: 2 },
      ]),
    );
    assert.equal((await effective(extra.client))[0].permissionType, 2);
    assert.deepEqual(names(await ok(extra.client.get('/projects/get_all'))), ['Temp Project']);
    // A deleted group grants nothing any more.
    await softDelete(server, 'user_groups', group.id);
    assert.deepEqual(await effective(extra.client), []);
    assert.deepEqual(names(await ok(extra.client.get('/projects/get_all'))), []);
    assert.deepEqual(names(await ok(extra.client.get('/sharedclouddrive/get_all'))), []);
    // A deleted drive disappears from the direct path too.
    await ok(
      owner.client.post('/userspermission/users_sharedclouddrive_permision', [
        { userId: extra.userId, sharedCloudDriveId: drive.id, permissionType: 1 },
      ]),
    );
    assert.equal((await effective(extra.client)).length, 1);
    await ok(owner.client.delete('/sharedclouddrive/delete', { id: drive.id }));
    assert.deepEqual(await effective(extra.client), []);
  });
});

describe('writes', () => {
  test('non-admins get 499 ACCESS for every change, even on records they reach; admins may change', async () => {
    const writes = (client: Client) => [
      client.post('/projects/insert', { name: 'Sneaky' }),
      client.put('/projects/update', { id: P.P1!.id, name: 'Renamed' }),
      client.delete('/projects/delete', { id: P.P1!.id }),
      client.post('/projects/restore', undefined, { id: P.P1!.id }),
      client.post('/projects/assign_sharedclouddrive', [{ projectId: P.P1!.id, sharedCloudDriveId: D.D5!.id }]),
      client.delete('/projects/unassign_sharedclouddrive', { id: UNKNOWN_ID }),
      client.post('/sharedclouddrive/insert', { name: 'Sneaky' }),
      client.put('/sharedclouddrive/update', { id: D.D1!.id, name: 'Renamed' }),
      client.delete('/sharedclouddrive/delete', { id: D.D1!.id }),
      client.post('/sharedclouddrive/restore', undefined, { id: D.D1!.id }),
      client.post('/userspermission/users_project_permission', [
        { userId: c.none.userId, projectId: P.P1!.id, permissionType: 1 },
      ]),
    ];
    for (const user of Object.values(c)) {
      for (const res of await Promise.all(writes(user.client))) expectError(res, 499, 'ACCESS');
    }
    // Nothing changed.
    const projectNames = names(await ok(owner.client.get('/projects/get_all')));
    assert.ok(
      ['P1', 'P2', 'P3'].every((n) => projectNames.includes(n)) && !projectNames.includes('Sneaky'),
      String(projectNames),
    );
    assert.equal((await ok(owner.client.get('/sharedclouddrive/get_all', { name: 'D1' }))).total, 1);
    assert.equal((await ok(owner.client.get('/sharedclouddrive/get_all', { name: 'Sneaky' }))).total, 0);
    assert.equal((await ok(owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: P.P1!.id }))).total, 1);

    const created = await ok(admin.client.post('/projects/insert', { name: 'By Admin' }));
    await ok(admin.client.put('/projects/update', { id: created.id, description: 'changed' }));
    const drive = await ok(admin.client.post('/sharedclouddrive/insert', { name: 'Admin Drive' }));
    await ok(admin.client.post('/projects/assign_sharedclouddrive', [{ projectId: created.id, sharedCloudDriveId: drive.id }]));
    await ok(admin.client.delete('/projects/delete', { id: created.id }));
    await ok(admin.client.delete('/sharedclouddrive/delete', { id: drive.id }));
    // The other account's owner is an admin only of their own account: ids here are unknown to them.
    expectError(await stranger.client.put('/projects/update', { id: P.P1!.id, name: 'x' }), 499, 'NOT_FOUND');
    expectError(await stranger.client.delete('/sharedclouddrive/delete', { id: D.D1!.id }), 499, 'NOT_FOUND');
  });
});
