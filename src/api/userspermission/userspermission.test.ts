import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMember, createGroup, createUser, softDelete, type TestUser } from '../../../test/factories.js';
import {
  createAccount,
  expectError,
  startTestServer,
  UNKNOWN_ID,
  type TestAccount,
  type TestServer,
} from '../../../test/helpers.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

/** Records of one account, created for the grants. */
interface Fixture {
  users: { id: string; username: string }[];
  groups: { id: string; name: string }[];
  projects: { id: string; name: string }[];
  drives: { id: string; name: string }[];
}

let a: Fixture;
let b: Fixture;
let creative: TestUser;
let prefixCounter = 0;

async function fixture(account: TestAccount, prefix: string): Promise<Fixture> {
  const users = [];
  for (const name of ['carol', 'alice', 'bob']) {
    const u = await server.ctx.store.db
      .insertInto('users')
      .values({
        id: crypto.randomUUID(),
        account_id: account.accountId,
        username: `${name}.${prefix}@example.com`,
        username_key: `${name}.${prefix}@example.com`.toLowerCase(),
        email: `${name}.${prefix}@example.com`,
        firstname: name,
        lastname: prefix,
        user_type: 32,
        status: 4,
        owner: 0,
        mfa: 0,
        mfa_secret: 'SECRET',
        mfa_pending_secret: null,
        password_hash: 'scrypt$hash',
        auth_provider: 0,
        migration: 0,
        deleted: 0,
        signup_date: null,
        create_date: new Date().toISOString(),
        update_date: new Date().toISOString(),
      })
      .returning(['id', 'username'])
      .executeTakeFirstOrThrow();
    users.push(u);
  }
  const groups = [];
  for (const name of ['Zeta Team', 'Alpha Team', 'Mid Team'])
    groups.push(await createGroup(server, account.accountId, `${prefix} ${name}`));
  const projects = [];
  for (const name of ['Zulu', 'Apollo', 'Mercury']) {
    const res = await account.client.post('/projects/insert', { name: `${prefix} ${name}` });
    assert.equal(res.status, 200, res.text);
    projects.push(res.body);
  }
  const drives = [];
  for (const name of ['Zdrive', 'Adrive', 'Mdrive']) {
    const res = await account.client.post('/sharedclouddrive/insert', { name: `${prefix} ${name}` });
    assert.equal(res.status, 200, res.text);
    drives.push(res.body);
  }
  return { users, groups, projects, drives };
}

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Owner One');
  other = await createAccount(server, 'Owner Two');
  a = await fixture(owner, 'A');
  b = await fixture(other, 'B');
  creative = await createUser(server, owner.accountId, { userType: 32 });
});
after(() => server.close());

/** The four kinds, with their route, body fields and the records on each side. */
const kinds = [
  { route: 'users_project_permission', subject: 'userId', target: 'projectId', subjects: 'users', targets: 'projects' },
  {
    route: 'users_sharedclouddrive_permision',
    subject: 'userId',
    target: 'sharedCloudDriveId',
    subjects: 'users',
    targets: 'drives',
  },
  {
    route: 'usergroups_project_permission',
    subject: 'userGroupId',
    target: 'projectId',
    subjects: 'groups',
    targets: 'projects',
  },
  {
    route: 'usergroup_sharedclouddrive_permission',
    subject: 'userGroupId',
    target: 'sharedCloudDriveId',
    subjects: 'groups',
    targets: 'drives',
  },
] as const;

/** For each kind: the list by subject and the list by target, with the parent's query parameter. */
const lists = {
  users_project_permission: {
    bySubject: { route: 'get_projects_assigned_to_user', param: 'userId', sort: 'Project.Name', filter: 'name' },
    byTarget: { route: 'get_users_assigned_to_project', param: 'projectId', sort: 'User.Username', filter: 'username' },
    subjectKey: 'user',
    targetKey: 'project',
  },
  users_sharedclouddrive_permision: {
    bySubject: { route: 'get_sharedclouddrive_assigned_to_user', param: 'userId', sort: 'SharedClouDrive.Name', filter: 'name' },
    byTarget: {
      route: 'get_users_assigned_to_sharedclouddrive',
      param: 'sharedCloudDriveId',
      sort: 'User.Username',
      filter: 'username',
    },
    subjectKey: 'user',
    targetKey: 'sharedClouDrive',
  },
  usergroups_project_permission: {
    bySubject: { route: 'get_projects_assigned_to_usergroup', param: 'userGroupId', sort: 'Project.Name', filter: 'name' },
    byTarget: { route: 'get_usergroups_assigned_to_project', param: 'projectId', sort: 'UserGroup.Name', filter: 'name' },
    subjectKey: 'userGroup',
    targetKey: 'project',
  },
  usergroup_sharedclouddrive_permission: {
    bySubject: {
      route: 'get_sharedclouddrive_assigned_to_usergroup',
      param: 'userGroupId',
      sort: 'SharedCloudDrive.Name',
      filter: 'name',
    },
    byTarget: {
      route: 'get_usergroups_assigned_to_sharedclouddrive',
      param: 'sharedCloudDrive',
      sort: 'UserGroup.Name',
      filter: 'name',
    },
    subjectKey: 'userGroup',
    targetKey: 'sharedCloudDrive',
  },
} as const;

const url = (route: string) => `/userspermission/${route}`;

for (const kind of kinds) {
  const list = lists[kind.route];
  const grant = (subjectId: string, targetId: string, permissionType: number) => ({
    [kind.subject]: subjectId,
    [kind.target]: targetId,
    permissionType,
  });

  describe(`${kind.route}`, () => {
    test('POST grants, both lists show them with the documented row shape; PUT changes the type; DELETE removes', async () => {
      const subject = a[kind.subjects][0]!;
      const [t0, t1, t2] = a[kind.targets] as { id: string; name: string }[];
      const post = await owner.client.post(url(kind.route), [grant(subject.id, t0!.id, 1), grant(subject.id, t1!.id, 2)]);
      assert.equal(post.status, 200, post.text);
      assert.equal(post.text, '');

      const bySubject = await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id });
      assert.equal(bySubject.status, 200, bySubject.text);
      assert.equal(bySubject.body.total, 2);
      assert.deepEqual(bySubject.body.options, {
        page: 1,
        pageSize: 50,
        sort: [{ field: list.bySubject.sort, descending: false }],
      });
      // Sorted by the target's name: "A Apollo" < "A Zulu" (or the drives alike).
      assert.deepEqual(
        bySubject.body.data.map((row: any) => row[list.targetKey].id),
        [t1!.id, t0!.id],
      );
      const row = bySubject.body.data[0];
      const expectedKeys = [list.subjectKey, list.targetKey, 'permission'];
      if (list.targetKey === 'sharedClouDrive') expectedKeys.push('sharedCloudDrive');
      assert.deepEqual(Object.keys(row).sort(), expectedKeys.sort());
      if (list.targetKey === 'sharedClouDrive') assert.deepEqual(row.sharedCloudDrive, row.sharedClouDrive);
      assert.equal(row[list.subjectKey].id, subject.id);
      assert.equal(row[list.targetKey].name, t1!.name);
      assert.deepEqual(
        Object.keys(row.permission).sort(),
        ['createDate', 'id', kind.subject, kind.target, 'permissionType', 'updateDate'].sort(),
      );
      assert.equal(row.permission[kind.subject], subject.id);
      assert.equal(row.permission[kind.target], t1!.id);
      assert.equal(row.permission.permissionType, 2);
      if (list.subjectKey === 'user') {
        assert.deepEqual(
          Object.keys(row.user).sort(),
          [
            'accountId',
            'authProvider',
            'createDate',
            'deleted',
            'email',
            'firstname',
            'id',
            'lastname',
            'mfa',
            'migration',
            'owner',
            'signupDate',
            'status',
            'updateDate',
            'userType',
            'username',
          ].sort(),
        );
        assert.ok(!JSON.stringify(bySubject.body).includes('SECRET') && !JSON.stringify(bySubject.body).includes('scrypt'));
      } else {
        assert.deepEqual(
          Object.keys(row.userGroup).sort(),
          ['accountId', 'active', 'createDate', 'deleted', 'description', 'id', 'name', 'updateDate'].sort(),
        );
      }

      const byTarget = await owner.client.get(url(list.byTarget.route), { [list.byTarget.param]: t0!.id });
      assert.equal(byTarget.status, 200, byTarget.text);
      assert.equal(byTarget.body.total, 1);
      assert.equal(byTarget.body.options.sort[0].field, list.byTarget.sort);
      assert.equal(byTarget.body.data[0][list.subjectKey].id, subject.id);
      assert.equal(byTarget.body.data[0].permission.permissionType, 1);

      // A pair that has a grant keeps it (its type too); a repeat inside the array is skipped as well.
      const again = await owner.client.post(url(kind.route), [
        grant(subject.id, t0!.id, 2),
        grant(subject.id, t2!.id, 1),
        grant(subject.id, t2!.id, 2),
      ]);
      assert.equal(again.status, 200, again.text);
      const after = await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id });
      assert.equal(after.body.total, 3);
      const typeOf = (rows: any[], id: string) => rows.find((r) => r[list.targetKey].id === id).permission.permissionType;
      assert.equal(typeOf(after.body.data, t0!.id), 1);
      assert.equal(typeOf(after.body.data, t2!.id), 1);

      // PUT changes the type of the records named by id, and only that.
      const permissionId = after.body.data.find((r: any) => r[list.targetKey].id === t0!.id).permission.id;
      const put = await owner.client.put(url(kind.route), [
        { id: permissionId, permissionType: 2, [kind.subject]: a[kind.subjects][1]!.id },
      ]);
      assert.equal(put.status, 200, put.text);
      assert.equal(put.text, '');
      const changed = await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id });
      const changedRow = changed.body.data.find((r: any) => r.permission.id === permissionId);
      assert.equal(changedRow.permission.permissionType, 2);
      assert.equal(changedRow[list.subjectKey].id, subject.id);
      assert.ok(changedRow.permission.updateDate >= changedRow.permission.createDate);

      // DELETE by the permission record's id; a second time it is gone.
      const del = await owner.client.delete(url(kind.route), { id: permissionId });
      assert.equal(del.status, 200, del.text);
      assert.equal(del.text, '');
      expectError(await owner.client.delete(url(kind.route), { id: permissionId }), 499, 'NOT_FOUND');
      const left = await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id });
      assert.equal(left.body.total, 2);
      assert.ok(!left.body.data.some((r: any) => r.permission.id === permissionId));
    });

    test('bad bodies are 499 DEFAULT naming the field', async () => {
      const subject = a[kind.subjects][0]!.id;
      const target = a[kind.targets][0]!.id;
      expectError(
        await owner.client.post(url(kind.route), [grant(subject, target, 3)]),
        499,
        'DEFAULT',
        /'\[0\]\.permissionType' must be one of 1, 2/,
      );
      expectError(await owner.client.post(url(kind.route), [grant(subject, target, 0)]), 499, 'DEFAULT', /permissionType/);
      expectError(
        await owner.client.post(url(kind.route), [{ ...grant(subject, target, 1), permissionType: '1' }]),
        499,
        'DEFAULT',
        /'\[0\]\.permissionType'/,
      );
      expectError(
        await owner.client.post(url(kind.route), [{ [kind.target]: target, permissionType: 1 }]),
        499,
        'DEFAULT',
        new RegExp(`'\\[0\\]\\.${kind.subject}' is required`),
      );
      expectError(
        await owner.client.post(url(kind.route), [{ [kind.subject]: subject, permissionType: 1 }]),
        499,
        'DEFAULT',
        new RegExp(`'\\[0\\]\\.${kind.target}' is required`),
      );
      expectError(
        await owner.client.post(url(kind.route), [{ [kind.subject]: subject, [kind.target]: target }]),
        499,
        'DEFAULT',
        /permissionType' is required/,
      );
      expectError(await owner.client.post(url(kind.route), [grant('nope', target, 1)]), 499, 'DEFAULT', /must be a valid uuid/);
      expectError(await owner.client.post(url(kind.route), []), 499, 'DEFAULT', /at least 1 item/);
      expectError(await owner.client.post(url(kind.route), grant(subject, target, 1)), 499, 'DEFAULT', /'body' must be an array/);
      const tooMany = Array.from({ length: 1001 }, () => grant(subject, target, 1));
      expectError(await owner.client.post(url(kind.route), tooMany), 499, 'DEFAULT', /at most 1000 items/);
      expectError(await owner.client.put(url(kind.route), [{ permissionType: 1 }]), 499, 'DEFAULT', /'\[0\]\.id' is required/);
      expectError(
        await owner.client.put(url(kind.route), [{ id: UNKNOWN_ID, permissionType: 5 }]),
        499,
        'DEFAULT',
        /permissionType/,
      );
      expectError(await owner.client.delete(url(kind.route)), 499, 'DEFAULT', /'id' is required/);
      expectError(await owner.client.delete(url(kind.route), { id: 'x' }), 499, 'DEFAULT', /'id' must be a valid uuid/);
    });

    test('unknown, foreign and deleted ids are NOT_FOUND, all or nothing', async () => {
      const subject = a[kind.subjects][1]!;
      const target = a[kind.targets][1]!.id;
      const count = async () =>
        (await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id })).body.total as number;
      const before = await count();
      const unknown = await owner.client.post(url(kind.route), [grant(subject.id, target, 1), grant(UNKNOWN_ID, target, 1)]);
      expectError(unknown, 499, 'NOT_FOUND', new RegExp(UNKNOWN_ID));
      const foreignTarget = await owner.client.post(url(kind.route), [
        grant(subject.id, target, 1),
        grant(subject.id, b[kind.targets][0]!.id, 1),
      ]);
      expectError(foreignTarget, 499, 'NOT_FOUND', new RegExp(b[kind.targets][0]!.id));
      const foreignSubject = await owner.client.post(url(kind.route), [grant(b[kind.subjects][0]!.id, target, 1)]);
      expectError(foreignSubject, 499, 'NOT_FOUND');
      assert.equal(await count(), before);

      // PUT: one unknown id among known ones changes nothing; another account's permission id is unknown.
      assert.equal((await owner.client.post(url(kind.route), [grant(subject.id, target, 1)])).status, 200);
      const rows = (await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id })).body.data;
      const mine = rows.find((r: any) => r[list.targetKey].id === target).permission;
      expectError(
        await owner.client.put(url(kind.route), [
          { id: mine.id, permissionType: 2 },
          { id: UNKNOWN_ID, permissionType: 2 },
        ]),
        499,
        'NOT_FOUND',
        new RegExp(UNKNOWN_ID),
      );
      const still = (await owner.client.get(url(list.bySubject.route), { [list.bySubject.param]: subject.id })).body.data;
      assert.equal(still.find((r: any) => r.permission.id === mine.id).permission.permissionType, 1);
      expectError(await other.client.put(url(kind.route), [{ id: mine.id, permissionType: 2 }]), 499, 'NOT_FOUND');
      expectError(await other.client.delete(url(kind.route), { id: mine.id }), 499, 'NOT_FOUND');
      expectError(await owner.client.delete(url(kind.route), { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
      assert.equal((await owner.client.delete(url(kind.route), { id: mine.id })).status, 200);
    });

    test('the lists need an existing parent of the account, and validate their parameters', async () => {
      for (const l of [list.bySubject, list.byTarget]) {
        expectError(await owner.client.get(url(l.route), { [l.param]: UNKNOWN_ID }), 499, 'NOT_FOUND');
        const foreign = l === list.bySubject ? b[kind.subjects][0]!.id : b[kind.targets][0]!.id;
        expectError(await owner.client.get(url(l.route), { [l.param]: foreign }), 499, 'NOT_FOUND');
        expectError(await owner.client.get(url(l.route)), 499, 'DEFAULT', new RegExp(`'${l.param}' is required`));
        expectError(await owner.client.get(url(l.route), { [l.param]: 'abc' }), 499, 'DEFAULT', /must be a valid uuid/);
        const parent = l === list.bySubject ? a[kind.subjects][0]!.id : a[kind.targets][0]!.id;
        expectError(
          await owner.client.get(url(l.route), { [l.param]: parent, sortfield: 'Nope' }),
          499,
          'DEFAULT',
          /'sortfield' "Nope" is not allowed/,
        );
        expectError(await owner.client.get(url(l.route), { [l.param]: parent, pagesize: 1001 }), 499, 'DEFAULT', /pagesize/);
      }
    });
  });
}

describe('lists: sorting, filters, paging, spellings', () => {
  let user: { id: string; username: string };
  before(async () => {
    // One user granted all three drives, and all three users granted one drive.
    user = a.users[2]!;
    const drives = a.drives;
    await owner.client.post(url('users_sharedclouddrive_permision'), [
      ...drives.map((d) => ({ userId: user.id, sharedCloudDriveId: d.id, permissionType: 1 })),
      ...a.users.map((u) => ({ userId: u.id, sharedCloudDriveId: drives[2]!.id, permissionType: 2 })),
    ]);
    await owner.client.post(
      url('usergroup_sharedclouddrive_permission'),
      a.groups.map((g) => ({ userGroupId: g.id, sharedCloudDriveId: drives[2]!.id, permissionType: 1 })),
    );
  });

  test('get_sharedclouddrive_assigned_to_user: default sort SharedClouDrive.Name echoed; both spellings; descending; name filter', async () => {
    const list = async (query: Record<string, string | number>) =>
      owner.client.get(url('get_sharedclouddrive_assigned_to_user'), { userId: user.id, ...query });
    const byDefault = await list({});
    assert.equal(byDefault.status, 200, byDefault.text);
    assert.deepEqual(byDefault.body.options.sort, [{ field: 'SharedClouDrive.Name', descending: false }]);
    assert.deepEqual(
      byDefault.body.data.map((r: any) => r.sharedClouDrive.name),
      ['A Adrive', 'A Mdrive', 'A Zdrive'],
    );
    const correct = await list({ sortfield: 'sharedclouddrive.name', descending: 'true' });
    assert.equal(correct.status, 200, correct.text);
    assert.equal(correct.body.options.sort[0].field, 'SharedCloudDrive.Name');
    assert.deepEqual(
      correct.body.data.map((r: any) => r.sharedCloudDrive.name),
      ['A Zdrive', 'A Mdrive', 'A Adrive'],
    );
    const filtered = await list({ name: 'MDR' });
    assert.equal(filtered.body.total, 1);
    assert.equal(filtered.body.data[0].sharedClouDrive.name, 'A Mdrive');
    const paged = await list({ page: 2, pagesize: 2 });
    assert.equal(paged.body.total, 3);
    assert.deepEqual(
      paged.body.data.map((r: any) => r.sharedClouDrive.name),
      ['A Zdrive'],
    );
    const past = await list({ page: 5, pagesize: 2 });
    assert.deepEqual([past.body.data, past.body.total], [[], 3]);
    const byPermission = await owner.client.get(url('get_users_assigned_to_sharedclouddrive'), {
      sharedCloudDriveId: a.drives[2]!.id,
      sortfield: 'PermissionType',
    });
    assert.equal(byPermission.status, 200, byPermission.text);
  });

  test('get_users_assigned_to_sharedclouddrive: sorted by User.Username, username filter', async () => {
    const res = await owner.client.get(url('get_users_assigned_to_sharedclouddrive'), { sharedCloudDriveId: a.drives[2]!.id });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.map((r: any) => r.user.username),
      ['alice.A@example.com', 'bob.A@example.com', 'carol.A@example.com'],
    );
    const filtered = await owner.client.get(url('get_users_assigned_to_sharedclouddrive'), {
      sharedCloudDriveId: a.drives[2]!.id,
      username: 'ALI',
    });
    assert.deepEqual(
      filtered.body.data.map((r: any) => r.user.username),
      ['alice.A@example.com'],
    );
    const desc = await owner.client.get(url('get_users_assigned_to_sharedclouddrive'), {
      sharedCloudDriveId: a.drives[2]!.id,
      sortfield: 'User.Email',
      descending: 1,
    });
    assert.equal(desc.body.data[0].user.username, 'carol.A@example.com');
  });

  test('get_usergroups_assigned_to_sharedclouddrive takes sharedCloudDrive (sharedCloudDriveId works too)', async () => {
    const res = await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), { sharedCloudDrive: a.drives[2]!.id });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.map((r: any) => r.userGroup.name),
      ['A Alpha Team', 'A Mid Team', 'A Zeta Team'],
    );
    assert.equal(res.body.data[0].sharedCloudDrive.id, a.drives[2]!.id);
    assert.equal(res.body.data[0].permission.sharedCloudDriveId, a.drives[2]!.id);
    const alias = await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), {
      sharedCloudDriveId: a.drives[2]!.id,
    });
    assert.equal(alias.body.total, 3);
    const filtered = await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), {
      sharedCloudDrive: a.drives[2]!.id,
      name: 'zeta',
    });
    assert.deepEqual(
      filtered.body.data.map((r: any) => r.userGroup.name),
      ['A Zeta Team'],
    );
    expectError(
      await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive')),
      499,
      'DEFAULT',
      /'sharedCloudDrive' is required/,
    );
  });

  test('the misspelled route is the real one; the correct spelling is 404; wrong method 405', async () => {
    const res = await owner.client.request('POST', url('users_sharedclouddrive_permission'), {
      body: [{ userId: user.id, sharedCloudDriveId: a.drives[0]!.id, permissionType: 1 }],
    });
    assert.equal(res.status, 404);
    assert.equal((await owner.client.get(url('users_sharedclouddrive_permision'))).status, 405);
    // Routes match case-insensitively, as elsewhere.
    const upper = await owner.client.get('/UsersPermission/get_sharedclouddrive_assigned_to_user', { userId: user.id });
    assert.equal(upper.status, 200);
  });

  test('soft-deleted users and groups vanish from lists and cannot be granted', async () => {
    const doomedUser = (await createUser(server, owner.accountId, { userType: 32 })).userId;
    const doomedGroup = await createGroup(server, owner.accountId, 'Doomed Group');
    const drive = a.drives[1]!.id;
    assert.equal(
      (
        await owner.client.post(url('users_sharedclouddrive_permision'), [
          { userId: doomedUser, sharedCloudDriveId: drive, permissionType: 1 },
        ])
      ).status,
      200,
    );
    assert.equal(
      (
        await owner.client.post(url('usergroup_sharedclouddrive_permission'), [
          { userGroupId: doomedGroup.id, sharedCloudDriveId: drive, permissionType: 1 },
        ])
      ).status,
      200,
    );
    const users = async () =>
      (await owner.client.get(url('get_users_assigned_to_sharedclouddrive'), { sharedCloudDriveId: drive })).body;
    const groups = async () =>
      (await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), { sharedCloudDrive: drive })).body;
    const usersBefore = await users();
    const groupsBefore = await groups();
    assert.ok(usersBefore.data.some((r: any) => r.user.id === doomedUser));
    const permissionId = groupsBefore.data.find((r: any) => r.userGroup.id === doomedGroup.id).permission.id;
    await softDelete(server, 'users', doomedUser);
    await softDelete(server, 'user_groups', doomedGroup.id);
    const usersAfter = await users();
    assert.equal(usersAfter.total, usersBefore.total - 1);
    assert.ok(!usersAfter.data.some((r: any) => r.user.id === doomedUser));
    assert.equal((await groups()).total, groupsBefore.total - 1);
    expectError(await owner.client.get(url('get_sharedclouddrive_assigned_to_user'), { userId: doomedUser }), 499, 'NOT_FOUND');
    expectError(
      await owner.client.post(url('users_sharedclouddrive_permision'), [
        { userId: doomedUser, sharedCloudDriveId: drive, permissionType: 1 },
      ]),
      499,
      'NOT_FOUND',
    );
    expectError(
      await owner.client.put(url('usergroup_sharedclouddrive_permission'), [{ id: permissionId, permissionType: 2 }]),
      499,
      'NOT_FOUND',
    );
  });

  test('a deleted project or drive is NOT_FOUND and its grants are gone', async () => {
    prefixCounter++;
    const project = (await owner.client.post('/projects/insert', { name: `Short-lived ${prefixCounter}` })).body;
    const drive = (await owner.client.post('/sharedclouddrive/insert', { name: `Short-lived ${prefixCounter}` })).body;
    await owner.client.post(url('users_project_permission'), [{ userId: user.id, projectId: project.id, permissionType: 1 }]);
    await owner.client.post(url('usergroup_sharedclouddrive_permission'), [
      { userGroupId: a.groups[0]!.id, sharedCloudDriveId: drive.id, permissionType: 1 },
    ]);
    const projectsBefore = (await owner.client.get(url('get_projects_assigned_to_user'), { userId: user.id })).body.total;
    assert.equal((await owner.client.delete('/projects/delete', { id: project.id })).status, 200);
    assert.equal((await owner.client.delete('/sharedclouddrive/delete', { id: drive.id })).status, 200);
    assert.equal(
      (await owner.client.get(url('get_projects_assigned_to_user'), { userId: user.id })).body.total,
      projectsBefore - 1,
    );
    expectError(await owner.client.get(url('get_users_assigned_to_project'), { projectId: project.id }), 499, 'NOT_FOUND');
    expectError(
      await owner.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), { sharedCloudDrive: drive.id }),
      499,
      'NOT_FOUND',
    );
    expectError(
      await owner.client.post(url('users_project_permission'), [{ userId: user.id, projectId: project.id, permissionType: 1 }]),
      499,
      'NOT_FOUND',
      new RegExp(project.id),
    );
  });
});

describe('non-admin callers', () => {
  test('every write is 499 ACCESS, even on valid grants', async () => {
    for (const kind of kinds) {
      const body = [{ [kind.subject]: a[kind.subjects][0]!.id, [kind.target]: a[kind.targets][0]!.id, permissionType: 1 }];
      expectError(await creative.client.post(url(kind.route), body), 499, 'ACCESS');
      expectError(await creative.client.put(url(kind.route), [{ id: UNKNOWN_ID, permissionType: 1 }]), 499, 'ACCESS');
      expectError(await creative.client.delete(url(kind.route), { id: UNKNOWN_ID }), 499, 'ACCESS');
    }
  });

  test('lists about themselves and their groups are allowed; about anyone or anything else ACCESS', async () => {
    const group = await createGroup(server, owner.accountId, 'Creative Group');
    const notMine = await createGroup(server, owner.accountId, 'Not Mine');
    await addMember(server, owner.accountId, group.id, creative.userId);
    await owner.client.post(url('users_project_permission'), [
      { userId: creative.userId, projectId: a.projects[0]!.id, permissionType: 2 },
    ]);
    await owner.client.post(url('usergroups_project_permission'), [
      { userGroupId: group.id, projectId: a.projects[1]!.id, permissionType: 1 },
    ]);

    const own = await creative.client.get(url('get_projects_assigned_to_user'), { userId: creative.userId });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(
      own.body.data.map((r: any) => [r.project.id, r.permission.permissionType]),
      [[a.projects[0]!.id, 2]],
    );
    assert.equal(
      (await creative.client.get(url('get_sharedclouddrive_assigned_to_user'), { userId: creative.userId })).status,
      200,
    );
    const ofGroup = await creative.client.get(url('get_projects_assigned_to_usergroup'), { userGroupId: group.id });
    assert.equal(ofGroup.status, 200, ofGroup.text);
    assert.equal(ofGroup.body.total, 1);
    assert.equal(
      (await creative.client.get(url('get_sharedclouddrive_assigned_to_usergroup'), { userGroupId: group.id })).status,
      200,
    );

    expectError(await creative.client.get(url('get_projects_assigned_to_user'), { userId: a.users[0]!.id }), 499, 'ACCESS');
    expectError(await creative.client.get(url('get_projects_assigned_to_user'), { userId: UNKNOWN_ID }), 499, 'ACCESS');
    expectError(await creative.client.get(url('get_sharedclouddrive_assigned_to_user'), { userId: owner.userId }), 499, 'ACCESS');
    expectError(await creative.client.get(url('get_projects_assigned_to_usergroup'), { userGroupId: notMine.id }), 499, 'ACCESS');
    expectError(
      await creative.client.get(url('get_sharedclouddrive_assigned_to_usergroup'), { userGroupId: notMine.id }),
      499,
      'ACCESS',
    );
    // Lists about a project or drive show other users' grants: admins only, even for a reachable project.
    expectError(await creative.client.get(url('get_users_assigned_to_project'), { projectId: a.projects[0]!.id }), 499, 'ACCESS');
    expectError(
      await creative.client.get(url('get_usergroups_assigned_to_project'), { projectId: a.projects[1]!.id }),
      499,
      'ACCESS',
    );
    expectError(
      await creative.client.get(url('get_users_assigned_to_sharedclouddrive'), { sharedCloudDriveId: a.drives[0]!.id }),
      499,
      'ACCESS',
    );
    expectError(
      await creative.client.get(url('get_usergroups_assigned_to_sharedclouddrive'), { sharedCloudDrive: a.drives[0]!.id }),
      499,
      'ACCESS',
    );
  });

  test('an admin user (AccountAdmin) may do everything an owner may', async () => {
    const admin = await createUser(server, owner.accountId, { userType: 4 });
    const body = [{ userId: a.users[0]!.id, projectId: a.projects[2]!.id, permissionType: 1 }];
    assert.equal((await admin.client.post(url('users_project_permission'), body)).status, 200);
    const list = await admin.client.get(url('get_users_assigned_to_project'), { projectId: a.projects[2]!.id });
    assert.equal(list.status, 200);
    assert.ok(list.body.data.some((r: any) => r.user.id === a.users[0]!.id));
  });

  test('without a token: 401', async () => {
    const anon = owner.client.withToken(undefined);
    expectError(await anon.get(url('get_projects_assigned_to_user'), { userId: owner.userId }), 401, 'AUTH');
    expectError(await anon.post(url('users_project_permission'), []), 401, 'AUTH');
  });
});

describe('details views', () => {
  test('projects and drives with details carry usersData and groupsData, in a fixed number of queries', async () => {
    const project = a.projects[0]!;
    const drive = a.drives[0]!;
    const [u0, u1] = a.users;
    const g0 = a.groups[0]!;
    await owner.client.post(url('users_project_permission'), [
      { userId: u0!.id, projectId: project.id, permissionType: 1 },
      { userId: u1!.id, projectId: project.id, permissionType: 2 },
    ]);
    await owner.client.post(url('usergroups_project_permission'), [
      { userGroupId: g0.id, projectId: project.id, permissionType: 2 },
    ]);
    await owner.client.post(url('users_sharedclouddrive_permision'), [
      { userId: u1!.id, sharedCloudDriveId: drive.id, permissionType: 2 },
    ]);
    await owner.client.post(url('usergroup_sharedclouddrive_permission'), [
      { userGroupId: g0.id, sharedCloudDriveId: drive.id, permissionType: 1 },
    ]);

    const projects = await owner.client.get('/projects/get_all_with_details', { name: project.name });
    assert.equal(projects.status, 200, projects.text);
    const p = projects.body.data[0];
    const expectedUsers = (await owner.client.get(url('get_users_assigned_to_project'), { projectId: project.id })).body.data;
    assert.deepEqual(
      p.usersData.map((e: any) => [e.user.id, e.permission.permissionType, e.permission.projectId]).sort(),
      expectedUsers.map((r: any) => [r.user.id, r.permission.permissionType, project.id]).sort(),
    );
    assert.ok(p.usersData.some((e: any) => e.user.id === u1!.id && e.permission.permissionType === 2));
    assert.deepEqual(Object.keys(p.usersData[0]).sort(), ['permission', 'user']);
    assert.ok(!JSON.stringify(p).includes('scrypt') && !JSON.stringify(p).includes('SECRET'));
    const expectedGroups = (await owner.client.get(url('get_usergroups_assigned_to_project'), { projectId: project.id })).body
      .data;
    assert.deepEqual(
      p.groupsData.map((e: any) => [e.userGroup.id, e.permission.permissionType, e.permission.userGroupId]).sort(),
      expectedGroups.map((r: any) => [r.userGroup.id, r.permission.permissionType, r.userGroup.id]).sort(),
    );
    assert.ok(p.groupsData.some((e: any) => e.userGroup.name === g0.name && e.permission.permissionType === 2));

    const drives = await owner.client.get('/sharedclouddrive/get_all_with_details', { name: drive.name });
    assert.equal(drives.status, 200, drives.text);
    const d = drives.body.data[0];
    assert.ok(
      d.usersData.some(
        (e: any) => e.user.id === u1!.id && e.permission.sharedCloudDriveId === drive.id && e.permission.permissionType === 2,
      ),
    );
    assert.ok(d.groupsData.some((e: any) => e.userGroup.id === g0.id && e.permission.permissionType === 1));
    assert.deepEqual(Object.keys(d.groupsData[0]).sort(), ['permission', 'userGroup']);

    // The same number of queries for one record (with children of every kind) as for all of them.
    assert.equal(
      (await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]))
        .status,
      200,
    );
    for (const [route, name] of [
      ['/projects/get_all_with_details', project.name],
      ['/sharedclouddrive/get_all_with_details', drive.name],
    ] as const) {
      const count = async (query: Record<string, string | number>) => {
        await owner.client.get('/authentication/user'); // the session row is then cached: only the list is counted
        const start = server.ctx.store.queryCount();
        const res = await owner.client.get(route, query);
        assert.equal(res.status, 200);
        assert.ok(res.body.data.length >= 1);
        return server.ctx.store.queryCount() - start;
      };
      const one = await count({ name });
      const all = await count({ pagesize: 50 });
      assert.equal(one, all, route);
    }
  });
});
