import os from 'node:os';
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /**
   * PostgreSQL instead of the SQLite file in dataDir (`postgres://user@host:port/db`; env
   * CLICKD_DATABASE_URL): the hosted mode, where several instances may share the database.
   */
  databaseUrl?: string;
  /** Connections each instance keeps to PostgreSQL (CLICKD_DATABASE_POOL). */
  databasePoolSize: number;
  /** Extra names accepted in the Host header besides the loopback ones (DNS-rebinding guard). */
  allowedHosts: string[];
  /**
   * The proxies whose X-Forwarded-For is believed (addresses or CIDR ranges; CLICKD_TRUST_PROXY): behind
   * them, the rate limits and the logs see the client's address. None by default.
   */
  trustProxy: string[];
  /** Origins allowed by CORS; none by default (the console is same-origin). */
  corsOrigins: string[];
  /** Lifetime of a login session, in seconds. */
  sessionTtlSeconds: number;
  bodyLimitBytes: number;
  /** Login attempts allowed per username and address within loginRateWindowMs. */
  loginRateMax: number;
  loginRateWindowMs: number;
  /** Lifetime of a Web API request token (POST /api/authentication/request_token), in ms: 60 s as documented. */
  requestTokenTtlMs: number;
  logLevel: string;
  /** Log destination: a file path, or undefined for stdout. */
  logFile?: string;
  /** Cache list responses until the next write (CLICKD_RESPONSE_CACHE=0 turns it off). */
  responseCache: boolean;
  /** Keep the heap small (src/heap.ts); CLICKD_COMPACT_HEAP=0 leaves V8's defaults, sized for throughput. */
  compactHeap: boolean;
  /** Send the number of SQL statements a request ran in an x-clickd-queries header (tests only). */
  debugQueryCount: boolean;
  /** Audit entries older than this many days are pruned in the background (CLICKD_AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
  /** Log forwarding: how often to look for due entries, the first retry's delay and the longest one. */
  logForwardPollMs: number;
  logForwardRetryMs: number;
  logForwardRetryMaxMs: number;
}

/** The per-user data directory, following each platform's convention (an empty variable counts as unset). */
export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') {
    return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'clickd');
  }
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'clickd');
  return path.join(process.env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'clickd');
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A configuration value the user must fix; the CLI prints its message alone, without a stack trace. */
export class ConfigError extends Error {}

function int(name: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new ConfigError(`${name} must be an integer from 0 to ${max}, got "${value}".`);
  }
  return n;
}

/** Configuration from the environment, then overridden by explicit options (command-line flags). */
export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const base: Config = {
    host: env.CLICKD_HOST || '127.0.0.1',
    port: int('CLICKD_PORT', env.CLICKD_PORT, 29123, 65535),
    dataDir: env.CLICKD_DATA_DIR || defaultDataDir(),
    databaseUrl: env.CLICKD_DATABASE_URL || undefined,
    databasePoolSize: int('CLICKD_DATABASE_POOL', env.CLICKD_DATABASE_POOL, 10, 1000),
    allowedHosts: list(env.CLICKD_ALLOWED_HOSTS),
    trustProxy: list(env.CLICKD_TRUST_PROXY),
    corsOrigins: list(env.CLICKD_CORS_ORIGINS),
    sessionTtlSeconds: int('CLICKD_SESSION_TTL', env.CLICKD_SESSION_TTL, 24 * 60 * 60),
    bodyLimitBytes: int('CLICKD_BODY_LIMIT', env.CLICKD_BODY_LIMIT, 1024 * 1024),
    loginRateMax: int('CLICKD_LOGIN_RATE_MAX', env.CLICKD_LOGIN_RATE_MAX, 10),
    loginRateWindowMs: 60_000,
    requestTokenTtlMs: 60_000,
    logLevel: env.CLICKD_LOG_LEVEL || 'info',
    logFile: env.CLICKD_LOG_FILE || undefined,
    responseCache: env.CLICKD_RESPONSE_CACHE !== '0' && env.CLICKD_RESPONSE_CACHE?.toLowerCase() !== 'false',
    compactHeap: env.CLICKD_COMPACT_HEAP !== '0' && env.CLICKD_COMPACT_HEAP?.toLowerCase() !== 'false',
    debugQueryCount: env.CLICKD_DEBUG_QUERY_COUNT === '1' || env.CLICKD_DEBUG_QUERY_COUNT?.toLowerCase() === 'true',
    auditRetentionDays: int('CLICKD_AUDIT_RETENTION_DAYS', env.CLICKD_AUDIT_RETENTION_DAYS, 365, 100_000),
    logForwardPollMs: int('CLICKD_LOG_FORWARD_POLL_MS', env.CLICKD_LOG_FORWARD_POLL_MS, 5000) || 5000,
    logForwardRetryMs: int('CLICKD_LOG_FORWARD_RETRY_MS', env.CLICKD_LOG_FORWARD_RETRY_MS, 1000),
    logForwardRetryMaxMs: int('CLICKD_LOG_FORWARD_RETRY_MAX_MS', env.CLICKD_LOG_FORWARD_RETRY_MAX_MS, 5 * 60 * 1000),
  };
  const merged = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (merged.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(merged.databaseUrl)) {
    throw new ConfigError(
      `The database URL must start with postgres:// (got "${redactPassword(merged.databaseUrl)}"); without one, clickd uses SQLite in the data directory.`,
    );
  }
  return merged;
}

/** A database URL with its password replaced, for messages and logs. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}
