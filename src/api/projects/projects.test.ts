import assert from 'node:assert/strict';
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
import { createGroup, createUser } from '../../../test/factories.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

before(async () => {
  server = await startTestServer();
  owner = await createAccount(server, 'Owner One');
  other = await createAccount(server, 'Owner Two');
});
after(() => server.close());

const insert = (client: Client, body: unknown) => client.post('/projects/insert', body);
const drive = async (client: Client, name: string) => {
  const res = await client.post('/sharedclouddrive/insert', { name, storageName: 'bucket' });
  assert.equal(res.status, 200, res.text);
  return res.body as { id: string; name: string };
};

describe('insert', () => {
  test('creates a project and returns it with its generated id', async () => {
    const res = await insert(owner.client, { name: 'Campaign 2026', description: 'Q1 creative campaign', active: true });
    assert.equal(res.status, 200);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.accountId, owner.accountId);
    assert.equal(res.body.name, 'Campaign 2026');
    assert.equal(res.body.description, 'Q1 creative campaign');
    assert.equal(res.body.active, true);
    assert.equal(res.body.deleted, false);
    assert.ok(Date.parse(res.body.createDate) > 0);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('defaults description to "" and active to true, trims the name, ignores accountId and deleted', async () => {
    const res = await insert(owner.client, { name: '  Trimmed  ', accountId: other.accountId, deleted: true });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.name, res.body.description, res.body.active, res.body.deleted, res.body.accountId],
      ['Trimmed', '', true, false, owner.accountId],
    );
  });

  test('a duplicate name, in any case, is 499 DUPLICATE; another account may use it', async () => {
    assert.equal((await insert(owner.client, { name: 'Dup Name' })).status, 200);
    expectError(await insert(owner.client, { name: 'dup name' }), 499, 'DUPLICATE');
    assert.equal((await insert(other.client, { name: 'Dup Name' })).status, 200);
  });

  test('bad input is 499 DEFAULT naming each field', async () => {
    expectError(await insert(owner.client, {}), 499, 'DEFAULT', /'name' is required/);
    expectError(await insert(owner.client, { name: 42 }), 499, 'DEFAULT', /'name' must be of type string/);
    expectError(await insert(owner.client, { name: 'x'.repeat(101) }), 499, 'DEFAULT', /'name' must be at most 100/);
    expectError(await insert(owner.client, { name: '   ' }), 499, 'DEFAULT', /'name' must not be blank/);
    expectError(await insert(owner.client, { name: 'ok', active: 'yes' }), 499, 'DEFAULT', /'active' must be of type boolean/);
    expectError(await insert(owner.client, { name: 'ok', description: 'd'.repeat(1001) }), 499, 'DEFAULT', /'description'/);
    const both = await insert(owner.client, { name: 7, active: 'no' });
    expectError(both, 499, 'DEFAULT');
    assert.equal(both.body.errors.DEFAULT.length, 2);
    expectError(await insert(owner.client, [1, 2]), 499, 'DEFAULT', /'body' must be of type object/);
  });

  test('malformed JSON and a non-JSON content type are 499 DEFAULT, never 500', async () => {
    const raw = await owner.client.request('POST', '/projects/insert', {
      raw: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expectError(raw, 499, 'DEFAULT', /not valid JSON/);
    const form = await owner.client.request('POST', '/projects/insert', {
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(form, 499, 'DEFAULT', /application\/json/);
    const empty = await owner.client.request('POST', '/projects/insert', {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expectError(empty, 499, 'DEFAULT');
  });
});

describe('authentication of project endpoints', () => {
  test('no token, a bad token, a logged-out token are 401', async () => {
    const anon = new Client(server.url);
    expectError(await anon.get('/projects/get_all'), 401, 'AUTH');
    expectError(await anon.withToken('not-a-jwt').get('/projects/get_all'), 401, 'AUTH');
    const account = await createAccount(server, 'Leaving');
    assert.equal((await account.client.get('/projects/get_all')).status, 200);
    assert.equal((await anon.post('/authentication/logout', { jwtToken: account.token })).status, 200);
    expectError(await account.client.get('/projects/get_all'), 401, 'SESSION');
  });

  test('a Bearer header works like ?token=', async () => {
    const res = await new Client(server.url).request('GET', '/projects/get_all', {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    assert.equal(res.status, 200);
  });
});

describe('update', () => {
  test('replaces the fields given and keeps the others', async () => {
    const created = (await insert(owner.client, { name: 'To Update', description: 'before', active: true })).body;
    const res = await owner.client.put('/projects/update', { id: created.id, description: 'Updated description' });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'To Update');
    assert.equal(res.body.description, 'Updated description');
    assert.equal(res.body.active, true);
    const full = await owner.client.put('/projects/update', { id: created.id, name: 'Renamed', description: 'x', active: false });
    assert.deepEqual([full.body.name, full.body.description, full.body.active], ['Renamed', 'x', false]);
    assert.ok(full.body.updateDate >= created.updateDate);
  });

  test('get_all lists exactly what update answered: same fields in the same order, quotes, backslashes and non-ASCII intact', async () => {
    const name = 'Grade "Final" \\ v2 – Ünïcode 🎬';
    const created = (await insert(owner.client, { name, description: 'line 1\nline 2\t"quoted" \\ </script>' })).body;
    const updated = await owner.client.put('/projects/update', { id: created.id, active: false });
    assert.equal(updated.status, 200, updated.text);
    const listed = await owner.client.get('/projects/get_all', { name: 'Ünïcode 🎬' });
    assert.equal(listed.status, 200, listed.text);
    assert.match(listed.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
    assert.equal(listed.body.total, 1);
    assert.equal(JSON.stringify(listed.body.data[0]), JSON.stringify(updated.body));
    assert.deepEqual(Object.keys(listed.body), ['data', 'total', 'options']);
  });

  test('unknown id, another account’s id, missing id, duplicate name', async () => {
    const mine = (await insert(owner.client, { name: 'Mine For Update' })).body;
    expectError(await owner.client.put('/projects/update', { id: UNKNOWN_ID, name: 'x' }), 499, 'NOT_FOUND');
    expectError(await other.client.put('/projects/update', { id: mine.id, name: 'x' }), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/projects/update', { name: 'x' }), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.put('/projects/update', { id: 'nope' }), 499, 'DEFAULT', /'id' must be a valid uuid/);
    await insert(owner.client, { name: 'Taken' });
    expectError(await owner.client.put('/projects/update', { id: mine.id, name: 'TAKEN' }), 499, 'DUPLICATE');
    const unchanged = await owner.client.get('/projects/get_all', { name: 'Mine For Update' });
    assert.equal(unchanged.body.total, 1);
  });
});

describe('delete and restore', () => {
  test('soft-deletes: gone from lists, listed with deleted=true, name free again, restore brings it back', async () => {
    const p = (await insert(owner.client, { name: 'Ephemeral' })).body;
    const del = await owner.client.delete('/projects/delete', { id: p.id });
    assert.equal(del.status, 200);
    assert.equal(del.text, '');
    assert.equal((await owner.client.get('/projects/get_all', { name: 'Ephemeral' })).body.total, 0);
    const deleted = await owner.client.get('/projects/get_all', { name: 'Ephemeral', deleted: 'true' });
    assert.equal(deleted.body.total, 1);
    assert.equal(deleted.body.data[0].deleted, true);
    expectError(await owner.client.delete('/projects/delete', { id: p.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.put('/projects/update', { id: p.id, name: 'x' }), 499, 'NOT_FOUND');

    const reuse = (await insert(owner.client, { name: 'Ephemeral' })).body;
    expectError(await owner.client.post('/projects/restore', undefined, { id: p.id }), 499, 'DUPLICATE');
    await owner.client.delete('/projects/delete', { id: reuse.id });
    const restored = await owner.client.post('/projects/restore', undefined, { id: p.id });
    assert.equal(restored.status, 200);
    const live = await owner.client.get('/projects/get_all', { name: 'Ephemeral' });
    assert.deepEqual(
      live.body.data.map((x: { id: string }) => x.id),
      [p.id],
    );
    expectError(await owner.client.post('/projects/restore', undefined, { id: p.id }), 499, 'NOT_FOUND');
  });

  test('unknown id, another account’s id, missing or bad id', async () => {
    const mine = (await insert(owner.client, { name: 'Not Yours To Delete' })).body;
    expectError(await owner.client.delete('/projects/delete', { id: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await other.client.delete('/projects/delete', { id: mine.id }), 499, 'NOT_FOUND');
    expectError(await other.client.post('/projects/restore', undefined, { id: mine.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.delete('/projects/delete'), 499, 'DEFAULT', /'id' is required/);
    expectError(await owner.client.delete('/projects/delete', { id: '123' }), 499, 'DEFAULT', /uuid/);
    assert.equal((await owner.client.get('/projects/get_all', { name: 'Not Yours To Delete' })).body.total, 1);
  });

  test('deleting a project removes its drive assignments', async () => {
    const p = (await insert(owner.client, { name: 'With Drives' })).body;
    const d = await drive(owner.client, 'Drive Of Deleted');
    await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: p.id, sharedCloudDriveId: d.id }]);
    assert.equal((await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: d.id })).body.total, 1);
    await owner.client.delete('/projects/delete', { id: p.id });
    assert.equal((await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: d.id })).body.total, 0);
    await owner.client.post('/projects/restore', undefined, { id: p.id });
    assert.equal((await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id })).body.total, 0);
  });
});

describe('get_all paging, sorting and filtering', () => {
  let account: TestAccount;
  const names: string[] = [];
  before(async () => {
    account = await createAccount(server, 'Pager');
    for (let i = 0; i < 125; i++) {
      const name = `Item ${String((i * 37) % 125).padStart(3, '0')}${i % 2 ? ' odd' : ''}`;
      names.push(name);
      assert.equal((await insert(account.client, { name, description: `d${i % 5}` })).status, 200);
    }
  });

  test('defaults: page 1, 50 per page, sorted by Name ascending, total counts all', async () => {
    const res = await account.client.get('/projects/get_all');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 125);
    assert.equal(res.body.data.length, 50);
    assert.deepEqual(res.body.options, { page: 1, pageSize: 50, sort: [{ field: 'Name', descending: false }] });
    const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    assert.deepEqual(
      res.body.data.map((p: { name: string }) => p.name),
      sorted.slice(0, 50),
    );
  });

  test('paging through all 125 records gives each exactly once, for every sort field and direction', async () => {
    for (const sortfield of ['Name', 'description', 'CreateDate', 'ACTIVE']) {
      for (const descending of ['false', 'TRUE']) {
        const seen: string[] = [];
        for (let page = 1; page <= 6; page++) {
          const res = await account.client.get('/projects/get_all', { page, pagesize: 23, sortfield, descending });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.total, 125);
          seen.push(...res.body.data.map((p: { id: string }) => p.id));
        }
        assert.equal(seen.length, 125, `${sortfield} ${descending}`);
        assert.equal(new Set(seen).size, 125, `${sortfield} ${descending}: no repeats`);
      }
    }
  });

  test('descending reverses the order; the last page and a page past the end', async () => {
    const asc = await account.client.get('/projects/get_all', { pagesize: 1000 });
    const desc = await account.client.get('/projects/get_all', { pagesize: 1000, descending: 1 });
    assert.deepEqual(
      desc.body.data.map((p: { id: string }) => p.id),
      asc.body.data.map((p: { id: string }) => p.id).reverse(),
    );
    const last = await account.client.get('/projects/get_all', { page: 3, pagesize: 50 });
    assert.equal(last.body.data.length, 25);
    assert.deepEqual(
      last.body.data.map((p: { id: string }) => p.id),
      asc.body.data.slice(100).map((p: { id: string }) => p.id),
    );
    const past = await account.client.get('/projects/get_all', { page: 4, pagesize: 50 });
    assert.equal(past.status, 200);
    assert.deepEqual(past.body.data, []);
    assert.equal(past.body.total, 125);
  });

  test('name filter is a case-insensitive substring match, and total counts the matches', async () => {
    const res = await account.client.get('/projects/get_all', { name: 'ODD', pagesize: 1000 });
    assert.equal(res.body.total, 62);
    assert.ok(res.body.data.every((p: { name: string }) => p.name.includes('odd')));
    const literal = await account.client.get('/projects/get_all', { name: '%' });
    assert.equal(literal.body.total, 0, 'LIKE wildcards are matched literally');
  });

  test('page and pagesize limits, unknown sortfield, bad descending are 499 DEFAULT', async () => {
    expectError(await account.client.get('/projects/get_all', { pagesize: 0 }), 499, 'DEFAULT', /pagesize/);
    expectError(await account.client.get('/projects/get_all', { pagesize: 1001 }), 499, 'DEFAULT', /'pagesize' must be <= 1000/);
    expectError(await account.client.get('/projects/get_all', { pagesize: -5 }), 499, 'DEFAULT', /pagesize/);
    expectError(await account.client.get('/projects/get_all', { page: 0 }), 499, 'DEFAULT', /'page' must be >= 1/);
    expectError(await account.client.get('/projects/get_all', { page: 'two' }), 499, 'DEFAULT', /'page'/);
    expectError(await account.client.get('/projects/get_all', { sortfield: 'Password' }), 499, 'DEFAULT', /Name, Description/);
    expectError(await account.client.get('/projects/get_all', { descending: 'maybe' }), 499, 'DEFAULT', /descending/);
  });

  test('another account sees none of these', async () => {
    const res = await other.client.get('/projects/get_all', { name: 'Item', pagesize: 1000 });
    assert.equal(res.body.total, 0);
  });
});

describe('shared cloud drive assignments', () => {
  test('assign, list both ways, skip existing pairs silently, unassign by the assignment id', async () => {
    const p = (await insert(owner.client, { name: 'Assign Target' })).body;
    const a = await drive(owner.client, 'Alpha Drive');
    const b = await drive(owner.client, 'beta drive');
    const res = await owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: p.id, sharedCloudDriveId: b.id },
      { projectId: p.id, sharedCloudDriveId: a.id },
      { projectId: p.id, sharedCloudDriveId: a.id },
    ]);
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    const again = await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: p.id, sharedCloudDriveId: a.id }]);
    assert.equal(again.status, 200);

    const drives = await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id });
    assert.equal(drives.status, 200);
    assert.equal(drives.body.total, 2);
    assert.deepEqual(
      drives.body.data.map((x: any) => x.sharedCloudDrive.name),
      ['Alpha Drive', 'beta drive'],
    );
    assert.deepEqual(drives.body.options.sort, [{ field: 'SharedCloudDrive.Name', descending: false }]);
    for (const item of drives.body.data) {
      assert.equal(item.project.id, p.id);
      assert.equal(item.projectSharedCloudDrive.projectId, p.id);
      assert.equal(item.projectSharedCloudDrive.sharedCloudDriveId, item.sharedCloudDrive.id);
    }
    const desc = await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id, descending: true });
    assert.deepEqual(
      desc.body.data.map((x: any) => x.sharedCloudDrive.name),
      ['beta drive', 'Alpha Drive'],
    );

    const projects = await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: a.id });
    assert.equal(projects.body.total, 1);
    assert.equal(projects.body.data[0].project.name, 'Assign Target');
    assert.deepEqual(projects.body.options.sort, [{ field: 'Project.Name', descending: false }]);

    const assignmentId = drives.body.data[0].projectSharedCloudDrive.id;
    expectError(await owner.client.delete('/projects/unassign_sharedclouddrive', { id: p.id }), 499, 'NOT_FOUND');
    expectError(await other.client.delete('/projects/unassign_sharedclouddrive', { id: assignmentId }), 499, 'NOT_FOUND');
    const un = await owner.client.delete('/projects/unassign_sharedclouddrive', { id: assignmentId });
    assert.equal(un.status, 200);
    assert.equal(un.text, '');
    expectError(await owner.client.delete('/projects/unassign_sharedclouddrive', { id: assignmentId }), 499, 'NOT_FOUND');
    const left = await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id });
    assert.deepEqual(
      left.body.data.map((x: any) => x.sharedCloudDrive.name),
      ['beta drive'],
    );
  });

  test('all or nothing: one unknown or foreign id assigns nothing and names the id', async () => {
    const p = (await insert(owner.client, { name: 'All Or Nothing' })).body;
    const mine = await drive(owner.client, 'Mine AON');
    const theirs = await drive(other.client, 'Theirs AON');
    const res = await owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: p.id, sharedCloudDriveId: mine.id },
      { projectId: p.id, sharedCloudDriveId: theirs.id },
    ]);
    expectError(res, 499, 'NOT_FOUND', new RegExp(theirs.id));
    const unknownProject = await owner.client.post('/projects/assign_sharedclouddrive', [
      { projectId: UNKNOWN_ID, sharedCloudDriveId: mine.id },
    ]);
    expectError(unknownProject, 499, 'NOT_FOUND', new RegExp(UNKNOWN_ID));
    assert.equal((await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id })).body.total, 0);
  });

  test('bad bodies are 499 DEFAULT', async () => {
    expectError(await owner.client.post('/projects/assign_sharedclouddrive', []), 499, 'DEFAULT', /at least 1/);
    expectError(await owner.client.post('/projects/assign_sharedclouddrive', { projectId: UNKNOWN_ID }), 499, 'DEFAULT', /array/);
    expectError(
      await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: UNKNOWN_ID }]),
      499,
      'DEFAULT',
      /'\[0\]\.sharedCloudDriveId' is required/,
    );
    expectError(
      await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: 'x', sharedCloudDriveId: UNKNOWN_ID }]),
      499,
      'DEFAULT',
      /uuid/,
    );
  });

  test('the assigned lists need an existing parent of the caller’s account', async () => {
    const p = (await insert(owner.client, { name: 'Parent Check' })).body;
    const d = await drive(owner.client, 'Parent Check Drive');
    expectError(await owner.client.get('/projects/get_assigned_sharedclouddrives', { projectId: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await other.client.get('/projects/get_assigned_sharedclouddrives', { projectId: p.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: UNKNOWN_ID }), 499, 'NOT_FOUND');
    expectError(await other.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: d.id }), 499, 'NOT_FOUND');
    expectError(await owner.client.get('/projects/get_assigned_sharedclouddrives'), 499, 'DEFAULT', /'projectId' is required/);
    expectError(
      await owner.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: d.id, sortfield: 'Nope' }),
      499,
      'DEFAULT',
    );
    const alias = await owner.client.get('/projects/get_assigned_sharedclouddrives', {
      projectId: p.id,
      sortfield: 'SharedClouDrive.Name',
    });
    assert.equal(alias.status, 200);
  });

  test('get_all_with_details inlines drivesData, with empty usersData and groupsData', async () => {
    const p = (await insert(owner.client, { name: 'Detailed Project' })).body;
    const d = await drive(owner.client, 'Detailed Drive');
    await owner.client.post('/projects/assign_sharedclouddrive', [{ projectId: p.id, sharedCloudDriveId: d.id }]);
    const res = await owner.client.get('/projects/get_all_with_details', { name: 'Detailed Project' });
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 1);
    const item = res.body.data[0];
    assert.equal(item.id, p.id);
    assert.equal(item.name, 'Detailed Project');
    assert.deepEqual(item.usersData, []);
    assert.deepEqual(item.groupsData, []);
    assert.equal(item.drivesData.length, 1);
    assert.equal(item.drivesData[0].sharedCloudDrive.name, 'Detailed Drive');
    assert.equal(item.drivesData[0].projectSharedCloudDrive.projectId, p.id);
  });

  test('an admin’s details (written by SQLite) are byte for byte a member’s (built in JavaScript) who reaches every drive', async () => {
    // Text that JSON must escape: quotes, a backslash, control characters, non-ASCII.
    const description = 'Line 1\nLine 2\t"quoted" \\ back \u0001\u001f </script> ü 🎬';
    const p = (await insert(owner.client, { name: 'Equivalent "Details" ü', description })).body;
    const [d1, d2] = [await drive(owner.client, 'Equivalent Drive B'), await drive(owner.client, 'Equivalent Drive A')];
    const member = await createUser(server, owner.accountId, { userType: 32, firstname: 'Zed' });
    const other = await createUser(server, owner.accountId, { userType: 32, firstname: 'Amy' });
    const group = await createGroup(server, owner.accountId, 'Equivalent Group');
    const ok = async (res: Promise<{ status: number; text: string }>) => assert.equal((await res).status, 200, (await res).text);
    await ok(
      owner.client.post(
        '/projects/assign_sharedclouddrive',
        [d1, d2].map((d) => ({ projectId: p.id, sharedCloudDriveId: d.id })),
      ),
    );
    await ok(
      owner.client.post('/userspermission/users_project_permission', [
        { userId: member.userId, projectId: p.id, permissionType: 1 },
        { userId: other.userId, projectId: p.id, permissionType: 2 },
      ]),
    );
    await ok(
      owner.client.post('/userspermission/usergroups_project_permission', [
        { userGroupId: group.id, projectId: p.id, permissionType: 2 },
      ]),
    );
    await ok(
      owner.client.post(
        '/userspermission/users_sharedclouddrive_permision',
        [d1, d2].map((d) => ({ userId: member.userId, sharedCloudDriveId: d.id, permissionType: 1 })),
      ),
    );
    const query = { name: 'Equivalent "Details"' };
    const asAdmin = await owner.client.get('/projects/get_all_with_details', query);
    const asMember = await member.client.get('/projects/get_all_with_details', query);
    assert.equal(asAdmin.status, 200, asAdmin.text);
    assert.equal(asMember.status, 200, asMember.text);
    const item = asAdmin.body.data[0];
    assert.deepEqual(
      [item.usersData.length, item.groupsData.length, item.drivesData.length],
      [2, 1, 2],
      'both users, the group and both drives',
    );
    assert.equal(item.description, description);
    assert.equal(asAdmin.text, asMember.text, 'the same bytes, envelope included');
  });
});
