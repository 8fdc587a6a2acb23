// The benchmark suite (`npm run bench`, `npm run bench -- --quick`). It starts the real agent (bin/clickd.js
// serve) as a separate process on a freshly seeded data directory, loads it over HTTP with autocannon from
// this process, measures a bare Fastify ceiling and json-server on the same responses, and writes
// bench/results.json (bench/results-node<major>.json when not run on Node.js 20) and bench/RESULTS.md. The
// agent and the ceiling run on the Node.js that runs this script: `PATH=<node 24>/bin:$PATH npm run bench`. Options: --quick (smaller, shorter: under two minutes),
// --no-build (use dist/ as it is), --keep (keep the data directories), --only paging (only the paging-depth
// scenarios, at 100k and 1M, or 100k with --quick; prints their figures and writes no results file), --only
// writes (only assigning 1,000 pairs and the inserts from 10 clients, at 100k; likewise no results file),
// --database (only the PostgreSQL scenario set, bench/postgres.js, with the SQLite figures of the same run
// beside them: starts its own PostgreSQL cluster, writes bench/results-postgres.json and the "PostgreSQL
// (hosted mode)" section of bench/RESULTS.md; with --quick, shorter).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, load, median, readStatusMb, request, root, sleep, startProcess } from './lib.js';
import { CHILDREN, countProjects, exportJsonServerDb, OWNER, seed } from './seed.js';
import { POSTGRES_RESULTS, readRuns, resultsFileName, writeReport } from './report.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const settings = quick
  ? { sizes: [1_000, 10_000, 100_000], childrenAt: [1_000], duration: 1, warmup: 0.5, repeats: 3 }
  : { sizes: [1_000, 10_000, 100_000, 1_000_000], childrenAt: [1_000, 100_000], duration: 5, warmup: 1, repeats: 5 };
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'paging' && only !== 'postgres' && only !== 'writes') {
  throw new Error(`--only ${only}: the subsets are 'paging', 'writes' and 'postgres' (the same as --database)`);
}
const database = args.has('--database') || only === 'postgres';
if (only === 'paging' || only === 'postgres') settings.sizes = settings.sizes.filter((size) => size >= 100_000);
// The write scenarios (assign 1,000 pairs, inserts from 10 clients) run at 100k, as in the full run.
if (only === 'writes') settings.sizes = [100_000];
const connections = 10;
const pageSize = 50;
const benchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-bench-'));
const started = performance.now();

const results = {
  mode: quick ? 'quick' : 'full',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  },
  commit: gitCommit(),
  settings: { ...settings, connections, pageSize, children: CHILDREN },
  scenarios: {},
  /** Ratios measured by alternating their two loads (pairedRatio): key → median ratio and the rounds. */
  ratios: {},
  checks: {},
};

function gitCommit() {
  // scripts/ci-node.sh runs the bench in a copy of the checkout, without its git folder.
  if (process.env.CLICKD_BENCH_COMMIT) return process.env.CLICKD_BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function log(message) {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`[${seconds.padStart(6)}s] ${message}\n`);
}

function record(name, figures, extra = {}) {
  results.scenarios[name] = { ...figures, ...extra };
  log(
    `${name.padEnd(44)} ${String(figures.requestsPerSecond ?? '').padStart(7)} req/s  p50 ${figures.p50Ms ?? '-'} ms  p99 ${
      figures.p99Ms ?? '-'
    } ms${figures.non2xx ? `  NON-2XX ${figures.non2xx}` : ''}${figures.errors ? `  ERRORS ${figures.errors}` : ''}`,
  );
}

const listPath = (page, route = 'get_all') => `/projects/${route}?page=${page}&pagesize=${pageSize}&sortfield=Name`;

async function startAgent(dataDir, { cache = true } = {}) {
  const port = await freePort();
  return startProcess(process.execPath, ['bin/clickd.js', 'serve', '--port', String(port), '--data-dir', dataDir], {
    port,
    readyPath: '/management/agent_status',
    logFile: path.join(dataDir, 'bench-server.out'),
    env: {
      CLICKD_RESPONSE_CACHE: cache ? '1' : '0',
      CLICKD_LOG_FILE: path.join(dataDir, 'clickd.log'),
      CLICKD_LOGIN_RATE_MAX: '1000',
    },
  });
}

async function login(agent) {
  const res = await request('POST', `${agent.url}/authentication/login`, {
    body: { username: OWNER.email, password: OWNER.password, type: 16 },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.body}`);
  return JSON.parse(res.body.toString()).jwtToken;
}

const withToken = (url, token) => `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

let rssUnderLoad = 0;

async function measure(name, agent, url, extra = {}) {
  const stop = agent.sampleRss();
  const figures = await load(url, { connections, duration: settings.duration, warmup: settings.warmup });
  const rss = stop();
  rssUnderLoad = Math.max(rssUnderLoad, rss);
  record(name, figures, { rssUnderLoadMb: rss, peakRssMb: agent.peakRssMb(), ...extra });
  return figures;
}

/**
 * A ceiling kept running while the 100k scenarios run, measured right after the scenario it is compared
 * with: this machine's speed drifts over minutes, so the two figures of a ratio are taken back to back.
 */
const adjacentCeilings = {};
async function startCeiling(key, body) {
  const file = path.join(benchDir, `ceiling-${key}.json`);
  fs.writeFileSync(file, body);
  const port = await freePort();
  adjacentCeilings[key] = {
    server: await startProcess(process.execPath, ['bench/ceiling.js', file, String(port)], { port, readyPath: '/' }),
    bytes: body.length,
  };
}
const ceilingUrl = (key, pathAndQuery) => adjacentCeilings[key].server.url + pathAndQuery;

/**
 * A budget ratio a/b measured by alternating its two loads three times (a, b, a, b, a, b): each pair is
 * taken back to back, and the median of the three ratios is kept, so that the minutes-long drifts of this
 * machine's speed fall on both sides of a ratio alike.
 */
async function pairedRatio(key, a, b) {
  const rounds = [];
  for (let i = 0; i < 3; i++) {
    const warmup = i === 0 ? settings.warmup : 0;
    const fa = await load(a.url, { connections, duration: settings.duration, warmup });
    const fb = await load(b.url, { connections, duration: settings.duration, warmup });
    rounds.push({ a: fa.requestsPerSecond, b: fb.requestsPerSecond, ratio: fa.requestsPerSecond / fb.requestsPerSecond });
  }
  const value = median(rounds.map((r) => r.ratio));
  results.ratios[key] = { value, a: a.name, b: b.name, rounds };
  log(`${key}: ${value.toFixed(2)} (${rounds.map((r) => `${r.a}/${r.b}`).join(', ')} req/s)`);
}
async function stopCeilings() {
  for (const key of Object.keys(adjacentCeilings)) {
    await adjacentCeilings[key].server.stop();
    delete adjacentCeilings[key];
  }
}

/** Serves `body` from a bare Fastify route and measures it. */
async function ceiling(name, body, pathAndQuery) {
  const file = path.join(benchDir, `${name}.json`);
  fs.writeFileSync(file, body);
  const port = await freePort();
  const server = await startProcess(process.execPath, ['bench/ceiling.js', file, String(port)], { port, readyPath: '/' });
  try {
    const figures = await load(server.url + pathAndQuery, { connections, duration: settings.duration, warmup: settings.warmup });
    record(name, figures, { peakRssMb: server.peakRssMb(), bytes: body.length });
    return figures;
  } finally {
    await server.stop();
  }
}

/** Starts json-server on the same projects (exported from the agent's data), checked to answer the query. */
async function startJsonServer(dataDir) {
  const file = path.join(benchDir, 'db.json');
  const count = exportJsonServerDb(dataDir, file);
  const port = await freePort();
  const server = await startProcess(
    process.execPath,
    ['node_modules/json-server/lib/cli/bin.js', file, '--port', String(port), '--host', '127.0.0.1', '--quiet', '--read-only'],
    { port, readyPath: '/projects?_limit=1' },
  );
  const url = `${server.url}/projects?_page=1&_limit=${pageSize}&_sort=name`;
  const check = await request('GET', url);
  if (check.status !== 200 || JSON.parse(check.body.toString()).length !== pageSize) {
    await server.stop();
    throw new Error('json-server answered wrongly');
  }
  return { server, url, count };
}

async function jsonServer(peer) {
  const figures = await load(peer.url, { connections, duration: settings.duration, warmup: settings.warmup });
  record('json-server get_all page 1 (10k)', figures, { peakRssMb: peer.server.peakRssMb(), projects: peer.count });
}

/** Spawns the agent and polls an authenticated get_all until the first 200: the time a script waits. */
async function coldStart(dataDir, token) {
  const port = await freePort();
  const times = [];
  for (let i = 0; i < settings.repeats; i++) {
    const { spawn } = await import('node:child_process');
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/clickd.js', 'serve', '--port', String(port), '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, CLICKD_LOG_FILE: path.join(dataDir, 'clickd.log') },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    const url = withToken(`http://127.0.0.1:${port}${listPath(1)}`, token);
    for (;;) {
      try {
        const res = await request('GET', url);
        if (res.status === 200) break;
        throw new Error(`cold start: status ${res.status}`);
      } catch (err) {
        if (!/ECONNREFUSED|ECONNRESET/.test(String(err))) throw err;
        if (performance.now() - t0 > 20_000) throw new Error('cold start: no answer in 20 s');
        await sleep(2);
      }
    }
    times.push(Math.round(performance.now() - t0));
    child.kill('SIGTERM');
    await exited;
  }
  return times;
}

async function assignBench(agent, token, projectIds, driveIds) {
  const times = [];
  for (let r = 0; r < settings.repeats; r++) {
    const driveId = driveIds[r % driveIds.length];
    const pairs = projectIds.slice(0, 1000).map((projectId) => ({ projectId, sharedCloudDriveId: driveId }));
    const t0 = performance.now();
    const res = await request('POST', withToken(`${agent.url}/projects/assign_sharedclouddrive`, token), { body: pairs });
    const elapsed = performance.now() - t0;
    if (res.status !== 200) throw new Error(`assign failed: ${res.status} ${res.body}`);
    times.push(Math.round(elapsed * 10) / 10);
  }
  return times;
}

async function insertBench(agent, token) {
  let n = 0;
  const cpuBefore = cpuTimeMs(agent.pid);
  const stop = agent.sampleRss();
  const figures = await load(withToken(`${agent.url}/projects/insert`, token), {
    connections,
    duration: settings.duration,
    warmup: settings.warmup,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => ({
      ...req,
      body: JSON.stringify({ name: `Bench insert ${process.pid} ${++n}`, description: 'inserted under load', active: true }),
    }),
  });
  const rss = stop();
  const cpuMs = cpuTimeMs(agent.pid) - cpuBefore;
  rssUnderLoad = Math.max(rssUnderLoad, rss);
  // The agent's CPU time per insert: what a request costs, whatever else the machine runs meanwhile.
  const cpuMsPerInsert = Math.round((cpuMs / n) * 1000) / 1000;
  log(`insert: ${n} requests, agent CPU ${cpuMs} ms, ${cpuMsPerInsert} ms per insert`);
  record('insert (10 clients, synchronous=FULL)', figures, { rssUnderLoadMb: rss, peakRssMb: agent.peakRssMb(), cpuMsPerInsert });
}

/** The CPU time (user and system) a process has used so far, in ms (Linux: /proc/<pid>/stat, 100 ticks a second). */
function cpuTimeMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The write scenarios, on a fresh agent in the default configuration: assign 1,000 pairs, then inserts. */
async function writes(dataDir, seeded) {
  const agent = await startAgent(dataDir);
  try {
    const token = await login(agent);
    const times = await assignBench(agent, token, seeded.projectIds, seeded.driveIds);
    const meanMs = Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10;
    results.scenarios['assign 1,000 pairs in one request'] = { medianMs: median(times), meanMs, runsMs: times };
    log(`assign 1,000 pairs: median ${median(times)} ms (${times.join(', ')})`);
    await insertBench(agent, token);
    results.checks['total after inserts equals a real count'] = await totalMatchesCount(agent, token, dataDir, seeded.accountId);
    notePeakRss(agent);
  } finally {
    await agent.stop();
  }
}

async function totalMatchesCount(agent, token, dataDir, accountId) {
  const res = await request('GET', withToken(agent.url + listPath(1), token));
  const total = JSON.parse(res.body.toString()).total;
  const real = countProjects(dataDir, accountId);
  return { total, real, ok: total === real };
}

/**
 * Paging at any depth (issue 14, DECISIONS.md section 10), on an agent without the response cache.
 * (1) The middle page against page 1, loads alternated: a jump reads the index only (a deferred join).
 * (2) A walk, one request after the other as a script pages: at 100k every page (2,000 of 50); at 1M a
 * stretch of 2,000 pages from the middle on (its first page is a jump, timed apart). The walk goes in
 * chunks of 100 pages, each followed by 100 reads of page 1, so that both sides of the ratio see the same
 * machine speed; the ratio is the walk's time over page 1's time for as many requests.
 */
async function pagingDepth(dataDir, label, size) {
  const agent = await startAgent(dataDir, { cache: false });
  try {
    const token = await login(agent);
    const url = (p) => withToken(agent.url + p, token);
    const total = JSON.parse((await request('GET', url(listPath(1)))).body.toString()).total;
    const pages = Math.ceil(total / pageSize);
    const middle = Math.ceil(pages / 2);
    const get = async (page) => {
      const res = await request('GET', url(listPath(page)));
      if (res.status !== 200) throw new Error(`page ${page}: ${res.status}`);
      return JSON.parse(res.body.toString()).data;
    };
    const timed = async (page) => {
      const t0 = performance.now();
      await get(page);
      return Math.round((performance.now() - t0) * 100) / 100;
    };
    // Nothing is remembered yet. The first jump to the middle page skips on the index (cold); the second
    // finds the signposts (every 1,000th index entry) up to it; from the third on, a jump starts from the
    // nearest signpost. One request each: single timings.
    const jumps = { coldMs: await timed(middle), findingSignpostsMs: await timed(middle), fromSignpostMs: await timed(middle) };
    log(`first jumps to the middle page at ${label}: ${JSON.stringify(jumps)}`);
    // Then every request for the middle page is a jump from a signpost (nothing is written meanwhile).
    await pairedRatio(
      `middle page vs page 1 at ${label}, no cache`,
      { name: `get_all page 1 (${label}, no cache)`, url: url(listPath(1)) },
      { name: `get_all middle page (${label}, no cache)`, url: url(listPath(middle)) },
    );
    // Jumps to random pages (2 to the last), one after the other, in chunks of 50 alternated with 50
    // reads of page 1: pages past the middle need the signposts of the other direction, found on the
    // way (their first jump included), deeper signposts are found as deeper pages are asked for.
    let seedValue = 14;
    const random = () => (seedValue = (seedValue * 1103515245 + 12345) % 2147483648) / 2147483648;
    const jumpCount = quick ? 200 : 1000;
    let randomMs = 0;
    let randomFirstMs = 0;
    for (let done = 0; done < jumpCount; done += 50) {
      let t0 = performance.now();
      for (let i = 0; i < 50; i++) await get(2 + Math.floor(random() * (pages - 1)));
      randomMs += performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < 50; i++) await get(1);
      randomFirstMs += performance.now() - t0;
    }
    const randomFigures = {
      pages: jumpCount,
      perPageMs: Math.round((randomMs / jumpCount) * 100) / 100,
      page1PerRequestMs: Math.round((randomFirstMs / jumpCount) * 100) / 100,
      ratio: Math.round((randomMs / randomFirstMs) * 100) / 100,
      ...jumps,
    };
    results.scenarios[`jumps to random pages (${label}, no cache)`] = randomFigures;
    log(`random jumps at ${label}: ${JSON.stringify(randomFigures)}`);
    const stretch = size >= 1_000_000 ? middle : 1;
    const count = Math.min(quick ? 500 : 2000, pages - stretch + 1);
    let jumpMs;
    let page = stretch;
    const seen = new Set();
    if (stretch > 1) {
      const t0 = performance.now();
      for (const r of await get(page++)) seen.add(r.id);
      jumpMs = performance.now() - t0;
    }
    let walkMs = 0;
    let firstMs = 0;
    let walked = 0;
    while (walked < count) {
      const chunk = Math.min(100, count - walked);
      let t0 = performance.now();
      for (let i = 0; i < chunk; i++) for (const r of await get(page++)) seen.add(r.id);
      walkMs += performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < chunk; i++) await get(1);
      firstMs += performance.now() - t0;
      walked += chunk;
    }
    const expected = Math.min(total - (stretch - 1) * pageSize, (count + (stretch > 1 ? 1 : 0)) * pageSize);
    if (seen.size !== expected) throw new Error(`the walk saw ${seen.size} distinct projects, expected ${expected}`);
    const figures = {
      pages: count,
      fromPage: stretch > 1 ? stretch + 1 : 1,
      walkMs: Math.round(walkMs),
      page1Ms: Math.round(firstMs),
      perPageMs: Math.round((walkMs / count) * 100) / 100,
      page1PerRequestMs: Math.round((firstMs / count) * 100) / 100,
      ratio: Math.round((walkMs / firstMs) * 100) / 100,
      ...(jumpMs === undefined ? {} : { jumpToPage: stretch, jumpMs: Math.round(jumpMs * 10) / 10 }),
    };
    results.scenarios[`walk ${stretch > 1 ? `${count} pages from the middle` : 'every page'} (${label}, no cache)`] = figures;
    log(`paging walk at ${label}: ${JSON.stringify(figures)}`);
    notePeakRss(agent);
  } finally {
    await agent.stop();
  }
}
let notePeakRss = () => {};

async function main() {
  if (!args.has('--no-build')) {
    log('building (tsc, then the bundle: what npm run build does)');
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
        cwd: root,
        stdio: 'ignore',
      });
    } catch {
      log('tsc reported type errors; measuring the JavaScript it emitted');
    }
    execFileSync(process.execPath, ['scripts/bundle.js'], { cwd: root, stdio: 'inherit' });
  }
  log(`${results.mode} run, data under ${benchDir}`);
  if (database) {
    const { postgresBench } = await import('./postgres.js');
    const pg = await postgresBench({ benchDir, settings, log, quick });
    const written = { ...results, durationSeconds: Math.round((performance.now() - started) / 1000), ...pg };
    written.settings = { ...results.settings };
    delete written.settings.sizes;
    delete written.settings.childrenAt;
    fs.writeFileSync(path.join(root, POSTGRES_RESULTS), JSON.stringify(written, null, 2) + '\n');
    writeReport(readRuns(path.join(root, 'bench')), path.join(root, 'bench/RESULTS.md'));
    execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--write', POSTGRES_RESULTS, 'bench/RESULTS.md'], {
      cwd: root,
      stdio: 'ignore',
    });
    log(`done in ${written.durationSeconds} s: bench/RESULTS.md and ${POSTGRES_RESULTS} written`);
    if (!args.has('--keep')) fs.rmSync(benchDir, { recursive: true, force: true });
    return;
  }
  const bodies = {};
  let peakRss = 0;
  const notePeak = (agent) => (peakRss = Math.max(peakRss, agent.peakRssMb() ?? 0));
  notePeakRss = notePeak;

  /** Page 1 at the largest size against page 1 at the smallest, both agents running, loads alternated. */
  const flatness = async (largestLabel) => {
    const smallLabel = `${settings.sizes[0] / 1000}k`;
    for (const cache of [true, false]) {
      const large = await startAgent(path.join(benchDir, `agent-${largestLabel}`), { cache });
      const small = await startAgent(path.join(benchDir, `agent-${smallLabel}`), { cache });
      try {
        const [largeToken, smallToken] = [await login(large), await login(small)];
        await pairedRatio(
          `flat in size: page 1 at ${largestLabel} vs ${smallLabel}, ${cache ? 'cache on' : 'no cache'}`,
          { name: `get_all page 1 (${largestLabel})`, url: withToken(large.url + listPath(1), largeToken) },
          { name: `get_all page 1 (${smallLabel})`, url: withToken(small.url + listPath(1), smallToken) },
        );
      } finally {
        await large.stop();
        await small.stop();
      }
    }
  };

  for (const size of settings.sizes) {
    const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
    const children = !only && settings.childrenAt.includes(size);
    const dataDir = path.join(benchDir, `agent-${label}`);
    const t0 = performance.now();
    const seeded = seed(dataDir, { projects: size, children });
    log(`seeded ${label} projects${children ? ' with children' : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    if (only === 'writes') {
      await writes(dataDir, seeded);
      if (!args.has('--keep')) fs.rmSync(dataDir, { recursive: true, force: true });
      continue;
    }
    if (only) {
      await pagingDepth(dataDir, label, size);
      if (!args.has('--keep')) fs.rmSync(dataDir, { recursive: true, force: true });
      continue;
    }
    // json-server runs beside the agent at 10k: the ratio alternates their loads.
    const peer = size === 10_000 ? await startJsonServer(dataDir) : undefined;
    for (const cache of [true, false]) {
      const agent = await startAgent(dataDir, { cache });
      const token = await login(agent);
      const suffix = cache ? '' : ', no cache';
      const url = (p) => withToken(agent.url + p, token);
      try {
        const first = await request('GET', url(listPath(1)));
        if (size === 100_000 && cache) {
          bodies.getAll = first.body;
          await startCeiling('list', first.body);
        }
        await measure(`get_all page 1 (${label}${suffix})`, agent, url(listPath(1)));
        if (size === 100_000) {
          await pairedRatio(
            `get_all page 1 at 100k vs ceiling${suffix || ', cache on'}`,
            { name: `get_all page 1 (${label}${suffix})`, url: url(listPath(1)) },
            { name: 'ceiling get_all page 1', url: ceilingUrl('list', listPath(1)) },
          );
        }
        if (size === 100_000) {
          const pages = Math.ceil(JSON.parse(first.body.toString()).total / pageSize);
          await measure(`get_all last page (${label}${suffix})`, agent, url(listPath(pages)));
          // Alternated in the full run only: --quick must finish in under two minutes.
          if (!quick)
            await pairedRatio(
              `last page vs page 1 at 100k, ${cache ? 'cache on' : 'no cache'}`,
              { name: `get_all last page (${label}${suffix})`, url: url(listPath(pages)) },
              { name: `get_all page 1 (${label}${suffix})`, url: url(listPath(1)) },
            );
          await measure(`get_all middle page (${label}${suffix})`, agent, url(listPath(Math.ceil(pages / 2))));
        }
        if (children) {
          const details = await request('GET', url(listPath(1, 'get_all_with_details')));
          const parsed = JSON.parse(details.body.toString());
          const first = parsed.data[0];
          results.checks[`details children per project (${label})`] = {
            drives: first.drivesData.length,
            users: first.usersData.length,
            groups: first.groupsData.length,
          };
          if (cache) bodies.details = details.body;
          if (size === 100_000 && cache) await startCeiling('details', details.body);
          await measure(`get_all_with_details page 1 (${label}${suffix})`, agent, url(listPath(1, 'get_all_with_details')), {
            bytes: details.body.length,
          });
          if (size === 100_000 && cache) {
            await pairedRatio(
              'get_all_with_details at 100k vs its ceiling, cache on',
              { name: `get_all_with_details page 1 (${label})`, url: url(listPath(1, 'get_all_with_details')) },
              { name: 'ceiling get_all_with_details page 1', url: ceilingUrl('details', listPath(1, 'get_all_with_details')) },
            );
          }
        }
        if (peer) {
          results.checks['same query as json-server'] = listPath(1);
          await pairedRatio(
            `ours vs json-server at 10k, ${cache ? 'cache on' : 'no cache'}`,
            { name: `get_all page 1 (${label}${suffix})`, url: url(listPath(1)) },
            { name: 'json-server get_all page 1 (10k)', url: peer.url },
          );
        }
        notePeak(agent);
        results.scenarios[`peak RSS (${label}${suffix})`] = { peakRssMb: agent.peakRssMb() };
      } finally {
        await agent.stop();
      }
      if (size === 100_000 && cache) {
        const times = await coldStart(dataDir, token);
        results.scenarios['cold start to first answer (100k)'] = { medianMs: median(times), runsMs: times };
        log(`cold start with 100k projects: median ${median(times)} ms (${times.join(', ')})`);
      }
    }
    if (size >= 100_000) await pagingDepth(dataDir, label, size);
    // Writes last, once the reads of both cache modes have seen the seeded data only; on a fresh agent in
    // the default configuration, so that its memory is not what the reads without the cache left behind.
    if (size === 100_000) await writes(dataDir, seeded);
    if (peer) {
      await jsonServer(peer);
      await peer.server.stop();
    }
    // The ceilings right after the 100k scenarios they are compared with: this machine's speed drifts
    // over minutes, and a ratio is only as good as the closeness in time of its two figures.
    if (size === 100_000) {
      await stopCeilings();
      await ceiling('ceiling get_all page 1', bodies.getAll, listPath(1));
      if (bodies.details)
        await ceiling('ceiling get_all_with_details page 1', bodies.details, listPath(1, 'get_all_with_details'));
    }
    if (size === settings.sizes.at(-1)) await flatness(label);
    // The smallest data set is kept for the flatness ratio, measured next to the largest.
    if (!args.has('--keep') && size !== settings.sizes[0]) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (only) {
    log(`--only ${only}: ${JSON.stringify({ scenarios: results.scenarios, ratios: results.ratios }, null, 2)}`);
    log('no results file written (a partial run)');
    if (!args.has('--keep')) fs.rmSync(benchDir, { recursive: true, force: true });
    return;
  }
  results.peakRssMb = peakRss;
  results.rssUnderLoadMb = rssUnderLoad;
  results.durationSeconds = Math.round((performance.now() - started) / 1000);

  // One file per Node.js major version (the agent ran on this process's Node.js: process.execPath).
  const resultsFile = `bench/${resultsFileName()}`;
  fs.writeFileSync(path.join(root, resultsFile), JSON.stringify(results, null, 2) + '\n');
  writeReport(readRuns(path.join(root, 'bench')), path.join(root, 'bench/RESULTS.md'));
  // Formatted as the repository's `npm run check` expects.
  execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--write', resultsFile, 'bench/RESULTS.md'], {
    cwd: root,
    stdio: 'ignore',
  });
  log(`done in ${results.durationSeconds} s: bench/RESULTS.md and ${resultsFile} written`);
  if (!args.has('--keep')) fs.rmSync(benchDir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});

export { readStatusMb };
