import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The CLI's side of the API: where the credentials live, and an HTTP client that turns the documented
 * error model into CliErrors the commands print. The token travels in an Authorization header, never in
 * the URL, so it stays out of server logs.
 */

export const DEFAULT_SERVER = 'http://localhost:29123';

/** A failure to report to the user: `error: <message>` on stderr, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** An application error from the API (499 or 401), with its code and messages. */
export class ApiFailure extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: string[],
  ) {
    super(messages.map((m) => `${code}: ${m}`).join('\n'));
  }
}

export const NOT_LOGGED_IN = 'not logged in or session expired: run `clickd login`';

export class NotLoggedIn extends CliError {
  constructor(server?: string) {
    super(server ? `${NOT_LOGGED_IN.replace('`clickd login`', `\`clickd login --server ${server}\``)}` : NOT_LOGGED_IN);
  }
}

export interface Credentials {
  server: string;
  token: string;
  username?: string;
  savedAt?: string;
}

/** The per-user folder: CLICKD_CONFIG_DIR, else $XDG_CONFIG_HOME/clickd (~/.config/clickd), %APPDATA%\clickd on Windows. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLICKD_CONFIG_DIR) return path.resolve(env.CLICKD_CONFIG_DIR);
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'clickd');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'clickd');
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'credentials.json');
}

export function readCredentials(): Credentials | undefined {
  let text: string;
  try {
    text = fs.readFileSync(credentialsFile(), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${credentialsFile()}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Credentials>;
    if (typeof parsed.server === 'string' && typeof parsed.token === 'string') return parsed as Credentials;
  } catch {
    // A damaged file is as good as none: the user logs in again.
  }
  return undefined;
}

/** Owner-only from the first byte: written to a 0600 temporary file in a 0700 folder, then renamed. */
export function writeCredentials(credentials: Credentials): string {
  const file = credentialsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(temporary, 0o600); // in case the file existed with wider permissions
  fs.renameSync(temporary, file);
  return file;
}

export function deleteCredentials(): boolean {
  try {
    fs.unlinkSync(credentialsFile());
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** --server, else CLICKD_SERVER, else the server of the saved login, else the local agent. */
export function resolveServer(option: string | undefined, credentials = readCredentials()): string {
  const server = option ?? process.env.CLICKD_SERVER ?? credentials?.server ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server must be a URL such as ${DEFAULT_SERVER}, got "${server}"`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--server must be an http:// or https:// URL, got "${server}"`, 2);
  }
  return url.toString().replace(/\/+$/, '');
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as `If-Match`: the update goes ahead only if the record still has this ETag (else 412 PRECONDITION). */
  ifMatch?: string;
  /** Sent as `Idempotency-Key`; the request is then retried once on a network error. */
  idempotencyKey?: string;
}

/** The pause before the one retry of a creating request after a network error. */
const RETRY_PAUSE_MS = 300;

export class ApiClient {
  constructor(
    readonly server: string,
    readonly token?: string,
  ) {}

  /** The client of a signed-in command: the saved token, for the chosen server. */
  static signedIn(serverOption: string | undefined): ApiClient {
    const credentials = readCredentials();
    const server = resolveServer(serverOption, credentials);
    // A token is only ever sent to the server that issued it.
    if (!credentials) throw new NotLoggedIn();
    if (!sameServer(credentials.server, server)) throw new NotLoggedIn(server);
    return new ApiClient(server, credentials.token);
  }

  async request<T = unknown>(method: string, route: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, route, options)).body;
  }

  /**
   * A request and its answer's body and headers. With `idempotencyKey`, the key travels as
   * `Idempotency-Key`, and a network error (no answer at all) is retried once with the same key: the agent
   * then answers the first attempt's result instead of doing the work twice.
   */
  async exchange<T = unknown>(
    method: string,
    route: string,
    options: RequestOptions = {},
  ): Promise<{ body: T; headers: Headers }> {
    const url = new URL(route, this.server + '/');
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    const attempt = () => fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    try {
      try {
        res = await attempt();
      } catch (err) {
        if (options.idempotencyKey === undefined) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
        res = await attempt();
      }
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(`cannot reach clickd at ${this.server} (${cause}): is \`clickd serve\` running there?`);
    }
    const text = await res.text();
    const parsed = parseJson(text, res.headers.get('content-type'));
    if (res.ok) return { body: parsed as T, headers: res.headers };
    const problem = parsed as { type?: unknown; errors?: Record<string, unknown> } | undefined;
    const code = typeof problem?.type === 'string' ? problem.type : (res.headers.get('error-code') ?? undefined);
    if (res.status === 401) throw new ApiFailure(401, code ?? 'AUTH', messagesOf(problem, code, 'authentication failed'));
    if (code) throw new ApiFailure(res.status, code, messagesOf(problem, code, `HTTP ${res.status}`));
    const requestId = res.headers.get('request-id');
    throw new CliError(
      `the server answered HTTP ${res.status}${requestId ? ` (request id ${requestId}; see the server log)` : ''}`,
    );
  }

  /** A POST that creates something: sent with a fresh Idempotency-Key, and retried once on a network error. */
  create<T = unknown>(route: string, body?: unknown, query?: Query) {
    return this.request<T>('POST', route, { body, query, idempotencyKey: randomUUID() });
  }

  get<T = unknown>(route: string, query?: Query) {
    return this.request<T>('GET', route, { query });
  }
  post<T = unknown>(route: string, body?: unknown, query?: Query) {
    return this.request<T>('POST', route, { body, query });
  }
  put<T = unknown>(route: string, body?: unknown, query?: Query, options: { ifMatch?: string } = {}) {
    return this.request<T>('PUT', route, { body, query, ifMatch: options.ifMatch });
  }
  delete<T = unknown>(route: string, query?: Query) {
    return this.request<T>('DELETE', route, { query });
  }
}

function sameServer(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function parseJson(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (!(contentType ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messagesOf(problem: { errors?: Record<string, unknown> } | undefined, code: string | undefined, fallback: string) {
  const listed = code ? problem?.errors?.[code] : undefined;
  const messages = Array.isArray(listed) ? listed.filter((m): m is string => typeof m === 'string') : [];
  return messages.length > 0 ? messages : [fallback];
}
