import type { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../types.js';
import { classifyPostgresError } from './errors.js';

/**
 * Opens a pool of connections to PostgreSQL (`postgres://user@host:port/db`, as `clickd serve --database`
 * will take it) behind Kysely's PostgreSQL dialect. The schema is brought up to date separately, by
 * migratePostgres (store/postgres/migrate.ts), which several instances may call at once.
 */

export interface PostgresOptions {
  /** Connections in the pool (default 10: the 16-client insert budget is met by group commit, not by more connections). */
  poolSize?: number;
  /** Counts statements per request, like the SQLite store's statement scope (x-clickd-queries). */
  statementScope?: AsyncLocalStorage<{ statements: number }>;
  /** How long a request waits for a free connection before it fails (ms). */
  connectionTimeoutMillis?: number;
  /** The connections' application_name (default `clickd`): the change feed tells instances apart by it. */
  applicationName?: string;
}

export interface PostgresStore {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Statements executed since the store was opened (for the query-count scaling tests). */
  queryCount(): number;
  /** Statements that wrote (anything but a select), since the store was opened. */
  writeCount(): number;
  close(): Promise<void>;
}

// The store reads counts and sums as numbers, as SQLite returns them: PostgreSQL's bigint (count(*),
// sum(integer)) and numeric arrive as strings from `pg` by default. Counts stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Statements are prepared once per connection (named statements of the extended protocol), then only bound
 * and run: PostgreSQL parses and plans a statement sent without a name on every run, and for a list page
 * that planning (~0.9 ms here) costs more than running it (~0.7 ms). Kysely compiles one SQL text per
 * query structure, values apart, so the texts are few; past PREPARED_MAX of them, the rest go unnamed. Only
 * plain data statements are named (no DDL: a migration must not leave a plan behind for a table it changes).
 */
const PREPARED_MAX = 2000;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
const preparedNames = new Map<string, string>();

function prepared(args: unknown[]): unknown[] {
  const [text, values, ...rest] = args;
  if (typeof text !== 'string' || !PREPARABLE.test(text) || text.includes(';')) return args;
  // A callback in the place of the values (`query(text, callback)`).
  if (typeof values === 'function') return prepared([text, undefined, values, ...rest]);
  let name = preparedNames.get(text);
  if (name === undefined) {
    if (preparedNames.size >= PREPARED_MAX) return args;
    name = `clickd_${preparedNames.size + 1}`;
    preparedNames.set(text, name);
  }
  return [{ name, text, values }, ...rest];
}

export function connectPostgres(url: string, options: PostgresOptions = {}): PostgresStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: 30_000,
    types,
    application_name: options.applicationName ?? 'clickd',
  } as pg.PoolConfig);
  // An idle connection that the server ends (restart, admin shutdown) emits 'error' on the pool: without a
  // listener that would crash the process. The pool drops it and the next request opens a new one.
  pool.on('error', () => {});
  // A connection whose statement failed because the server ended it goes back to the pool before its
  // socket has closed, and would be handed to the next request. Such connections are marked here and
  // thrown away at the next checkout: one request answers 503 per lost connection, not two.
  const broken = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    client.on('error', () => broken.add(client as pg.PoolClient));
    client.on('end', () => broken.add(client as pg.PoolClient));
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const result = query(...prepared(args));
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if (classifyPostgresError(err) === 'unavailable') broken.add(client as pg.PoolClient);
        });
      }
      return result;
    }) as typeof client.query;
  });
  const checkedPool = {
    async connect() {
      for (;;) {
        const client = await pool.connect();
        if (!broken.has(client)) return client;
        client.release(true);
      }
    },
    end: () => pool.end(),
  };
  let executed = 0;
  let writes = 0;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: checkedPool }),
    log(event) {
      // Called for every statement Kysely runs, in the async context of the caller (AsyncLocalStorage holds).
      executed++;
      const scope = options.statementScope?.getStore();
      if (scope) scope.statements++;
      if (!/^\s*(select|with|savepoint|release|rollback|begin|start|commit)\b/i.test(event.query.sql)) writes++;
    },
  });
  return {
    db,
    pool,
    queryCount: () => executed,
    writeCount: () => writes,
    close: () => db.destroy(),
  };
}
