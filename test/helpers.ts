import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config.js';
import { createAccountWithOwner } from '../src/domain/accounts.js';
import { loggerOptions, startServer, type RunningServer } from '../src/server.js';
import { UserStatus } from '../src/store/users.js';

/**
 * Test helpers: a real agent listening on a free port with a fresh data directory, and a small HTTP
 * client that returns status, headers and parsed body the way a script sees them.
 */

export interface TestServer extends RunningServer {
  dataDir: string;
  logFile: string;
}

let counter = 0;

/**
 * The backend the test servers run on: SQLite (`npm test`), or PostgreSQL when `npm run test:pg` runs the
 * suite (CLICKD_TEST_BACKEND=postgres; each server then gets a fresh database copied from the migrated
 * template, dropped when it closes).
 */
export const testBackend: 'sqlite' | 'postgres' = process.env.CLICKD_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** A fresh database for a test server on the PostgreSQL backend (undefined on SQLite). */
export async function testDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (testBackend !== 'postgres') return undefined;
  const { createTestDatabase } = await import('./pg/cluster.js');
  return createTestDatabase();
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-test-'));
  const logFile = path.join(dataDir, 'clickd.log');
  const database = overrides.databaseUrl ? undefined : await testDatabase();
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, dataDir, logLevel: 'info', databaseUrl: database?.url, ...overrides },
    {},
  );
  const logger = pino(loggerOptions(config), pino.destination({ dest: logFile, sync: true }));
  const server = await startServer(config, logger);
  return {
    ...server,
    dataDir,
    logFile,
    async close() {
      await server.close();
      // CLICKD_TEST_LOG_ERRORS=1: the errors the server logged (a 500's cause), before the log goes.
      if (process.env.CLICKD_TEST_LOG_ERRORS === '1') {
        for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
          if (/"level":(50|60)/.test(line)) process.stderr.write(`server log: ${line}\n`);
        }
      }
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * An HTTP client bound to a server and, optionally, a token passed as ?token= like the Click docs do; on the
 * Web routes (/api/...), which take it only as a header, as `Authorization: Bearer` like the Web docs do.
 */
export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string | undefined): Client {
    return new Client(this.baseUrl, token);
  }

  url(route: string, query: Query = {}): string {
    const url = new URL(route, this.baseUrl);
    if (this.token !== undefined && !('token' in query) && !isWebRoute(route)) url.searchParams.set('token', this.token);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async request<T = any>(
    method: string,
    route: string,
    options: { query?: Query; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined && isWebRoute(route) && !('token' in (options.query ?? {})))
      headers.authorization ??= `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.url(route, options.query), { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(route: string, query?: Query) {
    return this.request<T>('GET', route, { query });
  }
  post<T = any>(route: string, body?: unknown, query?: Query) {
    return this.request<T>('POST', route, { body, query });
  }
  put<T = any>(route: string, body?: unknown, query?: Query) {
    return this.request<T>('PUT', route, { body, query });
  }
  delete<T = any>(route: string, query?: Query) {
    return this.request<T>('DELETE', route, { query });
  }
}

const isWebRoute = (route: string) => route.toLowerCase().startsWith('/api/');

export interface TestAccount {
  accountId: string;
  userId: string;
  email: string;
  password: string;
  token: string;
  client: Client;
}

/** Creates an active account with its owner directly in the store, then signs in over HTTP. */
export async function createAccount(server: TestServer, name = 'Owner'): Promise<TestAccount> {
  counter++;
  const email = `owner${counter}-${Date.now()}@example.com`;
  const password = 'correct-horse-battery';
  const { accountId, owner } = await createAccountWithOwner(server.ctx.store, {
    name,
    email,
    password,
    status: UserStatus.Active,
  });
  const login = await new Client(server.url).post('/authentication/login', { username: email, password, type: 16 });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  const token = login.body.jwtToken as string;
  return { accountId, userId: owner.id, email, password, token, client: new Client(server.url, token) };
}

/** Asserts the documented error model: status, error-code header and body with one key equal to the type. */
export function expectError(res: Response, status: number, code: string, messagePattern?: RegExp): void {
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status ${res.status}, expected ${status}`);
  if (res.headers.get('error-code') !== code)
    problems.push(`error-code header ${res.headers.get('error-code')}, expected ${code}`);
  const body = res.body as { type?: string; status?: number; errors?: Record<string, string[]> } | undefined;
  if (body?.type !== code || body?.status !== status) problems.push(`body type/status ${body?.type}/${body?.status}`);
  if (
    !body?.errors ||
    Object.keys(body.errors).join() !== code ||
    !Array.isArray(body.errors[code]) ||
    body.errors[code].length === 0
  ) {
    problems.push(`errors map ${JSON.stringify(body?.errors)}`);
  }
  if (messagePattern && !body?.errors?.[code]?.some((m) => messagePattern.test(m))) {
    problems.push(`no message matches ${messagePattern}: ${JSON.stringify(body?.errors?.[code])}`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\nresponse: ${res.text}`);
}

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
