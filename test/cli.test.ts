import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { Secret, TOTP } from 'otpauth';
import { staleBuild } from '../scripts/buildState.js';
import { registerClientCommands } from '../src/cli/commands/index.js';
import { Client, createAccount, startTestServer, UNKNOWN_ID, type TestAccount, type TestServer } from './helpers.js';

/**
 * Issue 4 items 2 and 4: the `clickd` client commands, run as a real process against a real server.
 * The installed binary (bin/clickd.js → dist/, run from its bundle and code cache) is what runs, as on a
 * fresh clone after `npm ci`; `npm test` builds first when the sources are newer, so a stale build is never
 * what gets tested.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const NOT_LOGGED_IN = 'error: not logged in or session expired: run `clickd login`\n';

const CLICKD = [path.join(ROOT, 'bin/clickd.js')];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let server: TestServer;
let owner: TestAccount;
let configDir: string;

/** Runs `clickd <args>` with its own credentials folder and none of the caller's CLICKD_* settings. */
function clickd(args: string[], env: Record<string, string> = {}, dir = configDir): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKD_')));
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLICKD, ...args],
      { cwd: ROOT, env: { ...clean, CLICKD_CONFIG_DIR: dir, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** Runs a command that must succeed, and returns its output. */
async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const run = await clickd(args, env);
  assert.equal(run.code, 0, `clickd ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

async function json(args: string[]): Promise<any> {
  return JSON.parse(await ok([...args, '--json']));
}

function expectFailure(run: Run, code: number, stderr: RegExp | string): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`);
  if (typeof stderr === 'string') assert.equal(run.stderr, stderr);
  else assert.match(run.stderr, stderr);
  assert.equal(run.stdout, '', 'nothing on stdout when a command fails');
}

const credentialsPath = () => path.join(configDir, 'credentials.json');

before(async () => {
  // scripts/test.js (npm test) builds first when the build is stale; run alone, this file says so instead.
  const stale = staleBuild();
  assert.equal(stale, undefined, `the build is stale (${stale}): run npm run build, or npm test, which builds first`);
  server = await startTestServer();
  owner = await createAccount(server, 'CLI Owner');
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-'));
});
after(async () => {
  await server.close();
  fs.rmSync(configDir, { recursive: true, force: true });
});

describe('clickd login, whoami, logout (running bin/clickd.js)', () => {
  test('a command before login says to run clickd login', async () => {
    expectFailure(await clickd(['projects', 'list', '--server', server.url]), 1, NOT_LOGGED_IN);
  });

  test('login needs a password when there is no terminal: usage error', async () => {
    expectFailure(
      await clickd(['login', '--server', server.url, '--username', owner.email]),
      2,
      /^error: no password: set CLICKD_PASSWORD/,
    );
    assert.equal(fs.existsSync(credentialsPath()), false);
  });

  test('a wrong password is refused with the server’s code and message', async () => {
    const run = await clickd(['login', '--server', server.url, '--username', owner.email], {
      CLICKD_PASSWORD: 'not-the-password',
    });
    expectFailure(run, 1, 'error: AUTH: The username or password is not correct.\n');
    assert.equal(fs.existsSync(credentialsPath()), false);
  });

  test('login with CLICKD_PASSWORD keeps the token in an owner-only credentials file', async () => {
    const out = await ok(['login', '--server', server.url, '--username', owner.email], { CLICKD_PASSWORD: owner.password });
    assert.equal(out, `Logged in to ${server.url} as ${owner.email}.\n`);
    const stat = fs.statSync(credentialsPath());
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(fs.statSync(configDir).mode & 0o077, 0, 'the folder is not readable by others either');
    const saved = JSON.parse(fs.readFileSync(credentialsPath(), 'utf8'));
    assert.equal(saved.server, server.url);
    assert.equal(saved.username, owner.email);
    // The saved token works against the API.
    assert.equal((await new Client(server.url, saved.token).get('/authentication/user')).status, 200);
    assert.ok(!out.includes(saved.token), 'the token is not printed');
  });

  test('whoami shows the signed-in user, from the saved server (no --server needed)', async () => {
    const out = await ok(['whoami']);
    assert.match(out, new RegExp(`^Server: +${server.url}$`, 'm'));
    assert.match(out, new RegExp(`^Username: +${owner.email}$`, 'm'));
    assert.match(out, /^Account: +CLI Owner$/m);
    assert.match(out, /^Owner: +yes$/m);
    const info = await json(['whoami']);
    assert.equal(info.userId, owner.userId);
    assert.equal(info.accountId, owner.accountId);
    assert.equal(info.jwtToken, undefined, 'the token is not printed');
  });

  test('an expired or revoked token says to log in again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ server: server.url, token: 'not.a.token' }), {
        mode: 0o600,
      });
      expectFailure(await clickd(['whoami'], {}, dir), 1, NOT_LOGGED_IN);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a server that is not running is named in the error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify({ server: 'http://127.0.0.1:9', token: 'x' }), {
        mode: 0o600,
      });
      expectFailure(
        await clickd(['projects', 'list'], {}, dir),
        1,
        /^error: cannot reach clickd at http:\/\/127\.0\.0\.1:9 .*clickd serve/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('clickd projects and drives', () => {
  let projectId: string;

  test('create prints the new project; --json prints the API record', async () => {
    const out = await ok(['projects', 'create', 'Campaign 2026', '--description', 'Q1 creative']);
    const match = /^Created project "Campaign 2026" \(([0-9a-f-]{36})\)\.\n$/.exec(out);
    assert.ok(match, out);
    projectId = match[1]!;
    const second = await json(['projects', 'create', 'Archive', '--inactive']);
    assert.equal(second.name, 'Archive');
    assert.equal(second.active, false);
    assert.equal(second.description, '');
  });

  test('a duplicate name fails with the error code and message, exit code 1', async () => {
    expectFailure(
      await clickd(['projects', 'create', 'campaign 2026']),
      1,
      'error: DUPLICATE: A project with the same name already exists.\n',
    );
  });

  test('list prints an aligned table; --json prints the DTOCollection', async () => {
    const out = await ok(['projects', 'list']);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME +ID +ACTIVE +DESCRIPTION +UPDATED$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^Archive +[0-9a-f-]{36} +no +- +\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.match(lines[2]!, new RegExp(`^Campaign 2026 +${projectId} +yes +Q1 creative +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`));
    for (const column of ['ID', 'ACTIVE', 'DESCRIPTION', 'UPDATED']) {
      const at = lines[0]!.indexOf(column);
      assert.ok(
        lines.slice(1, 3).every((l) => l[at - 1] === ' ' && l[at] !== ' '),
        `${column} is aligned`,
      );
    }
    assert.equal(lines[3], '(2 projects)');
    const body = await json(['projects', 'list']);
    assert.equal(body.total, 2);
    assert.deepEqual(
      body.data.map((p: any) => p.name),
      ['Archive', 'Campaign 2026'],
    );
    assert.deepEqual(body.options, { page: 1, pageSize: 50, sort: [{ field: 'Name', descending: false }] });
  });

  test('paging, sorting and the name filter reach the API', async () => {
    const [body, filtered, none, paged] = await Promise.all([
      json(['projects', 'list', '--pagesize', '1', '--page', '2', '--sort', 'name', '--desc']),
      ok(['projects', 'list', '--name', 'CAMP']),
      ok(['projects', 'list', '--name', 'nothing-like-this']),
      ok(['projects', 'list', '--pagesize', '1']),
    ]);
    assert.equal(body.total, 2);
    assert.deepEqual(
      body.data.map((p: any) => p.name),
      ['Archive'],
    );
    assert.deepEqual(body.options, { page: 2, pageSize: 1, sort: [{ field: 'Name', descending: true }] });
    assert.match(filtered, /Campaign 2026/);
    assert.doesNotMatch(filtered, /Archive/);
    assert.equal(none, 'No projects.\n');
    assert.match(paged, /\(1-1 of 2 projects, page 1 of 2\)\n$/);
  });

  test('usage errors exit with 2; errors from the API name the field and exit with 1', async () => {
    const [words, unknown, nothing, tooLarge, badSort] = await Promise.all([
      clickd(['projects', 'list', '--pagesize', 'ten']),
      clickd(['projects', 'list', '--colour']),
      clickd(['projects', 'update', 'Archive']),
      clickd(['projects', 'list', '--pagesize', '5000']),
      clickd(['projects', 'list', '--sort', 'Colour']),
    ]);
    expectFailure(words, 2, /--pagesize must be a whole number/);
    expectFailure(unknown, 2, /unknown option '--colour'/);
    expectFailure(nothing, 2, /^error: nothing to change/);
    expectFailure(tooLarge, 1, "error: DEFAULT: 'pagesize' must be <= 1000.\n");
    expectFailure(badSort, 1, /^error: DEFAULT: 'sortfield' "Colour" is not allowed/);
  });

  test('update by name changes the fields given', async () => {
    const updated = await json(['projects', 'update', 'Campaign 2026', '--name', 'Campaign 2027', '--inactive']);
    assert.equal(updated.id, projectId);
    assert.equal(updated.name, 'Campaign 2027');
    assert.equal(updated.active, false);
    assert.equal(updated.description, 'Q1 creative');
    assert.equal(await ok(['projects', 'update', projectId, '--active']), `Updated project "Campaign 2027" (${projectId}).\n`);
  });

  test('an unknown id or name is NOT_FOUND, exit code 1', async () => {
    expectFailure(await clickd(['projects', 'delete', UNKNOWN_ID]), 1, `error: NOT_FOUND: Project ${UNKNOWN_ID} not found.\n`);
    expectFailure(
      await clickd(['projects', 'delete', 'No Such Project']),
      1,
      /^error: NOT_FOUND: there is no project named "No Such Project"/,
    );
  });

  test('delete, list --deleted and restore', async () => {
    assert.match(await ok(['projects', 'delete', 'Archive']), /^Deleted project "Archive" \([0-9a-f-]{36}\)\.\n$/);
    assert.doesNotMatch(await ok(['projects', 'list']), /Archive/);
    assert.match(await ok(['projects', 'list', '--deleted']), /^Archive /m);
    assert.match(await ok(['projects', 'restore', 'Archive']), /^Restored project "Archive" \([0-9a-f-]{36}\)\.\n$/);
    assert.match(await ok(['projects', 'list']), /^Archive /m);
    expectFailure(
      await clickd(['projects', 'restore', 'Archive']),
      1,
      /^error: NOT_FOUND: there is no deleted project named "Archive"/,
    );
  });

  test('drives create and list; assign, list both ways, unassign', async () => {
    const drive = await json([
      'drives',
      'create',
      'Team Drive',
      '--storage-name',
      'team-bucket',
      '--prefix',
      'team/',
      '--sync-type',
      'mirror',
    ]);
    assert.equal(drive.storageName, 'team-bucket');
    assert.equal(drive.syncType, 2);
    assert.match(await ok(['drives', 'create', 'Spare']), /^Created drive "Spare"/);
    assert.match(
      await ok(['drives', 'list']),
      new RegExp(`^Team Drive +${drive.id} +yes +team-bucket +team/ +virtual +mirror `, 'm'),
    );
    expectFailure(
      await clickd(['drives', 'create', 'X', '--sync-type', 'sideways']),
      2,
      /--sync-type must be one of: stream, mirror/,
    );

    assert.equal(
      await ok(['projects', 'assign', 'Campaign 2027', 'Team Drive', 'Spare']),
      `Assigned 2 drives to project "Campaign 2027" (${projectId}).\n`,
    );
    const assigned = await json(['projects', 'drives', 'Campaign 2027']);
    assert.deepEqual(
      assigned.data.map((a: any) => a.sharedCloudDrive.name),
      ['Spare', 'Team Drive'],
    );
    assert.match(await ok(['projects', 'drives', projectId]), /^DRIVE +DRIVE ID +BUCKET +ASSIGNMENT ID +ASSIGNED\nSpare /);
    assert.match(await ok(['drives', 'projects', 'Team Drive']), /^PROJECT .*\nCampaign 2027 /);

    assert.equal(
      await ok(['projects', 'unassign', 'Campaign 2027', 'Team Drive']),
      'Unassigned drive "Team Drive" from project "Campaign 2027".\n',
    );
    expectFailure(
      await clickd(['projects', 'unassign', 'Campaign 2027', 'Team Drive']),
      1,
      /^error: NOT_FOUND: drive "Team Drive" is not assigned/,
    );
    const spare = assigned.data.find((a: any) => a.sharedCloudDrive.name === 'Spare').projectSharedCloudDrive.id;
    assert.equal(await ok(['projects', 'unassign', spare]), `Removed assignment ${spare}.\n`);
    assert.equal(await ok(['projects', 'drives', 'Campaign 2027']), 'No assigned drives.\n');
    expectFailure(await clickd(['projects', 'unassign', spare]), 1, /^error: NOT_FOUND: /);
  });

  test('drives update, delete and restore', async () => {
    const updated = await json(['drives', 'update', 'Spare', '--name', 'Spare 2', '--allow-delete']);
    assert.equal(updated.name, 'Spare 2');
    assert.equal(updated.allowDelete, true);
    assert.equal((await json(['drives', 'update', 'Spare 2', '--no-allow-delete'])).allowDelete, false);
    assert.match(await ok(['drives', 'delete', 'Spare 2']), /^Deleted drive "Spare 2"/);
    assert.match(await ok(['drives', 'restore', 'Spare 2']), /^Restored drive "Spare 2"/);
  });

  test('another account’s project answers like an unknown one', async () => {
    const other = await createAccount(server, 'Other');
    const theirs = await other.client.post('/projects/insert', { name: 'Theirs' });
    expectFailure(
      await clickd(['projects', 'delete', theirs.body.id]),
      1,
      `error: NOT_FOUND: Project ${theirs.body.id} not found.\n`,
    );
    expectFailure(await clickd(['projects', 'delete', 'Theirs']), 1, /there is no project named "Theirs"/);
  });
});

describe('clickd users, groups and permissions', () => {
  test('invite a user, put them in a group, grant and list permissions', async () => {
    assert.match(
      await ok(['users', 'invite', 'bob@example.com', '--first-name', 'Bob', '--type', 'DesktopCreativeUser']),
      /^Invited bob@example.com/,
    );
    const users = await json(['users', 'list', '--username', 'bob']);
    assert.equal(users.total, 1);
    assert.equal(users.data[0].userType, 32);
    assert.match(await ok(['users', 'list']), /^bob@example.com +[0-9a-f-]{36} +Bob +DesktopCreativeUser \(32\) +pending /m);

    assert.match(await ok(['groups', 'create', 'Editors', '--description', 'Edit the campaign']), /^Created group "Editors"/);
    assert.match(await ok(['groups', 'add-member', 'Editors', 'bob@example.com']), /^Added 1 user to group "Editors"/);
    assert.match(await ok(['groups', 'members', 'Editors']), /^USERNAME .*\nbob@example.com /);
    assert.match(await ok(['groups', 'list']), /^Editors +[0-9a-f-]{36} +yes +Edit the campaign /m);

    await ok(['projects', 'create', 'Granted']);
    assert.equal(
      await ok(['permissions', 'grant', '--user', 'bob@example.com', '--project', 'Granted', '--permission', 'readwrite']),
      'Granted user bob@example.com read-write access to project Granted.\n',
    );
    await ok(['permissions', 'grant', '--group', 'Editors', '--project', 'Granted']);
    const listed = await ok(['permissions', 'list', '--project', 'Granted']);
    assert.match(listed, /^user bob@example.com +project Granted +readwrite /m);
    assert.match(listed, /^group Editors +project Granted +read /m);
    expectFailure(
      await clickd(['permissions', 'grant', '--user', 'bob@example.com']),
      2,
      /^error: give one of --user or --group/,
    );

    assert.match(await ok(['users', 'delete', 'bob@example.com']), /^Deleted user bob@example.com/);
    assert.match(await ok(['groups', 'delete', 'Editors']), /^Deleted group "Editors"/);
  });
});

describe('issue 12: one error format, short usage errors, --json always JSON, XDG_DATA_HOME', () => {
  test('a usage error is one line and a hint naming the command’s help, exit code 2', async () => {
    expectFailure(
      await clickd(['projects', 'list', '--colour']),
      2,
      "error: unknown option '--colour'\nsee clickd projects list --help\n",
    );
    expectFailure(
      await clickd(['projects', 'create']),
      2,
      "error: missing required argument 'name'\nsee clickd projects create --help\n",
    );
    expectFailure(
      await clickd(['permissions', 'grant', '--user', 'nobody@example.com']),
      2,
      'error: give one of --user or --group, and one of --project or --drive\nsee clickd permissions grant --help\n',
    );
    const serve = await clickd(['serve', '--port', 'eighty']);
    assert.equal(serve.code, 1);
    assert.equal(serve.stderr.trim().split('\n').length, 2, serve.stderr);
    assert.match(serve.stderr, /^error: option '--port <port>' argument 'eighty' is invalid\. .*\nsee clickd serve --help\n$/);
  });

  test('--json prints {"ok": true} for calls that answer with no body', async () => {
    const created = await json(['projects', 'create', 'Json Only']);
    assert.deepEqual(await json(['projects', 'delete', created.id]), { ok: true });
    assert.deepEqual(await json(['projects', 'restore', 'Json Only']), { ok: true });
    const drive = await json(['drives', 'create', 'Json Drive']);
    assert.deepEqual(await json(['projects', 'assign', 'Json Only', drive.id]), { ok: true });
    assert.deepEqual(await json(['projects', 'unassign', 'Json Only', 'Json Drive']), { ok: true });
    assert.deepEqual(await json(['drives', 'delete', 'Json Drive']), { ok: true });
  });

  test('account create fails as every command does: error: CODE: message, exit 1', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-data-'));
    try {
      const args = ['account', 'create', '--data-dir', dataDir, '--name', 'Dup', '--email', 'dup@example.com'];
      const first = await clickd([...args, '--password', 'long-enough-pass']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(JSON.parse(first.stdout).database, path.join(dataDir, 'clickd.db'));
      expectFailure(await clickd([...args, '--password', 'long-enough-pass']), 1, /^error: DUPLICATE: [^\n]+\n$/);
      expectFailure(await clickd(args), 1, /^error: [A-Z_]+: A password is required[^\n]+\n$/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an empty XDG_DATA_HOME falls back to ~/.local/share, as if it were unset', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-home-'));
    try {
      const args = ['account', 'create', '--name', 'Xdg', '--email', 'xdg@example.com', '--password', 'long-enough-pass'];
      const empty = await clickd(args, { HOME: home, XDG_DATA_HOME: '' });
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(JSON.parse(empty.stdout).database, path.join(home, '.local', 'share', 'clickd', 'clickd.db'));
      assert.equal(fs.existsSync(path.join(ROOT, 'clickd')), false, 'nothing written in the current directory');
      const set = await clickd(args, { HOME: home, XDG_DATA_HOME: path.join(home, 'xdg') });
      assert.equal(set.code, 0, set.stderr);
      assert.equal(JSON.parse(set.stdout).database, path.join(home, 'xdg', 'clickd', 'clickd.db'));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('clickd --version and the start-up bundle', () => {
  test('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(await ok(['--version']), `${pkg.version}\n`);
    assert.equal(await ok(['-V']), `${pkg.version}\n`);
  });

  // The build records V8's code cache of the bundle in a warm-up run of the agent; V8 takes it only under
  // the flags it was recorded with, and the agent changes two flags (src/heap.ts) once the cache is read.
  test('the installed binary starts from its bundle with the code cache V8 accepts', async () => {
    const run = await clickd(['--version'], { CLICKD_CODE_CACHE: 'check' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, 'clickd: code cache accepted\n');
  });

  // The cache is recorded per Node.js version (bin/clickd.js): one recorded under another version is not even
  // read (V8 would reject it after checking it), and the agent starts without it. Run from a copy of the
  // installed files, so that renaming the cache does not disturb the other tests.
  test('the code cache is used only by the Node.js version it was recorded with; another one starts without it', async () => {
    const own = `clickd.bundle.cjs.${process.version}-${process.arch}.cache`;
    const other = `clickd.bundle.cjs.v1.0.0-${process.arch}.cache`;
    fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    const copy = fs.mkdtempSync(path.join(ROOT, 'test-output', 'code-cache-'));
    try {
      fs.mkdirSync(path.join(copy, 'bin'));
      fs.mkdirSync(path.join(copy, 'dist/http'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
      fs.copyFileSync(path.join(ROOT, 'bin/clickd.js'), path.join(copy, 'bin/clickd.js'));
      fs.copyFileSync(path.join(ROOT, 'dist/http/clickd.bundle.cjs'), path.join(copy, 'dist/http/clickd.bundle.cjs'));
      fs.copyFileSync(path.join(ROOT, 'dist/http', own), path.join(copy, 'dist/http', own));
      const version = `${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`;
      const run = () =>
        new Promise<Run>((resolve) => {
          execFile(
            process.execPath,
            [path.join(copy, 'bin/clickd.js'), '--version'],
            { env: { PATH: process.env.PATH ?? '', CLICKD_CODE_CACHE: 'check' }, timeout: 60_000 },
            (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
          );
        });
      assert.deepEqual(await run(), { code: 0, stdout: version, stderr: 'clickd: code cache accepted\n' });
      // The same cache under another version's name: not read at all (absent, not rejected).
      fs.renameSync(path.join(copy, 'dist/http', own), path.join(copy, 'dist/http', other));
      assert.deepEqual(await run(), { code: 0, stdout: version, stderr: 'clickd: code cache absent\n' });
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('clickd --help', () => {
  test('each command group has help with examples', async () => {
    const groups = ['login', 'logout', 'whoami', 'projects', 'drives', 'users', 'groups', 'permissions'];
    const runs = await Promise.all([clickd(['--help']), ...groups.map((g) => clickd([g, '--help']))]);
    const [root, ...rest] = runs;
    assert.equal(root!.code, 0);
    for (const g of groups) assert.match(root!.stdout, new RegExp(`^  ${g}\\b`, 'm'), `clickd --help lists ${g}`);
    rest.forEach((run, i) => {
      assert.equal(run.code, 0, groups[i]);
      assert.match(run.stdout, /\nExamples:\n {2}clickd /, `${groups[i]} --help has examples`);
    });
    assert.match(rest[3]!.stdout, /^ {2}list \[options\]/m);
    assert.match(rest[3]!.stdout, /^ {2}unassign \[options\]/m);
    const list = await clickd(['projects', 'list', '--help']);
    for (const option of ['--server', '--json', '--page', '--pagesize', '--sort', '--desc', '--name'])
      assert.match(list.stdout, new RegExp(option));
    expectFailure(await clickd(['projects']), 2, /Usage: clickd projects/);
  });

  test('every client command has examples in its help', () => {
    const program = new Command('clickd');
    registerClientCommands(program);
    const leaves = (cmd: Command): Command[] => (cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap(leaves));
    const all = leaves(program);
    assert.ok(all.length >= 25, `${all.length} commands`);
    for (const cmd of all) {
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s) });
      cmd.outputHelp();
      assert.match(help, /\nExamples:\n {2}(clickd|printf|CLICKD)/, `${cmd.parent?.name()} ${cmd.name()}`);
    }
  });
});

describe('clickd login with a second factor, and logout', () => {
  test('login answers the MFA challenge with CLICKD_MFA_CODE', async () => {
    const user = await createAccount(server, 'MFA Owner');
    const secret = (await user.client.post('/user/generate_mfa_token')).body as string;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    assert.equal((await user.client.post('/user/set_mfa', { enabled: true, userCode: totp.generate() })).status, 200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-cli-'));
    try {
      const args = ['login', '--server', server.url, '--username', user.email];
      const without = await clickd(args, { CLICKD_PASSWORD: user.password }, dir);
      expectFailure(without, 2, /^error: this user signs in with a second factor: set CLICKD_MFA_CODE/);
      const wrong = await clickd(args, { CLICKD_PASSWORD: user.password, CLICKD_MFA_CODE: '000000' }, dir);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /^error: TOTP: /);
      // The code that turned MFA on is spent (each code works once): the next one signs in.
      const next = totp.generate({ timestamp: Date.now() + 30_000 });
      const right = await clickd(args, { CLICKD_PASSWORD: user.password, CLICKD_MFA_CODE: next }, dir);
      assert.equal(right.code, 0, right.stderr);
      assert.match((await clickd(['whoami'], {}, dir)).stdout, /^Two-factor: +yes$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('logout ends the session on the server and removes the credentials file', async () => {
    const { token } = JSON.parse(fs.readFileSync(credentialsPath(), 'utf8'));
    assert.equal(await ok(['logout']), `Logged out of ${server.url}.\n`);
    assert.equal(fs.existsSync(credentialsPath()), false);
    assert.equal((await new Client(server.url, token).get('/authentication/user')).status, 401);
    expectFailure(await clickd(['whoami']), 1, NOT_LOGGED_IN);
    assert.equal(await ok(['logout']), 'Not logged in.\n');
  });
});
