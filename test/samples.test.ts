import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createAccount, startTestServer, type TestAccount, type TestServer } from './helpers.js';

/**
 * The seed page's sample code (test/fixtures/samples, copied verbatim from the Projects page) runs as
 * written: only the token, the ids and the port (the test server's free port instead of 29123) are replaced.
 * Python runs with Debian's /usr/bin/python3 and its python3-requests package, JavaScript with this Node.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.join(here, 'fixtures', 'samples');
const seedPage = path.resolve(here, '..', '..', 'shared', 'spec', '000_d647ec94957c73ea.txt');
const PYTHON = '/usr/bin/python3';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

function sample(file: string, values: { port: number; token: string; projectId?: string; sharedCloudDriveId?: string }) {
  const text = fs.readFileSync(path.join(samples, file), 'utf8');
  const replaced = text
    .replaceAll('localhost:29123', `localhost:${values.port}`)
    .replaceAll('EXAMPLE_TOKEN', values.token)
    .replaceAll('00000000-0000-0000-0000-000000000000', values.projectId ?? '00000000-0000-0000-0000-000000000000')
    .replaceAll('11111111-1111-1111-1111-111111111111', values.sharedCloudDriveId ?? '11111111-1111-1111-1111-111111111111');
  // Nothing but those values changed: the same text once they are put back.
  const restored = replaced
    .replaceAll(`localhost:${values.port}`, 'localhost:29123')
    .replaceAll(values.token, 'EXAMPLE_TOKEN')
    .replaceAll(values.projectId ?? '\u0000', '00000000-0000-0000-0000-000000000000')
    .replaceAll(values.sharedCloudDriveId ?? '\u0000', '11111111-1111-1111-1111-111111111111');
  assert.equal(restored, text);
  return replaced;
}

/** Runs a program from its source on stdin; resolves with its exit code and output. */
function run(command: string, args: string[], source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(source);
  });
}

const python = (source: string) => run(PYTHON, ['-'], source);
const javascript = (source: string) => run(process.execPath, ['--input-type=module'], source);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('the fixtures are the seed page’s code, verbatim', () => {
  test('each fixture appears word for word on the Projects page (when the spec is beside the repository)', (t) => {
    if (!fs.existsSync(seedPage)) return t.skip('the spec folder is not beside this checkout');
    const page = fs.readFileSync(seedPage, 'utf8');
    for (const file of fs.readdirSync(samples)) {
      const text = fs.readFileSync(path.join(samples, file), 'utf8').trimEnd();
      assert.ok(page.includes(text), `${file} differs from the seed page`);
    }
  });
});

describe('Create a Project', () => {
  async function expectCreated(account: TestAccount, id: string) {
    const listed = await account.client.get('/projects/get_all', { name: 'Campaign 2026' });
    assert.equal(listed.body.total, 1);
    assert.deepEqual(
      [listed.body.data[0].id, listed.body.data[0].description, listed.body.data[0].active],
      [id, 'Q1 creative', true],
    );
  }

  test('Python: prints the created project with its id', async () => {
    const account = await createAccount(server, 'Python Sample');
    const result = await python(sample('create_project.py', { port: server.port, token: account.token }));
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.trim();
    // print(response.json()) prints a Python dict.
    assert.match(out, /^\{.*\}$/);
    assert.match(out, /'name': 'Campaign 2026'/);
    assert.match(out, /'description': 'Q1 creative'/);
    assert.match(out, /'active': True/);
    const id = new RegExp(`'id': '(${UUID.source})'`).exec(out)?.[1];
    assert.ok(id, out);
    await expectCreated(account, id);
  });

  test('JavaScript: prints the created project with its id', async () => {
    const account = await createAccount(server, 'JavaScript Sample');
    const result = await javascript(sample('create_project.mjs', { port: server.port, token: account.token }));
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.trim();
    // console.log of the parsed JSON object.
    assert.match(out, /name: 'Campaign 2026'/);
    assert.match(out, /description: 'Q1 creative'/);
    assert.match(out, /active: true/);
    const id = new RegExp(`\\bid: '(${UUID.source})'`).exec(out)?.[1];
    assert.ok(id, out);
    await expectCreated(account, id);
  });
});

describe('Assign a Shared Cloud Drive to a Project', () => {
  test('Python: prints 200 and the drive is assigned', async () => {
    const account = await createAccount(server, 'Assign Sample');
    const project = await account.client.post('/projects/insert', { name: 'Campaign 2026' });
    const drive = await account.client.post('/sharedclouddrive/insert', { name: 'Creative Drive', storageName: 'creative' });
    assert.equal(project.status, 200);
    assert.equal(drive.status, 200);
    const source = sample('assign_sharedclouddrive.py', {
      port: server.port,
      token: account.token,
      projectId: project.body.id,
      sharedCloudDriveId: drive.body.id,
    });
    const result = await python(source);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '200');
    const assigned = await account.client.get('/projects/get_assigned_sharedclouddrives', { projectId: project.body.id });
    assert.equal(assigned.body.total, 1);
    assert.equal(assigned.body.data[0].sharedCloudDrive.id, drive.body.id);
    // Run again unchanged: the existing pair is skipped silently, still 200.
    const again = await python(source);
    assert.equal(again.stdout.trim(), '200');
    assert.equal(
      (await account.client.get('/projects/get_assigned_sharedclouddrives', { projectId: project.body.id })).body.total,
      1,
    );
  });

  test('JavaScript (the page gives Python only; the same call written like the page’s fetch sample): 200', async () => {
    const account = await createAccount(server, 'Assign JS Sample');
    const project = await account.client.post('/projects/insert', { name: 'Campaign 2026' });
    const drive = await account.client.post('/sharedclouddrive/insert', { name: 'Creative Drive' });
    const source = `const res = await fetch(
"http://localhost:${server.port}/projects/assign_sharedclouddrive?token=${account.token}",
{
method: "POST",
headers: { "Content-Type": "application/json" },
body: JSON.stringify([{ projectId: "${project.body.id}", sharedCloudDriveId: "${drive.body.id}" }]),
}
);
console.log(res.status);
`;
    const result = await javascript(source);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '200');
    assert.equal(
      (await account.client.get('/projects/get_assigned_projects', { sharedCloudDriveId: drive.body.id })).body.total,
      1,
    );
  });
});
