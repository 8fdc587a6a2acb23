import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { createUser } from './factories.js';
import { createAccount, startTestServer, type TestServer } from './helpers.js';

/**
 * The web console at `/`: served with a strict CSP and kept out of the API's 404/405 rules, then driven in
 * Debian's Chromium through playwright-core (never a downloaded browser). Screenshots go to test-output/console/.
 */

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '..', 'test-output', 'console');
const WEB_DIR = path.resolve(import.meta.dirname, '..', 'src', 'web');
const AXE = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const skipBrowser =
  !fs.existsSync(CHROMIUM) && !process.env.CI
    ? `console browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); they always run in CI`
    : false;

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

describe('serving the console', () => {
  test('GET / answers the page without a token, with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const html = await res.text();
    assert.match(html, /<script type="module" src="\/app\.js"><\/script>/);
  });

  test('serves the scripts and styles with their types', async () => {
    for (const [file, type] of [
      ['/app.js', /javascript/],
      ['/api.js', /javascript/],
      ['/app.css', /^text\/css/],
      ['/favicon.svg', /^image\/svg\+xml/],
    ] as const) {
      const res = await fetch(`${server.url}${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-type') ?? '', type, file);
      assert.ok(res.headers.get('content-security-policy'), file);
    }
  });

  test('the files load nothing from another origin and hold no inline script or style', () => {
    for (const file of fs.readdirSync(WEB_DIR)) {
      const text = fs.readFileSync(path.join(WEB_DIR, file), 'utf8');
      assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${file} names a URL on another origin`);
      assert.doesNotMatch(text, /@import|url\(\s*['"]?(https?:)?\/\//, `${file} imports a remote resource`);
      if (file.endsWith('.html')) {
        assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/, 'inline <script>');
        assert.doesNotMatch(text, /<style|\sstyle=|\son[a-z]+=/i, 'inline style or event handler');
      }
    }
  });

  test('unknown paths and wrong methods still get the API answers', async () => {
    const unknown = await fetch(`${server.url}/no-such-page.html`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('error-code'), 'NOT_FOUND');
    const post = await fetch(`${server.url}/`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
  });

  test('the console routes stay out of the OpenAPI document', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    if (res.status !== 200) return; // the document is served by another part of the agent
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const route of ['/', '/app.js', '/app.css', '/index.html']) assert.ok(!(route in doc.paths), route);
  });
});

describe('the console in Chromium', { skip: skipBrowser }, () => {
  let browser: Browser;
  const open = new Set<BrowserContext>();
  /** Per test: the URLs the page requested and navigated to, problems seen, and the tokens it held. */
  let seen: { requests: string[]; navigations: string[]; problems: string[]; tokens: Set<string> };

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(() => browser?.close());

  afterEach(async () => {
    for (const context of open) await context.close();
    open.clear();
    // Every request stayed on the agent, and no URL ever carried the token.
    const foreign = seen.requests.filter((url) => !/^(http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:|about:)/.test(url));
    assert.deepEqual(foreign, [], 'requests to another host');
    for (const token of seen.tokens) {
      for (const url of [...seen.requests, ...seen.navigations]) assert.ok(!url.includes(token), `token in URL ${url}`);
    }
    for (const url of seen.requests) assert.doesNotMatch(url, /[?&](token|jwtToken)=/i, url);
    assert.deepEqual(seen.problems, [], 'page errors or CSP violations');
  });

  async function newPage(): Promise<Page> {
    seen = { requests: [], navigations: [], problems: [], tokens: new Set() };
    // A fresh context: its own (empty) sessionStorage, like a new browser tab.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'UTC' });
    open.add(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('request', (request) => seen.requests.push(request.url()));
    page.on('framenavigated', (frame) => seen.navigations.push(frame.url()));
    page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) seen.problems.push(message.text());
    });
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const tokenIn = (page: Page) => page.evaluate(() => sessionStorage.getItem('clickd.token'));
  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const rowNames = (table: Locator) => table.locator('tbody tr th').allTextContents();
  const navLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const projectsTable = (page: Page) => page.getByRole('table', { name: /^Projects/ });
  const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

  async function signIn(page: Page, account: { email: string; password: string }, screenshot?: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await heading(page, 'Sign in to clickd').waitFor();
    assert.ok(await isFocused(page.getByLabel('Email')), 'focus starts in the Email field');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    if (screenshot) await shot(page, screenshot);
    await page.getByLabel('Password').press('Enter'); // Enter submits
    await heading(page, 'Projects').waitFor();
    const token = await tokenIn(page);
    assert.ok(token, 'the token is kept in sessionStorage');
    seen.tokens.add(token);
    assert.ok(!page.url().includes(token));
  }

  /** Waits until the table's live total reads `text` (the list has loaded). */
  const waitForTotal = (page: Page, text: string | RegExp) =>
    page.locator('.total-label').first().filter({ hasText: text }).waitFor();

  test('signs in, creates a project and a drive, assigns the drive and sees it listed, then unassigns it', async () => {
    const account = await createAccount(server, 'Console One');
    const page = await newPage();
    await signIn(page, account, '01-sign-in');
    await waitForTotal(page, '0 projects');
    assert.equal(await page.locator('#who').textContent(), 'Signed in as Console One');

    // Create a project through the dialog: focus moves into it, Enter submits, focus comes back.
    const newProject = page.getByRole('button', { name: 'New project' });
    await newProject.click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.waitFor();
    assert.ok(await isFocused(dialog.getByLabel('Name')), 'focus moves into the dialog');
    await dialog.getByLabel('Name').fill('Campaign 2026');
    await dialog.getByLabel('Description').fill('Q1 creative campaign');
    await dialog.getByLabel('Name').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitForTotal(page, '1 project');
    assert.deepEqual(await rowNames(projectsTable(page)), ['Campaign 2026']);
    assert.ok(await isFocused(newProject), 'focus returns to the button that opened the dialog');
    await page.getByRole('status').filter({ hasText: 'Project “Campaign 2026” created.' }).waitFor({ state: 'attached' });
    const stored = await account.client.get('/projects/get_all');
    assert.equal(stored.body.total, 1);
    assert.equal(stored.body.data[0].description, 'Q1 creative campaign');
    await shot(page, '02-projects');

    // Create a drive with its fields.
    await navLink(page, 'Drives').click();
    await heading(page, 'Drives').waitFor();
    await waitForTotal(page, '0 drives');
    await page.getByRole('button', { name: 'New drive' }).click();
    const driveDialog = page.getByRole('dialog', { name: 'New drive' });
    await driveDialog.getByLabel('Name').fill('Media drive');
    await driveDialog.getByLabel('Bucket').fill('media-bucket');
    await driveDialog.getByLabel('Prefix', { exact: true }).fill('team/');
    await driveDialog.getByLabel('Sync type').selectOption({ label: 'Mirror (full local copy)' });
    await driveDialog.getByLabel('Encrypt the local cache').check();
    await shot(page, '03-new-drive-dialog');
    await driveDialog.getByRole('button', { name: 'Create drive' }).click();
    await driveDialog.waitFor({ state: 'detached' });
    await waitForTotal(page, '1 drive');
    const driveRow = page.getByRole('row', { name: /Media drive/ });
    assert.match((await driveRow.textContent()) ?? '', /media-bucket.*team\/.*Virtual drive.*Mirror.*Yes/);
    const drives = await account.client.get('/sharedclouddrive/get_all');
    assert.equal(drives.body.total, 1);
    assert.equal(drives.body.data[0].syncType, 2);
    assert.equal(drives.body.data[0].localCacheEncrypted, true);
    assert.equal(drives.body.data[0].prefix, 'team/');
    await shot(page, '04-drives');

    // Assign the drive on the project's page and see it listed there and on the drive's page.
    await navLink(page, 'Projects').click();
    await page.getByRole('link', { name: 'Campaign 2026' }).click();
    await heading(page, 'Campaign 2026').waitFor();
    const assigned = page.getByRole('table', { name: /^Drives assigned to Campaign 2026/ });
    await waitForTotal(page, '0 assigned drives');
    await page.getByLabel('Drive to assign').selectOption({ label: 'Media drive (media-bucket)' });
    await page.getByRole('button', { name: 'Assign drive' }).click();
    await assigned.getByRole('row', { name: /Media drive/ }).waitFor();
    assert.deepEqual(await rowNames(assigned), ['Media drive']);
    const assignments = await account.client.get('/projects/get_assigned_sharedclouddrives', {
      projectId: stored.body.data[0].id,
    });
    assert.equal(assignments.body.total, 1);
    assert.equal(await page.getByLabel('Drive to assign').isDisabled(), true, 'no other drive left to assign');
    await page.getByRole('heading', { name: 'Who can reach this project' }).waitFor();
    await shot(page, '05-project-page');

    await assigned.getByRole('link', { name: 'Media drive' }).click();
    await heading(page, 'Media drive').waitFor();
    const projectsOfDrive = page.getByRole('table', { name: /^Projects Media drive is assigned to/ });
    await projectsOfDrive.getByRole('row', { name: /Campaign 2026/ }).waitFor();
    await page.getByRole('heading', { name: 'Who can reach this drive' }).waitFor();
    await shot(page, '06-drive-page');

    // Unassign it again from the project's page.
    await page.goBack();
    await heading(page, 'Campaign 2026').waitFor();
    await page.getByRole('button', { name: 'Unassign Media drive' }).click();
    await page.locator('p.empty', { hasText: 'No assigned drives.' }).waitFor();
    const after = await account.client.get('/projects/get_assigned_sharedclouddrives', { projectId: stored.body.data[0].id });
    assert.equal(after.body.total, 0);
  });

  test('sorts by clicking the column headers and filters by name', async () => {
    const account = await createAccount(server, 'Console Sort');
    const projects = [
      { name: 'bravo', description: 'c second', active: true },
      { name: 'Delta', description: 'a fourth', active: false },
      { name: 'Alpha', description: 'd first', active: true },
      { name: 'Charlie', description: 'b third', active: true },
    ];
    for (const project of projects) {
      assert.equal((await account.client.post('/projects/insert', project)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
    }
    const page = await newPage();
    await signIn(page, account);
    const table = projectsTable(page);
    await waitForTotal(page, '4 projects');
    const th = (name: string) => table.getByRole('columnheader', { name });
    const sortBy = (name: string) => th(name).getByRole('button');

    assert.deepEqual(await rowNames(table), ['Alpha', 'bravo', 'Charlie', 'Delta']);
    assert.equal(await th('Name').getAttribute('aria-sort'), 'ascending');

    // By keyboard: the sort buttons are reachable and Enter toggles the direction; focus stays on the button.
    await sortBy('Name').focus();
    await page.keyboard.press('Enter');
    await table.locator('th[aria-sort="descending"]').waitFor();
    await page.waitForFunction(() => document.querySelector('table.data tbody tr th')?.textContent === 'Delta');
    assert.deepEqual(await rowNames(table), ['Delta', 'Charlie', 'bravo', 'Alpha']);
    assert.ok(await isFocused(sortBy('Name')), 'focus stays on the sort button');
    assert.match((await table.locator('caption').textContent()) ?? '', /sorted by Name descending/);

    const sorted = async (column: string, expected: string[]) => {
      await sortBy(column).click();
      await page.waitForFunction(
        (first) => document.querySelector('table.data:not([aria-busy]) tbody tr th')?.textContent === first,
        expected[0],
      );
      assert.deepEqual(await rowNames(table), expected, `sorted by ${column}`);
      assert.equal(await th(column).getAttribute('aria-sort'), 'ascending');
      assert.equal(await th('Name').getAttribute('aria-sort'), column === 'Name' ? 'ascending' : null);
    };
    await sorted('Description', ['Delta', 'Charlie', 'bravo', 'Alpha']);
    await sortBy('Active').click();
    await table.locator('th[aria-sort="ascending"]', { hasText: 'Active' }).waitFor();
    await page.waitForFunction(() => document.querySelector('table.data:not([aria-busy]) tbody tr th')?.textContent === 'Delta');
    const byActive = await rowNames(table);
    assert.equal(byActive[0], 'Delta', 'the inactive project first');
    assert.deepEqual(byActive.slice(1).sort(), ['Alpha', 'Charlie', 'bravo']);
    await sorted('Created', ['bravo', 'Delta', 'Alpha', 'Charlie']);
    await shot(page, '07-sorted-by-created');

    // The name filter (case-insensitive substring), applied after a pause in typing.
    await sortBy('Name').click();
    await page.getByLabel('Filter by name').pressSequentially('HA', { delay: 20 });
    await waitForTotal(page, '2 projects matching “HA”');
    assert.deepEqual(await rowNames(table), ['Alpha', 'Charlie']);
    await shot(page, '08-filtered');
    await page.getByLabel('Filter by name').fill('nothing like it');
    await page.locator('p.empty', { hasText: 'No projects matching “nothing like it”.' }).waitFor();
    await page.getByLabel('Filter by name').fill('');
    await waitForTotal(page, /^4 projects$/);
  });

  test('pages through 60 projects', async () => {
    const account = await createAccount(server, 'Console Paging');
    const names = Array.from({ length: 60 }, (_, i) => `Project ${String(i + 1).padStart(2, '0')}`);
    await Promise.all(names.map((name) => account.client.post('/projects/insert', { name })));
    const page = await newPage();
    await signIn(page, account);
    const table = projectsTable(page);
    const pager = page.getByRole('navigation', { name: 'Pages of projects' });
    await waitForTotal(page, '60 projects');
    await pager.getByText('Page 1 of 3').waitFor();
    let rows = await rowNames(table);
    assert.equal(rows.length, 25);
    assert.equal(rows[0], 'Project 01');
    assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true);

    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2 of 3').waitFor();
    await page.waitForFunction(() => document.querySelector('table.data tbody tr th')?.textContent === 'Project 26');
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 3 of 3').waitFor();
    await page.waitForFunction(() => document.querySelector('table.data tbody tr th')?.textContent === 'Project 51');
    rows = await rowNames(table);
    assert.deepEqual(rows, names.slice(50));
    assert.equal(await pager.getByRole('button', { name: 'Next' }).isDisabled(), true);
    assert.ok(await isFocused(pager.getByRole('button', { name: 'Previous' })), 'focus moves to Previous when Next is disabled');
    await page
      .getByRole('status')
      .filter({ hasText: 'Showing 51 to 60 of 60 projects, page 3 of 3.' })
      .waitFor({ state: 'attached' });
    await shot(page, '09-page-3-of-3');

    await pager.getByRole('button', { name: 'Previous' }).click();
    await pager.getByText('Page 2 of 3').waitFor();
    await pager.getByLabel('Rows per page').selectOption('50');
    await pager.getByText('Page 1 of 2').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length === 50);
    assert.deepEqual(await rowNames(table), names.slice(0, 50));
  });

  test('jumps to a page by number; long texts are clipped to two lines, whole on hover and focus; column widths stay put', async () => {
    const account = await createAccount(server, 'Console Jump');
    const long = `A very long description. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(12)}The end.`;
    assert.ok(long.length > 700);
    const names = Array.from({ length: 130 }, (_, i) => `Project ${String(i + 1).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 26) {
      await Promise.all(
        names
          .slice(i, i + 26)
          .map((name) => account.client.post('/projects/insert', { name, description: name === 'Project 002' ? long : 'Short' })),
      );
    }
    const page = await newPage();
    await signIn(page, account);
    const table = projectsTable(page);
    const pager = page.getByRole('navigation', { name: 'Pages of projects' });
    await waitForTotal(page, '130 projects');
    await pager.getByText('Page 1 of 6').waitFor();
    const widths = () =>
      table.locator('thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
    const firstWidths = await widths();

    // The 700-character description takes two lines, not a tower; its full text is the tooltip.
    const row = table.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'Project 002' }) });
    const rowHeight = await row.evaluate((tr) => tr.getBoundingClientRect().height);
    const plainHeight = await table
      .locator('tbody tr')
      .first()
      .evaluate((tr) => tr.getBoundingClientRect().height);
    assert.ok(rowHeight < 70, `the row is ${rowHeight}px tall`);
    assert.ok(rowHeight <= plainHeight * 2 + 2, `${rowHeight} vs ${plainHeight}`);
    const cell = row.locator('.clip[title]');
    assert.equal(await cell.getAttribute('title'), long);
    assert.equal(await cell.textContent(), long, 'screen readers read the whole text');
    await shot(page, '10-long-text-clipped');
    await cell.focus();
    const focusedHeight = await row.evaluate((tr) => tr.getBoundingClientRect().height);
    assert.ok(focusedHeight > rowHeight * 2, 'focused, the whole text shows');
    await cell.blur();

    // Go to page 5 by number (Enter), then page 1 (the Go button); an impossible page is refused.
    const jump = pager.getByLabel('Go to page');
    await jump.fill('5');
    await jump.press('Enter');
    await pager.getByText('Page 5 of 6').waitFor();
    await page.waitForFunction(() => document.querySelector('table.data tbody tr th')?.textContent === 'Project 101');
    assert.deepEqual(await widths(), firstWidths, 'the columns keep their widths from page to page');
    await shot(page, '11-page-5-of-6');
    await jump.fill('9');
    await pager.getByRole('button', { name: 'Go' }).click();
    assert.equal(await jump.getAttribute('aria-invalid'), 'true');
    await page
      .getByRole('status')
      .filter({ hasText: 'There is no page 9: enter a page from 1 to 6.' })
      .waitFor({ state: 'attached' });
    await pager.getByText('Page 5 of 6').waitFor();
    await jump.fill('6');
    await pager.getByRole('button', { name: 'Go' }).click();
    await pager.getByText('Page 6 of 6').waitFor();
    assert.equal(await jump.getAttribute('aria-invalid'), null);
    assert.deepEqual(await rowNames(table), names.slice(125));
  });

  /**
   * axe-core, evaluated in the page (not injected as a script: the CSP would refuse it), on what the page
   * shows: no serious or critical violation.
   */
  async function expectAccessible(page: Page, what: string): Promise<void> {
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (o: object) => Promise<{ violations: any[] }> } }).axe;
      const result = await axe.run({ resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${what}: axe-core violations`);
  }

  test('My account: API tokens (the value shown once, a copy button, list, delete) and MFA with a locally drawn QR code', async () => {
    const account = await createAccount(server, 'Console Tokens');
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, account);
    await navLink(page, 'My account').click();
    await heading(page, 'My account').waitFor();
    await page.getByText('No API tokens yet.').waitFor();
    await expectAccessible(page, 'my account');

    // Create: the value is shown once, with a copy button; it works against the API.
    await page.getByRole('button', { name: 'New API token' }).click();
    await page.getByLabel('Title').fill('Backup script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'API token “Backup script”' });
    await shown.waitFor();
    await shown.getByText('this is the only time it is shown').waitFor();
    const value = await shown.getByLabel('Token').inputValue();
    assert.ok(value.length > 20);
    seen.tokens.add(value);
    await expectAccessible(page, 'token shown once');
    await shot(page, '20-api-token-shown-once');
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
    const viaToken = await fetch(`${server.url}/authentication/user`, { headers: { authorization: `Bearer ${value}` } });
    assert.equal(viaToken.status, 200);
    await shown.getByRole('button', { name: 'Done' }).click();
    const tokens = page.getByRole('table', { name: 'Your API tokens' });
    await tokens.getByRole('rowheader', { name: 'Backup script' }).waitFor();
    assert.equal(await tokens.locator('tbody tr td').nth(1).textContent(), 'Never');
    assert.equal(await page.getByText(value).count(), 0, 'the value is not shown again');

    // Delete: the token stops working.
    await tokens.getByRole('button', { name: 'Delete Backup script' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete token' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    const after = await fetch(`${server.url}/authentication/user`, { headers: { authorization: `Bearer ${value}` } });
    assert.equal(after.status, 401);

    const mfa = page.getByRole('region', { name: 'Two-step verification (MFA)' });
    // MFA: the QR code is drawn in the page and encodes the otpauth URI of the key shown beside it.
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const setup = page.getByRole('dialog', { name: 'Turn on two-step verification' });
    const secret = (await setup.locator('code.secret').textContent())!;
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    const qr = setup.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    await expectAccessible(page, 'MFA setup');
    await shot(page, '21-mfa-setup');
    const expected = qrcode(0, 'M');
    expected.addData(`otpauth://totp/${encodeURIComponent(`clickd:${account.email}`)}?secret=${secret}&issuer=clickd`);
    expected.make();
    const count = expected.getModuleCount();
    const drawn = await qr.evaluate((canvas: HTMLCanvasElement, n: number) => {
      const scale = canvas.width / (n + 8);
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const dark: boolean[] = [];
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++) {
          const x = Math.floor((c + 4 + 0.5) * scale);
          const y = Math.floor((r + 4 + 0.5) * scale);
          dark.push(data[(y * canvas.width + x) * 4]! < 128);
        }
      return dark;
    }, count);
    const wanted: boolean[] = [];
    for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) wanted.push(expected.isDark(r, c));
    assert.deepEqual(drawn, wanted, 'the QR code encodes the otpauth URI');

    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await setup.getByLabel('Verification code').fill(totp.generate());
    await setup.getByRole('button', { name: 'Turn on' }).click();
    await mfa.getByText('Two-step verification is on').waitFor();
    assert.equal((await account.client.get('/authentication/user')).body.mfa, true);

    // Off again, with a current code (the next one: each code works once).
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    const off = page.getByRole('dialog', { name: 'Turn off two-step verification' });
    await off.getByLabel('Verification code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await off.getByRole('button', { name: 'Turn off' }).click();
    await mfa.getByText('Two-step verification is off').waitFor();
    assert.equal((await account.client.get('/authentication/user')).body.mfa, false);
  });

  test('Users: list, invite, resend the invitation, edit type and status, delete; members do not get the page', async () => {
    const account = await createAccount(server, 'Console Users');
    const active = await createUser(server, account.accountId, { userType: 32, username: `dave-${Date.now()}@example.com` });
    const page = await newPage();
    await signIn(page, account);
    await navLink(page, 'Users').click();
    await heading(page, 'Users').waitFor();
    await waitForTotal(page, '2 users');
    const table = page.getByRole('table', { name: /^Users/ });
    const row = (name: string) => table.locator('tbody tr', { has: page.getByRole('rowheader', { name }) });
    // Neither the owner nor you can be deleted: no such button.
    assert.equal(
      await row(account.email)
        .getByRole('button', { name: /^Delete/ })
        .count(),
      0,
    );
    await expectAccessible(page, 'users');

    // Invite: a pending user, and an invitation in the outbox.
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a user' });
    await dialog.getByLabel('Email').fill('carol@example.com');
    await dialog.getByLabel('First name').fill('Carol');
    await dialog.getByLabel('Type').selectOption({ label: 'Desktop creative user' });
    await expectAccessible(page, 'invite dialog');
    await shot(page, '22-invite-user');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await waitForTotal(page, '3 users');
    await row('carol@example.com').getByText('Pending').waitFor();
    const outbox = () =>
      fs
        .readdirSync(path.join(server.dataDir, 'outbox'))
        .filter((f) => fs.readFileSync(path.join(server.dataDir, 'outbox', f), 'utf8').includes('carol@example.com')).length;
    const invitations = outbox();
    assert.ok(invitations >= 1);

    await row('carol@example.com').getByRole('button', { name: 'Resend the invitation of carol@example.com' }).click();
    await page.locator('p.notice', { hasText: 'Invitation sent again to carol@example.com.' }).waitFor();
    assert.equal(outbox(), invitations + 1);

    // Edit a pending user's type (no status to choose: they activate by accepting the invitation).
    await row('carol@example.com').getByRole('button', { name: 'Edit carol@example.com' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit user carol@example.com' });
    assert.equal(await edit.getByLabel('Status').count(), 0);
    await edit.getByLabel('Type').selectOption({ label: 'Account user' });
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await row('carol@example.com').getByText('Account user').waitFor();

    // Deactivate an active user.
    await row(active.email)
      .getByRole('button', { name: `Edit ${active.email}` })
      .click();
    const editActive = page.getByRole('dialog', { name: `Edit user ${active.email}` });
    await editActive.getByLabel('Status').selectOption('2');
    await editActive.getByRole('button', { name: 'Save changes' }).click();
    await row(active.email).getByText('Inactive').waitFor();
    const listed = await account.client.get('/user/get_all_users', { username: active.email });
    assert.equal(listed.body.data[0].status, 2);
    await shot(page, '23-users');

    await row('carol@example.com').getByRole('button', { name: 'Delete carol@example.com' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
    await waitForTotal(page, '2 users');

    // A member sees no Users page.
    const member = await createUser(server, account.accountId, { userType: 32 });
    const memberPage = await newPage();
    await signIn(memberPage, member);
    assert.equal(await navLink(memberPage, 'Users').count(), 0);
    await memberPage.goto(`${server.url}/#/users`);
    await heading(memberPage, 'Projects').waitFor();
  });

  test('Groups: list, create, edit, delete and restore; a group’s page adds and removes members', async () => {
    const account = await createAccount(server, 'Console Groups');
    const ann = await createUser(server, account.accountId, {
      userType: 32,
      username: `ann-${Date.now()}@example.com`,
      firstname: 'Ann',
    });
    const ben = await createUser(server, account.accountId, {
      userType: 64,
      username: `ben-${Date.now()}@example.com`,
      firstname: 'Ben',
    });
    const page = await newPage();
    await signIn(page, account);
    await navLink(page, 'Groups').click();
    await heading(page, 'Groups').waitFor();
    await waitForTotal(page, '0 groups');

    await page.getByRole('button', { name: 'New group' }).click();
    const create = page.getByRole('dialog', { name: 'New group' });
    await create.getByLabel('Name').fill('Editors');
    await create.getByLabel('Description').fill('They edit');
    await create.getByRole('button', { name: 'Create group' }).click();
    await waitForTotal(page, '1 group');
    const table = page.getByRole('table', { name: /^Groups/ });
    await table.getByRole('button', { name: 'Edit Editors' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit group “Editors”' });
    await edit.getByLabel('Description').fill('They edit the campaign');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await table.getByText('They edit the campaign').waitFor();
    await expectAccessible(page, 'groups');

    // The group's page: add both users, remove one.
    await table.getByRole('link', { name: 'Editors' }).click();
    await heading(page, 'Group “Editors”').waitFor();
    await waitForTotal(page, '0 members');
    await page.getByRole('button', { name: 'Add members' }).click();
    const add = page.getByRole('dialog', { name: 'Add members to “Editors”' });
    const users = add.getByLabel('Users (Ctrl or Shift to pick several)');
    await users.selectOption([ann.userId, ben.userId]);
    await expectAccessible(page, 'add members');
    await add.getByRole('button', { name: 'Add' }).click();
    await waitForTotal(page, '2 members');
    const members = page.getByRole('table', { name: /^Members of Editors/ });
    assert.deepEqual((await rowNames(members)).sort(), [ann.email, ben.email].sort());
    await expectAccessible(page, 'group page');
    await shot(page, '24-group-members');
    await members.getByRole('button', { name: `Remove ${ben.email} from Editors` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
    await waitForTotal(page, '1 member');
    const listed = await account.client.get('/usergroup/get_all', { name: 'Editors' });
    const assigned = await account.client.get('/usergroup/get_assigned_users', { userGroupId: listed.body.data[0].id });
    assert.deepEqual(
      assigned.body.data.map((m: { user: { id: string } }) => m.user.id),
      [ann.userId],
    );

    // Delete, then restore from the deleted groups.
    await page.getByRole('link', { name: 'Groups' }).first().click();
    await heading(page, 'Groups').waitFor();
    await table.getByRole('button', { name: 'Delete Editors' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete group' }).click();
    await waitForTotal(page, '0 groups');
    await page.getByLabel('Show deleted').check();
    await table.getByRole('button', { name: 'Restore Editors' }).click();
    await waitForTotal(page, '0 deleted groups');
    await page.getByLabel('Show deleted').uncheck();
    await waitForTotal(page, '1 group');

    const memberPage = await newPage();
    await signIn(memberPage, ann);
    assert.equal(await navLink(memberPage, 'Groups').count(), 0);
  });

  test('Activity: the audit log with its changes, filtered by record type and action', async () => {
    const account = await createAccount(server, 'Console Activity');
    const created = await account.client.post('/projects/insert', { name: 'Watched', description: 'first' });
    await account.client.put('/projects/update', { id: created.body.id, description: 'second' });
    await account.client.post('/sharedclouddrive/insert', { name: 'Watched drive' });
    const page = await newPage();
    await signIn(page, account);
    await navLink(page, 'Activity').click();
    await heading(page, 'Activity').waitFor();
    // The helper's sign-in, three changes and this sign-in.
    await waitForTotal(page, '5 entries');
    const table = page.getByRole('table', { name: /^Activity/ });
    const update = table.locator('tbody tr', { hasText: 'projects/update' });
    await update.getByText('description: first → second').waitFor();
    await page.getByLabel('Record type').selectOption('Project');
    await waitForTotal(page, '2 entries');
    await page.getByLabel('Action').fill('projects/insert');
    await page.getByLabel('Action').press('Enter');
    await waitForTotal(page, '1 entry');
    assert.match((await table.locator('tbody tr').first().textContent()) ?? '', /Project .*name: — → Watched/);
    await expectAccessible(page, 'activity');
    await shot(page, '26-activity');
  });

  test('Grants: grant, change Read/ReadWrite and revoke from the project’s, drive’s, user’s and group’s pages', async () => {
    const account = await createAccount(server, 'Console Grants');
    const ann = await createUser(server, account.accountId, { userType: 32, firstname: 'Ann', lastname: 'Grant' });
    const project = (await account.client.post('/projects/insert', { name: 'Campaign' })).body;
    const drive = (await account.client.post('/sharedclouddrive/insert', { name: 'Team Drive' })).body;
    const group = (await account.client.post('/usergroup/insert', { name: 'Editors' })).body;
    await account.client.post('/usergroup/assign_users', [{ userId: ann.userId, userGroupId: group.id }]);
    const page = await newPage();
    await signIn(page, account);
    const permissions = () => page.getByRole('table', { name: /^Permissions of/ });
    const grant = async (who: string, permission: 'Read' | 'Read and write') => {
      await page.getByRole('button', { name: 'Grant access' }).click();
      const dialog = page.getByRole('dialog', { name: /^Grant access/ });
      await dialog.getByLabel(/^(User or group|Project or drive)/).selectOption({ label: who });
      await dialog.getByLabel('Permission').selectOption({ label: permission });
      await dialog.getByRole('button', { name: 'Grant' }).click();
    };

    // The project's page: grant Ann, then change her to Read and write; grant the group; revoke Ann.
    await page.goto(`${server.url}/#/projects/${project.id}`);
    await heading(page, 'Campaign').waitFor();
    await page.getByText('Nothing granted yet.').waitFor();
    await grant(`User: Ann Grant (${ann.email})`, 'Read');
    await permissions()
      .getByRole('rowheader', { name: `Ann Grant (${ann.email})` })
      .waitFor();
    await permissions().getByLabel(`Permission of Ann Grant (${ann.email})`).selectOption({ label: 'Read and write' });
    await page.getByRole('status').filter({ hasText: 'now has read and write access' }).waitFor({ state: 'attached' });
    const users = await account.client.get('/userspermission/get_users_assigned_to_project', { projectId: project.id });
    assert.deepEqual(
      users.body.data.map((r: any) => [r.user.id, r.permission.permissionType]),
      [[ann.userId, 2]],
    );
    await grant('Group: Editors', 'Read');
    await permissions().getByRole('rowheader', { name: 'Editors' }).waitFor();
    // Who can reach the project follows at once: Ann directly and through the group.
    const reachProject = page.getByRole('table', { name: 'Users and groups who can reach this project' });
    await reachProject.getByRole('row', { name: /Ann Grant.*Member of group “Editors”/ }).waitFor();
    await expectAccessible(page, 'project permissions');
    await shot(page, '25-project-permissions');
    await permissions()
      .getByRole('button', { name: `Revoke Ann Grant (${ann.email})` })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length > 0);
    await permissions()
      .getByRole('rowheader', { name: `Ann Grant (${ann.email})` })
      .waitFor({ state: 'detached' });
    assert.equal(
      (await account.client.get('/userspermission/get_users_assigned_to_project', { projectId: project.id })).body.total,
      0,
    );

    // The drive's page: grant the group; who reaches the drive shows Ann through it.
    await page.goto(`${server.url}/#/drives/${drive.id}`);
    await heading(page, 'Team Drive').waitFor();
    await grant('Group: Editors', 'Read and write');
    await permissions().getByRole('rowheader', { name: 'Editors' }).waitFor();
    const reach = page.getByRole('table', { name: 'Users and groups who can reach this drive' });
    await reach.getByRole('row', { name: /Ann Grant.*Member of group “Editors”/ }).waitFor();

    // The user's page: grant Ann the drive directly.
    await page.goto(`${server.url}/#/users/${ann.userId}`);
    await heading(page, 'Ann Grant').waitFor();
    await page.getByText('Nothing granted yet.').waitFor();
    await grant('Drive: Team Drive', 'Read');
    await permissions().getByRole('rowheader', { name: 'Team Drive' }).waitFor();
    await expectAccessible(page, 'user permissions');
    const direct = await account.client.get('/userspermission/get_sharedclouddrive_assigned_to_user', { userId: ann.userId });
    assert.equal(direct.body.data[0].permission.permissionType, 1);

    // The group's page lists the project and the drive granted to it.
    await page.goto(`${server.url}/#/groups/${group.id}`);
    await heading(page, 'Group “Editors”').waitFor();
    await permissions().getByRole('rowheader', { name: 'Campaign' }).waitFor();
    await permissions().getByRole('rowheader', { name: 'Team Drive' }).waitFor();
    assert.equal(await permissions().getByLabel('Permission of Team Drive').inputValue(), '2');
    await expectAccessible(page, 'group permissions');
    await shot(page, '26-group-permissions');

    // A member sees no Permissions section on the project's page.
    const memberPage = await newPage();
    await signIn(memberPage, ann);
    await memberPage.goto(`${server.url}/#/projects/${project.id}`);
    await heading(memberPage, 'Campaign').waitFor();
    assert.equal(await memberPage.getByRole('button', { name: 'Grant access' }).count(), 0);
  });

  test('axe-core: no serious or critical violation on the other screens, for an admin and for a member', async () => {
    const account = await createAccount(server, 'Console Axe');
    const project = (await account.client.post('/projects/insert', { name: 'Axe Project', description: 'x'.repeat(300) })).body;
    const drive = (await account.client.post('/sharedclouddrive/insert', { name: 'Axe Drive' })).body;
    await account.client.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]);
    const member = await createUser(server, account.accountId, { userType: 32 });
    await account.client.post('/userspermission/users_project_permission', [
      { userId: member.userId, projectId: project.id, permissionType: 1 },
    ]);
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await heading(page, 'Sign in to clickd').waitFor();
    await expectAccessible(page, 'sign-in');
    await signIn(page, account);
    await waitForTotal(page, '1 project');
    await expectAccessible(page, 'projects');
    await page.getByRole('button', { name: 'New project' }).click();
    await expectAccessible(page, 'new project dialog');
    await page.keyboard.press('Escape');
    await page.goto(`${server.url}/#/projects/${project.id}`);
    await heading(page, 'Axe Project').waitFor();
    await page
      .getByText('Nothing granted yet.')
      .or(page.getByRole('table', { name: /^Permissions of/ }))
      .first()
      .waitFor();
    await expectAccessible(page, 'project page');
    await navLink(page, 'Drives').click();
    await waitForTotal(page, '1 drive');
    await expectAccessible(page, 'drives');
    await page.goto(`${server.url}/#/drives/${drive.id}`);
    await heading(page, 'Axe Drive').waitFor();
    await expectAccessible(page, 'drive page');

    const memberPage = await newPage();
    await signIn(memberPage, member);
    await waitForTotal(memberPage, '1 project');
    await expectAccessible(memberPage, 'member projects');
    await memberPage.goto(`${server.url}/#/projects/${project.id}`);
    await heading(memberPage, 'Axe Project').waitFor();
    await expectAccessible(memberPage, 'member project page');
    await navLink(memberPage, 'My account').click();
    await heading(memberPage, 'My account').waitFor();
    await expectAccessible(memberPage, 'member account');

    // The check does see a problem: a button without a name is a critical violation.
    await memberPage.evaluate(() => document.querySelector('main')!.append(document.createElement('button')));
    await assert.rejects(expectAccessible(memberPage, 'broken on purpose'), /button-name/);
  });

  test('shows API errors in plain words and keeps the dialog open; Escape closes it', async () => {
    const account = await createAccount(server, 'Console Errors');
    await account.client.post('/projects/insert', { name: 'Campaign 2026' });
    const page = await newPage();
    await signIn(page, account);
    await waitForTotal(page, '1 project');
    const newProject = page.getByRole('button', { name: 'New project' });
    await newProject.click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Name').fill('campaign 2026');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    const alert = dialog.getByRole('alert');
    await alert.filter({ hasText: 'A project with the same name already exists.' }).waitFor();
    assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    assert.ok(await isFocused(dialog.getByLabel('Name')), 'focus goes to the field in error');
    await shot(page, '10-duplicate-name');

    // A blank name: the API's message, with the field's label instead of its JSON name.
    await dialog.getByLabel('Name').fill('   ');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await alert.filter({ hasText: 'Name must not be blank.' }).waitFor();

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await isFocused(newProject), 'focus returns to the opener after Escape');
    assert.equal((await account.client.get('/projects/get_all')).body.total, 1);

    // The same message when a rename collides.
    await account.client.post('/projects/insert', { name: 'Other' });
    await page.reload(); // the session survives a reload (sessionStorage)
    await waitForTotal(page, '2 projects');
    await page.getByRole('button', { name: 'Edit Other' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit project “Other”' });
    await edit.getByLabel('Name').fill('CAMPAIGN 2026');
    await edit.getByLabel('Name').press('Enter');
    await edit.getByRole('alert').filter({ hasText: 'A project with the same name already exists.' }).waitFor();
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'detached' });
    assert.ok(await isFocused(page.getByRole('button', { name: 'Edit Other' })));
  });

  test('deletes a project and restores it from the deleted projects', async () => {
    const account = await createAccount(server, 'Console Delete');
    const created = await account.client.post('/projects/insert', { name: 'Old project', description: 'to delete' });
    const page = await newPage();
    await signIn(page, account);
    await waitForTotal(page, '1 project');

    await page.getByRole('button', { name: 'Delete Old project' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete project “Old project”?' });
    await confirm.waitFor();
    assert.ok(await isFocused(confirm.getByRole('button', { name: 'Cancel' })), 'the safe choice has the focus');
    await shot(page, '11-confirm-delete');
    await confirm.getByRole('button', { name: 'Delete project' }).click();
    await confirm.waitFor({ state: 'detached' });
    await waitForTotal(page, '0 projects');
    const deleted = await account.client.get('/projects/get_all', { deleted: true });
    assert.deepEqual(
      deleted.body.data.map((p: { id: string }) => p.id),
      [created.body.id],
    );

    await page.getByRole('checkbox', { name: 'Show deleted' }).check();
    await waitForTotal(page, '1 deleted project');
    await shot(page, '12-deleted-projects');
    await page.getByRole('button', { name: 'Restore Old project' }).click();
    await waitForTotal(page, '0 deleted projects');
    await page.getByRole('checkbox', { name: 'Show deleted' }).uncheck();
    await waitForTotal(page, '1 project');
    assert.deepEqual(await rowNames(projectsTable(page)), ['Old project']);
    assert.equal((await account.client.get('/projects/get_all')).body.data[0].deleted, false);
  });

  test('a rejected session sends you back to sign-in with a message', async () => {
    const account = await createAccount(server, 'Console Expired');
    const page = await newPage();
    await signIn(page, account);
    await waitForTotal(page, '0 projects');
    const token = await tokenIn(page);
    // The session ends elsewhere (another tab signs out, or it expires).
    assert.equal((await account.client.post('/authentication/logout', { jwtToken: token })).status, 200);
    // click, not check(): the checkbox is gone once the 401 has replaced the page.
    await page.getByRole('checkbox', { name: 'Show deleted' }).click();
    await heading(page, 'Sign in to clickd').waitFor();
    await page.locator('#main').getByText('Your session has ended. Sign in again to continue.').waitFor();
    assert.equal(await tokenIn(page), null, 'the dead token is forgotten');
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
    await shot(page, '13-session-ended');
  });

  test('signs out: the session ends on the agent and the page forgets the token', async () => {
    const account = await createAccount(server, 'Console Out');
    const page = await newPage();
    await signIn(page, account);
    const token = (await tokenIn(page))!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in to clickd').waitFor();
    await page.locator('#main').getByText('You have signed out.').waitFor();
    assert.equal(await tokenIn(page), null);
    const res = await fetch(`${server.url}/authentication/user`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401, 'the token no longer works');
    await page.reload();
    await heading(page, 'Sign in to clickd').waitFor();
  });

  test('a wrong password is said plainly and the form stays', async () => {
    const account = await createAccount(server, 'Console Wrong');
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is not correct.' }).waitFor();
    assert.ok(await isFocused(page.getByLabel('Password')));
    await shot(page, '14-wrong-password');
  });

  test('the drives page edits, deletes and restores a drive', async () => {
    const account = await createAccount(server, 'Console Drives');
    await account.client.post('/sharedclouddrive/insert', { name: 'Archive', storageName: 'archive-bucket' });
    const page = await newPage();
    await signIn(page, account);
    await navLink(page, 'Drives').click();
    await waitForTotal(page, '1 drive');
    await page.getByRole('button', { name: 'Edit Archive' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit drive “Archive”' });
    assert.equal(await edit.getByLabel('Bucket').inputValue(), 'archive-bucket');
    await edit.getByLabel('Objects per folder').fill('500');
    await edit.getByLabel('Active').uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const stored = (await account.client.get('/sharedclouddrive/get_all')).body.data[0];
    assert.equal(stored.objectsPerFolder, 500);
    assert.equal(stored.active, false);
    assert.equal(stored.storageName, 'archive-bucket');

    await page.getByRole('button', { name: 'Delete Archive' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete drive' }).click();
    await waitForTotal(page, '0 drives');
    await page.getByRole('checkbox', { name: 'Show deleted' }).check();
    await page.getByRole('button', { name: 'Restore Archive' }).click();
    await waitForTotal(page, '0 deleted drives');
    assert.equal((await account.client.get('/sharedclouddrive/get_all')).body.total, 1);
  });

  test('answers the MFA challenge with a code field', async () => {
    const account = await createAccount(server, 'Console Mfa');
    const secret = (await account.client.post('/user/generate_mfa_token')).body as string;
    const codeNow = () => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
    assert.equal((await account.client.post('/user/set_mfa', { enabled: true, userCode: codeNow() })).status, 200);

    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByLabel('Password').press('Enter');
    await heading(page, 'Two-step verification').waitFor();
    const code = page.getByLabel('Verification code');
    assert.ok(await isFocused(code), 'focus moves to the code field');
    await code.fill(codeNow() === '000000' ? '111111' : '000000');
    await code.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'The verification code is not valid.' }).waitFor();
    await shot(page, '15-mfa-code');
    // The code that turned MFA on is spent (each code works once): the app's next code answers.
    await code.fill(
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 }),
    );
    await code.press('Enter');
    await heading(page, 'Projects').waitFor();
    const token = await tokenIn(page);
    assert.ok(token);
    seen.tokens.add(token);
  });

  test('shows who can reach a project or a drive, and through which path', async () => {
    const account = await createAccount(server, 'Console Reach');
    const c = account.client;
    const ok = async (res: Promise<{ status: number; text: string; body: any }>) => {
      const r = await res;
      assert.equal(r.status, 200, r.text);
      return r.body;
    };
    const user = (firstname: string) =>
      ok(
        c.post('/user/insert_user', {
          firstname,
          lastname: 'Reach',
          username: `${firstname.toLowerCase()}.reach@example.com`,
          email: `${firstname.toLowerCase()}.reach@example.com`,
          userType: 32,
        }),
      );
    const ada = await user('Ada');
    const bob = await user('Bob');
    const cy = await user('Cy');
    const editors = await ok(c.post('/usergroup/insert', { name: 'Editors' }));
    await ok(c.post('/usergroup/assign_users', [{ userId: cy.id, userGroupId: editors.id }]));
    const project = await ok(c.post('/projects/insert', { name: 'Reachable' }));
    const drive = await ok(c.post('/sharedclouddrive/insert', { name: 'Shared media', storageName: 'media' }));
    await ok(c.post('/projects/assign_sharedclouddrive', [{ projectId: project.id, sharedCloudDriveId: drive.id }]));
    await ok(c.post('/userspermission/users_project_permission', [{ userId: ada.id, projectId: project.id, permissionType: 2 }]));
    await ok(
      c.post('/userspermission/usergroups_project_permission', [
        { userGroupId: editors.id, projectId: project.id, permissionType: 1 },
      ]),
    );
    await ok(
      c.post('/userspermission/users_sharedclouddrive_permision', [
        { userId: bob.id, sharedCloudDriveId: drive.id, permissionType: 1 },
      ]),
    );

    const page = await newPage();
    await signIn(page, account);
    await page.getByRole('link', { name: 'Reachable' }).click();
    const reach = page.getByRole('table', { name: 'Users and groups who can reach this project' });
    await reach.waitFor();
    const rowsOf = async (table: Locator) =>
      (await table.locator('tbody tr').all()).map(async (row) => (await row.locator('th, td').allTextContents()).join(' | '));
    assert.deepEqual(await Promise.all(await rowsOf(reach)), [
      'Ada Reach (ada.reach@example.com) | User | Read and write | Granted directly',
      'Editors | Group | Read | Granted directly',
      'Cy Reach (cy.reach@example.com) | User | Read | Member of group “Editors”',
    ]);
    await shot(page, '16-who-can-reach-project');

    await page.getByRole('link', { name: 'Shared media' }).click();
    const driveReach = page.getByRole('table', { name: 'Users and groups who can reach this drive' });
    await driveReach.waitFor();
    assert.deepEqual(await Promise.all(await rowsOf(driveReach)), [
      'Bob Reach (bob.reach@example.com) | User | Read | Granted directly',
      'Ada Reach (ada.reach@example.com) | User | Read and write | Granted project “Reachable”',
      'Editors | Group | Read | Granted project “Reachable”',
      'Cy Reach (cy.reach@example.com) | User | Read | Member of group “Editors”, granted project “Reachable”',
    ]);
    await shot(page, '17-who-can-reach-drive');
  });

  test('a user who is not an admin sees what they can reach and no controls to change it', async () => {
    const account = await createAccount(server, 'Console Admin');
    const theirs = (await account.client.post('/projects/insert', { name: 'Granted to the reader' })).body;
    await account.client.post('/projects/insert', { name: 'Not for the reader' });
    const reader = await createUser(server, account.accountId, { userType: 32, firstname: 'Rita', lastname: 'Reader' });
    const grant = await account.client.post('/userspermission/users_project_permission', [
      { userId: reader.userId, projectId: theirs.id, permissionType: 1 },
    ]);
    assert.equal(grant.status, 200, grant.text);

    const page = await newPage();
    await signIn(page, reader);
    await waitForTotal(page, '1 project');
    assert.deepEqual(await rowNames(projectsTable(page)), ['Granted to the reader']);
    assert.equal(await page.getByRole('button', { name: 'New project' }).count(), 0);
    assert.equal(
      await projectsTable(page)
        .getByRole('button', { name: /^(Edit|Delete)/ })
        .count(),
      0,
    );
    await page.getByRole('link', { name: 'Granted to the reader' }).click();
    await page.getByRole('heading', { name: 'Shared cloud drives' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /Edit project|Delete project|Assign drive/ }).count(), 0);
    assert.deepEqual(await page.getByRole('table').first().getByRole('columnheader').allTextContents(), [
      'Drive▲',
      'Bucket↕',
      'Prefix',
      'Assigned↕',
    ]);
    await shot(page, '18-reader');
  });

  test('the API reference at /docs renders every controller from the agent alone, under its CSP', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/docs`);
    // The document lists both route shapes (Click and Web, issue 10): about twice the operations to read.
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const tags = await page.locator('.opblock-tag').allTextContents();
    for (const tag of ['Authentication', 'Projects', 'SharedCloudDrive', 'User', 'UserGroup', 'UsersPermission']) {
      assert.ok(
        tags.some((t) => t.startsWith(tag)),
        `${tag} among ${tags.join(', ')}`,
      );
    }
    // The Web API's operations are listed too, under their own tags (closed until clicked).
    assert.ok(
      tags.some((t) => t.startsWith('Web API: Projects')),
      `Web API: Projects among ${tags.join(', ')}`,
    );
    assert.equal(await page.locator('.opblock').count(), await page.locator('.opblock').filter({ hasNotText: '/api/' }).count());
    await page.locator('.opblock-tag', { hasText: 'Web API: Projects' }).click();
    await page.locator('[id$="-api_v1_project_get_all"]').waitFor();
    assert.ok(
      seen.requests.some((url) => url.endsWith('/docs/json')),
      'the page loaded the document',
    );
    await shot(page, '19-api-reference');
  });
});
