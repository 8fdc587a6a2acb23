// The PostgreSQL scenario set of the bench (`npm run bench -- --database`; issue 10, item 5): the bench starts
// its own throwaway PostgreSQL cluster (bench/pg-cluster.js, as the tests do; synchronous_commit on, the
// default), seeds 100k projects into it, runs the real agent on it (`bin/clickd.js serve --database URL`) and
// measures it with the SQLite agent of the same run on the same 100k projects beside it:
// - page 1 of get_all without the response cache, PostgreSQL against SQLite (loads alternated);
// - page 1 with the cache against the bare ceiling (loads alternated), for each backend;
// - assign 1,000 pairs in one request; durable inserts from 16 clients in one account;
// - /notification fan-out: a write answered by one instance, its frame received by a client of another
//   instance on the same database (on SQLite: a client of the same agent, for comparison).
// Writes bench/results-postgres.json; bench/report.js renders it as the "PostgreSQL (hosted mode)" section.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import { freePort, load, median, request, root, sleep, startProcess } from './lib.js';
import { postgresVersion, startCluster } from './pg-cluster.js';
import { countProjects, OWNER, projectName, seed } from './seed.js';

const SIZE = 100_000;
const PAGE_SIZE = 50;
const INSERT_CLIENTS = 16;
const listPath = (page) => `/projects/get_all?page=${page}&pagesize=${PAGE_SIZE}&sortfield=Name`;
const withToken = (url, token) => `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

/** Creates the account through the real CLI (which migrates the database), then 100k projects and 100 drives. */
export async function seedPostgres(url, { projects, drives = 100 }) {
  const out = execFileSync(
    process.execPath,
    [
      path.join(root, 'bin/clickd.js'),
      'account',
      'create',
      '--name',
      OWNER.name,
      '--email',
      OWNER.email,
      '--password',
      OWNER.password,
      '--database',
      url,
    ],
    { encoding: 'utf8' },
  );
  const { accountId, userId } = JSON.parse(out);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const at = new Date().toISOString();
    const projectIds = [];
    const batch = 10_000;
    // Multi-row inserts (one statement per 10,000 rows, the columns as arrays), in one transaction, with the
    // triggers off (session_replication_role = replica): the count trigger would update one row of
    // record_counts 100,000 times in one transaction, each update walking the versions the previous ones
    // left (quadratic: ~400 s here). The counts are written once at the end instead, as the trigger keeps them.
    await client.query('begin');
    await client.query("set local session_replication_role = 'replica'");
    for (let start = 0; start < projects; start += batch) {
      const ids = [];
      const names = [];
      const descriptions = [];
      for (let i = start; i < Math.min(projects, start + batch); i++) {
        ids.push(randomUUID());
        names.push(projectName(i));
        descriptions.push(`Seeded project number ${i}`);
      }
      await client.query(
        `insert into projects (id, account_id, name, name_key, description, active, deleted, create_date, update_date)
         select id, $1, name, lower(name), description, 1, 0, $2, $2
           from unnest($3::text[], $4::text[], $5::text[]) as t (id, name, description)`,
        [accountId, at, ids, names, descriptions],
      );
      for (const id of ids) if (projectIds.length < 5000) projectIds.push(id);
    }
    const driveIds = Array.from({ length: drives }, () => randomUUID());
    await client.query(
      `insert into shared_cloud_drives (id, account_id, creator_user_id, cloud_account_id, name, name_key, prefix,
         prefix_id, storage_id, storage_name, objects_per_folder, allow_delete, local_cache_encrypted,
         cloud_objects_encrypted, drive_type, sync_type, active, deleted, create_date, update_date)
       select id, $1, $2, gen_random_uuid()::text, 'Drive ' || lpad(n::text, 6, '0'), 'drive ' || lpad(n::text, 6, '0'),
              'team-' || n || '/', '', '', 'bucket-' || (n % 10), 10000, 0, 0, 0, 1, 1, 1, 0, $3, $3
         from unnest($4::text[]) with ordinality as t (id, n)`,
      [accountId, userId, at, driveIds],
    );
    for (const table of ['projects', 'shared_cloud_drives']) {
      await client.query(
        `insert into record_counts (account_id, table_name, live, deleted)
         select $1, $2::text, count(*) filter (where deleted = 0), count(*) filter (where deleted <> 0)
           from ${table} where account_id = $1
         on conflict (account_id, table_name) do update set live = excluded.live, deleted = excluded.deleted`,
        [accountId, table],
      );
    }
    await client.query('commit');
    // Fresh statistics, as autovacuum would have them on a database that grew over time.
    await client.query('vacuum analyze');
    return { accountId, userId, projectIds, driveIds };
  } finally {
    await client.end();
  }
}

async function countPostgresProjects(url, accountId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select count(*)::int as n from projects where account_id = $1 and deleted = 0', [
      accountId,
    ]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Runs the scenario set; `log` prints a line, `settings` gives duration, warmup and repeats. */
export async function postgresBench({ benchDir, settings, log, quick }) {
  const connections = 10;
  // A longer warm-up than the SQLite set's: a fresh PostgreSQL agent keeps speeding up for several seconds
  // (its pool's connections opened, their statements prepared, the backends' caches filled).
  const warmup = quick ? settings.warmup : 5;
  const results = {
    size: SIZE,
    postgres: postgresVersion(),
    settings: {
      duration: settings.duration,
      warmup,
      repeats: settings.repeats,
      connections,
      pageSize: PAGE_SIZE,
    },
    scenarios: {},
    ratios: {},
    checks: {},
  };
  const loadAverage = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  const loadAtStart = loadAverage();
  const record = (name, figures, extra = {}) => {
    results.scenarios[name] = { ...figures, ...extra };
    log(
      `${name.padEnd(52)} ${String(figures.requestsPerSecond ?? '').padStart(7)} req/s  p50 ${figures.p50Ms ?? '-'} ms  p99 ${
        figures.p99Ms ?? '-'
      } ms${figures.non2xx ? `  NON-2XX ${figures.non2xx}` : ''}${figures.errors ? `  ERRORS ${figures.errors}` : ''}`,
    );
  };
  const pairedRatio = async (key, a, b) => {
    const rounds = [];
    for (let i = 0; i < 3; i++) {
      const fa = await load(a.url, { connections, duration: settings.duration, warmup: i === 0 ? warmup : 0 });
      const fb = await load(b.url, { connections, duration: settings.duration, warmup: i === 0 ? warmup : 0 });
      if (fa.non2xx || fb.non2xx || fa.errors || fb.errors) throw new Error(`${key}: failed requests`);
      rounds.push({ a: fa.requestsPerSecond, b: fb.requestsPerSecond, ratio: fa.requestsPerSecond / fb.requestsPerSecond });
    }
    const value = median(rounds.map((r) => r.ratio));
    results.ratios[key] = { value, a: a.name, b: b.name, rounds };
    log(`${key}: ${value.toFixed(2)} (${rounds.map((r) => `${r.a}/${r.b}`).join(', ')} req/s)`);
  };

  const cluster = await startCluster();
  log(`${results.postgres} on port ${cluster.port} (initdb into ${cluster.dir}; synchronous_commit on)`);
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('create database clickd_bench');
  const settingsRows = await admin.query(
    "select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'shared_buffers', 'wal_sync_method', 'max_connections')",
  );
  results.checks['postgres settings'] = Object.fromEntries(settingsRows.rows.map((r) => [r.name, r.setting]));
  await admin.end();
  const url = cluster.url('clickd_bench');
  const sqliteDir = path.join(benchDir, 'agent-sqlite-100k');
  const pgDir = path.join(benchDir, 'agent-pg');
  fs.mkdirSync(pgDir, { recursive: true });
  const agents = [];

  const startAgent = async (backend, { cache = true, name = backend } = {}) => {
    const port = await freePort();
    const dir = backend === 'postgres' ? path.join(pgDir, name) : sqliteDir;
    fs.mkdirSync(dir, { recursive: true });
    const args = ['bin/clickd.js', 'serve', '--port', String(port), '--data-dir', dir];
    if (backend === 'postgres') args.push('--database', url);
    const agent = await startProcess(process.execPath, args, {
      port,
      readyPath: '/management/agent_status',
      logFile: path.join(dir, `bench-server-${name}.out`),
      env: {
        CLICKD_RESPONSE_CACHE: cache ? '1' : '0',
        CLICKD_LOG_FILE: path.join(dir, `clickd-${name}.log`),
        CLICKD_LOGIN_RATE_MAX: '1000',
      },
    });
    const res = await request('POST', `${agent.url}/authentication/login`, {
      body: { username: OWNER.email, password: OWNER.password, type: 16 },
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.body}`);
    agent.token = JSON.parse(res.body.toString()).jwtToken;
    agent.at = (p) => withToken(agent.url + p, agent.token);
    agents.push(agent);
    return agent;
  };
  const stop = async (...list) => {
    for (const agent of list) {
      await agent.stop();
      agents.splice(agents.indexOf(agent), 1);
    }
  };

  try {
    let t0 = performance.now();
    const pgSeed = await seedPostgres(url, { projects: SIZE });
    results.checks['seeding 100k projects into PostgreSQL (s)'] = Math.round((performance.now() - t0) / 100) / 10;
    log(`seeded PostgreSQL with ${SIZE / 1000}k projects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const sqliteSeed = seed(sqliteDir, { projects: SIZE });
    log(`seeded SQLite with ${SIZE / 1000}k projects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 1. Page 1 without the response cache: both agents running, their loads alternated.
    {
      const [p, s] = [await startAgent('postgres', { cache: false }), await startAgent('sqlite', { cache: false })];
      const [pb, sb] = [await request('GET', p.at(listPath(1))), await request('GET', s.at(listPath(1)))];
      const [pj, sj] = [JSON.parse(pb.body.toString()), JSON.parse(sb.body.toString())];
      results.checks['page 1 sizes (PostgreSQL, SQLite)'] = {
        postgres: pj.data.length,
        sqlite: sj.data.length,
        totals: [pj.total, sj.total],
      };
      if (pj.total !== SIZE || sj.total !== SIZE || pj.data.length !== PAGE_SIZE) throw new Error('page 1 answered wrongly');
      for (const [name, agent] of [
        ['PostgreSQL get_all page 1 (100k, no cache)', p],
        ['SQLite get_all page 1 (100k, no cache)', s],
      ]) {
        const figures = await load(agent.at(listPath(1)), { connections, duration: settings.duration, warmup });
        record(name, figures, { peakRssMb: agent.peakRssMb() });
      }
      await pairedRatio(
        'PostgreSQL vs SQLite, get_all page 1 at 100k, no cache',
        { name: 'PostgreSQL get_all page 1 (100k, no cache)', url: p.at(listPath(1)) },
        { name: 'SQLite get_all page 1 (100k, no cache)', url: s.at(listPath(1)) },
      );
      await stop(p, s);
    }

    // 2. Page 1 with the cache against the bare ceiling serving the same bytes.
    {
      const [p, s] = [await startAgent('postgres'), await startAgent('sqlite')];
      const body = (await request('GET', p.at(listPath(1)))).body;
      const file = path.join(benchDir, 'ceiling-pg.json');
      fs.writeFileSync(file, body);
      const port = await freePort();
      const ceiling = await startProcess(process.execPath, ['bench/ceiling.js', file, String(port)], { port, readyPath: '/' });
      try {
        for (const [name, agent] of [
          ['PostgreSQL get_all page 1 (100k)', p],
          ['SQLite get_all page 1 (100k)', s],
        ]) {
          const figures = await load(agent.at(listPath(1)), {
            connections,
            duration: settings.duration,
            warmup,
          });
          record(name, figures, { peakRssMb: agent.peakRssMb() });
        }
        await pairedRatio(
          'PostgreSQL get_all page 1 at 100k vs ceiling, cache on',
          { name: 'PostgreSQL get_all page 1 (100k)', url: p.at(listPath(1)) },
          { name: 'ceiling get_all page 1', url: ceiling.url + listPath(1) },
        );
        await pairedRatio(
          'SQLite get_all page 1 at 100k vs ceiling, cache on',
          { name: 'SQLite get_all page 1 (100k)', url: s.at(listPath(1)) },
          { name: 'ceiling get_all page 1', url: ceiling.url + listPath(1) },
        );
      } finally {
        await ceiling.stop();
      }
      await stop(p, s);
    }

    // 3. Writes: assign 1,000 pairs, then inserts from 16 clients, on each backend in turn.
    for (const backend of ['postgres', 'sqlite']) {
      const label = backend === 'postgres' ? 'PostgreSQL' : 'SQLite';
      const seeded = backend === 'postgres' ? pgSeed : sqliteSeed;
      const agent = await startAgent(backend);
      const times = [];
      for (let r = 0; r < settings.repeats; r++) {
        const driveId = seeded.driveIds[r % seeded.driveIds.length];
        const pairs = seeded.projectIds.slice(0, 1000).map((projectId) => ({ projectId, sharedCloudDriveId: driveId }));
        const start = performance.now();
        const res = await request('POST', agent.at('/projects/assign_sharedclouddrive'), { body: pairs });
        const elapsed = performance.now() - start;
        if (res.status !== 200) throw new Error(`assign failed: ${res.status} ${res.body}`);
        times.push(Math.round(elapsed * 10) / 10);
      }
      const meanMs = Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 10) / 10;
      results.scenarios[`${label} assign 1,000 pairs in one request`] = { medianMs: median(times), meanMs, runsMs: times };
      log(`${label} assign 1,000 pairs: median ${median(times)} ms (${times.join(', ')})`);

      let n = 0;
      const stopRss = agent.sampleRss();
      const figures = await load(agent.at('/projects/insert'), {
        connections: INSERT_CLIENTS,
        duration: settings.duration,
        warmup,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            name: `Bench insert ${backend} ${process.pid} ${++n}`,
            description: 'inserted under load',
            active: true,
          }),
        }),
      });
      record(`${label} insert (16 clients, one account, durable commits)`, figures, {
        rssUnderLoadMb: stopRss(),
        peakRssMb: agent.peakRssMb(),
      });
      const res = await request('GET', agent.at(listPath(1)));
      const total = JSON.parse(res.body.toString()).total;
      const real =
        backend === 'postgres'
          ? await countPostgresProjects(url, pgSeed.accountId)
          : countProjects(sqliteDir, sqliteSeed.accountId);
      results.checks[`${label}: total after inserts equals a real count`] = { total, real, ok: total === real };
      await stop(agent);
    }

    // 4. /notification fan-out: writes answered by instance A, frames received by a client of instance B.
    {
      const a = await startAgent('postgres', { name: 'instance-a' });
      const b = await startAgent('postgres', { name: 'instance-b' });
      results.scenarios['PostgreSQL notification fan-out, instance A to a client of instance B'] = await fanOut(a, b, {
        count: quick ? 100 : 300,
        log,
      });
      await stop(a, b);
      const s = await startAgent('sqlite');
      results.scenarios['SQLite notification to a client of the same agent'] = await fanOut(s, s, {
        count: quick ? 100 : 300,
        log,
      });
      await stop(s);
    }
  } finally {
    for (const agent of [...agents]) await agent.stop().catch(() => {});
    cluster.destroy();
  }
  results.load = `${loadAtStart} at the start, ${loadAverage()} at the end (2 cores)`;
  return results;
}

/**
 * Sends `count` writes to `writer`, one after the other, each tagged with its own X-App-Origin, and times
 * each from the moment the request is sent to the moment a /notification client of `reader` receives its
 * frame (and, apart, from the moment the answer arrived).
 */
async function fanOut(writer, reader, { count, log }) {
  const wsUrl = `${reader.url.replace('http', 'ws')}/notification?token=${encodeURIComponent(reader.token)}`;
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map();
  socket.on('message', (data) => {
    const at = performance.now();
    try {
      const frame = JSON.parse(data.toString());
      const wait = waiting.get(frame.Data?.Origin);
      if (wait) wait(at);
    } catch {
      // not a frame of ours
    }
  });
  const fromRequest = [];
  const fromAnswer = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const origin = `bench-fanout-${i}-${randomUUID()}`;
    const received = new Promise((resolve) => {
      waiting.set(origin, resolve);
      setTimeout(() => resolve(undefined), 2000);
    });
    const t0 = performance.now();
    const res = await request('POST', writer.at('/projects/insert'), {
      body: { name: `Fan-out ${origin}`, description: '', active: true },
      headers: { 'x-app-origin': origin },
    });
    const answered = performance.now();
    if (res.status !== 200) throw new Error(`fan-out insert: ${res.status} ${res.body}`);
    const at = await received;
    waiting.delete(origin);
    if (at === undefined) {
      lost++;
      continue;
    }
    fromRequest.push(at - t0);
    fromAnswer.push(at - answered);
    await sleep(5);
  }
  socket.close();
  const pct = (values, p) => {
    const sorted = [...values].sort((x, y) => x - y);
    return sorted.length === 0
      ? undefined
      : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10;
  };
  const figures = {
    frames: fromRequest.length,
    lost,
    p50Ms: pct(fromRequest, 50),
    p99Ms: pct(fromRequest, 99),
    maxMs: pct(fromRequest, 100),
    afterAnswerP50Ms: pct(fromAnswer, 50),
    afterAnswerP99Ms: pct(fromAnswer, 99),
  };
  log(`fan-out ${writer === reader ? 'same agent' : 'A → B'}: ${JSON.stringify(figures)}`);
  return figures;
}
