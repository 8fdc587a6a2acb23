// Soak test: `npm run soak -- --seconds 600 --clients 100`. Starts a real agent (bin/clickd.js, the built
// binary: run `npm run build` first) on a free port with a fresh data directory, then keeps the given
// number of clients busy with a mix of reads (80 %) and writes (20 %) for the given time. Reports the
// throughput, the errors, the latency percentiles and the agent's resident memory (RSS) after warm-up and
// at the end; exits non-zero on any error or when memory grew by more than --max-growth percent.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createAccountWithOwner } from '../src/domain/accounts.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { UserStatus } from '../src/store/users.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    clients: { type: 'string', default: '100' },
    'warmup-seconds': { type: 'string' },
    'max-growth': { type: 'string', default: '20' },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const warmup = Number(values['warmup-seconds'] ?? Math.min(60, Math.max(5, seconds / 10)));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-soak-'));

const port = await new Promise<number>((resolve) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as net.AddressInfo;
    srv.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;

// The owner account, created in the store before the agent starts.
const email = 'soak@example.com';
const password = 'correct-horse-battery';
const store = await openSqliteStore(dataDir);
await createAccountWithOwner(store, { name: 'Soak', email, password, status: UserStatus.Active });
await store.close();

const child = spawn(
  process.execPath,
  [path.join(root, 'bin', 'clickd.js'), 'serve', '--port', String(port), '--data-dir', dataDir],
  {
    env: { ...process.env, CLICKD_LOG_LEVEL: 'warn', CLICKD_LOG_FILE: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const cleanup = () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', cleanup);

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/management/agent_status`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 600 || child.exitCode !== null) throw new Error('the agent did not start');
  await new Promise((r) => setTimeout(r, 50));
}

function rssKb(): number {
  try {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' });
    return Number(ps.stdout.trim()) || 0;
  }
}

const login = await fetch(`${base}/authentication/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: email, password, type: 16 }),
});
const token = ((await login.json()) as { jwtToken: string }).jwtToken;
const auth = { authorization: `Bearer ${token}` };

// Some records to read from the start.
for (let i = 0; i < 200; i++) {
  const res = await fetch(`${base}/projects/insert`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `seed ${i}` }),
  });
  if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
}

const reads = [
  () => `/projects/get_all?page=${1 + Math.floor(Math.random() * 4)}&pagesize=50`,
  () => `/projects/get_all?name=seed%20${Math.floor(Math.random() * 20)}`,
  () => '/projects/get_all_with_details?pagesize=20',
  () => '/user/get_all_users?pagesize=20',
  () => '/usergroup/get_all?pagesize=20',
  () => '/management/agent_status',
];

const latencies: number[] = [];
const errors: Record<string, number> = {};
let requests = 0;
let writes = 0;
let warmLatencyStart = 0;
let rssAfterWarmup = 0;
const rssAtStart = rssKb();
const started = performance.now();
const end = started + seconds * 1000;
const warmEnd = started + warmup * 1000;
let counter = 0;

async function clientLoop(): Promise<void> {
  while (performance.now() < end) {
    const write = Math.random() < 0.2;
    const t0 = performance.now();
    try {
      const res = write
        ? await fetch(`${base}/projects/insert`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `soak ${++counter} ${Math.random().toString(36).slice(2, 8)}` }),
          })
        : await fetch(`${base}${reads[Math.floor(Math.random() * reads.length)]!()}`, { headers: auth });
      await res.arrayBuffer();
      if (!res.ok) errors[String(res.status)] = (errors[String(res.status)] ?? 0) + 1;
      else if (write) writes++;
    } catch (err) {
      const key = (err as Error).name;
      errors[key] = (errors[key] ?? 0) + 1;
    }
    latencies.push(performance.now() - t0);
    requests++;
  }
}

const sampler = setInterval(() => {
  if (!rssAfterWarmup && performance.now() >= warmEnd) {
    rssAfterWarmup = rssKb();
    warmLatencyStart = latencies.length;
  }
}, 250);
const progress = setInterval(() => {
  const elapsed = (performance.now() - started) / 1000;
  console.log(`  ${Math.round(elapsed)} s: ${requests} requests, RSS ${Math.round(rssKb() / 1024)} MB`);
}, 10_000);
await Promise.all(Array.from({ length: clients }, clientLoop));
clearInterval(sampler);
clearInterval(progress);
const elapsed = (performance.now() - started) / 1000;
const rssAtEnd = rssKb();
const alive = (await fetch(`${base}/management/agent_status`)).ok;

const steady = latencies.slice(warmLatencyStart).sort((a, b) => a - b);
const pct = (p: number) => Math.round((steady[Math.min(steady.length - 1, Math.floor(steady.length * p))] ?? 0) * 10) / 10;
const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
const growth = rssAfterWarmup ? ((rssAtEnd - rssAfterWarmup) / rssAfterWarmup) * 100 : 0;
console.log(
  JSON.stringify(
    {
      seconds: Math.round(elapsed),
      clients,
      requests,
      writes,
      perSecond: Math.round(requests / elapsed),
      errors: errorCount,
      errorsByKind: errors,
      latencyMs: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
      rssMb: {
        atStart: Math.round(rssAtStart / 1024),
        afterWarmup: Math.round(rssAfterWarmup / 1024),
        atEnd: Math.round(rssAtEnd / 1024),
        growthAfterWarmupPercent: Math.round(growth * 10) / 10,
      },
      alive,
    },
    null,
    2,
  ),
);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
process.exit(errorCount === 0 && alive && growth <= Number(values['max-growth']) ? 0 : 1);
