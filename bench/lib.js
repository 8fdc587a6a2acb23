// Process and HTTP helpers for the benchmark: start and stop servers, find free ports, read memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP request; resolves { status, body } (body as a Buffer). */
export function request(method, url, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: { ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}), ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Starts a child process; `ready(url)` is polled until it answers 200. */
export async function startProcess(command, args, { env = {}, readyPath, port, logFile, timeoutMs = 30_000 }) {
  const log = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await request('GET', url + readyPath);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${command} ${args.join(' ')} did not become ready`);
    }
    await sleep(20);
  }
  return {
    child,
    url,
    pid: child.pid,
    /** Peak resident memory of the process so far (VmHWM), in MB. */
    peakRssMb: () => readStatusMb(child.pid, 'VmHWM'),
    rssMb: () => readStatusMb(child.pid, 'VmRSS'),
    /** Samples resident memory every 50 ms until stop(), which returns the largest sample (MB). */
    sampleRss() {
      let max = 0;
      const timer = setInterval(() => (max = Math.max(max, readStatusMb(child.pid, 'VmRSS') ?? 0)), 50);
      return () => {
        clearInterval(timer);
        return max;
      };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      if (typeof log === 'number') fs.closeSync(log);
    },
  };
}

export function readStatusMb(pid, field) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Loads `url` with autocannon after a short warm-up; returns requests/s, p50 and p99 latency (ms). */
export async function load(url, { connections = 10, duration, warmup, method = 'GET', setupRequest, headers } = {}) {
  const base = { url, connections, method, headers };
  const withBody = setupRequest ? { requests: [{ method, setupRequest }] } : {};
  if (warmup > 0) await autocannon({ ...base, ...withBody, duration: warmup });
  const result = await autocannon({ ...base, ...withBody, duration });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    totalRequests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerResponse: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
