import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql, SqliteDialect, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import type { Database } from './types.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_record_counts.js';
import * as m003 from './migrations/003_mfa_last_step.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** The migration history, in order. Append only: a released migration never changes. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_record_counts': m002,
  '003_mfa_last_step': m003,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

export interface OpenStore {
  db: Db;
  /** Statements executed since the store was opened (for the query-count scaling tests). */
  queryCount(): number;
  /**
   * Changes whenever the data may have changed: a write statement of this process, or a commit by another
   * connection (SQLite's data_version). Response caches compare it to know whether they are still valid.
   */
  dataVersion(): string;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the SQLite database in the data directory and brings it to the latest
 * schema. WAL with synchronous=FULL: an acknowledged write survives a crash (DECISIONS.md section 7).
 */
export async function openSqliteStore(dataDir: string): Promise<OpenStore> {
  const file = path.join(dataDir, 'clickd.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A write of many rows (assigning 1,000 pairs) changes more pages than the 2 MB page cache holds; by
  // default SQLite then writes changed pages to the WAL before the commit, some of them again and again.
  // Kept in memory up to 16 MB (4,096 pages) of changes instead: such a write takes half the time.
  sqlite.pragma('cache_spill = 4096');
  // SQLite copies the WAL back into the database file (a checkpoint) in the commit that makes the WAL pass
  // this many pages; the commit then also waits for an fsync of the database file (~25 ms here after a
  // write of 1,000 rows). 4,000 pages (16 MB) instead of 1,000: a quarter as many checkpoints and fsyncs
  // for bulk writes (assigning 1,000 pairs: ~40 instead of ~55 ms on average; one request in four or so
  // pays for the checkpoint). A WAL left larger by a big transaction is cut back to 16 MB when it restarts.
  sqlite.pragma('wal_autocheckpoint = 4000');
  sqlite.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);

  // Kysely's SQLite driver prepares every statement anew; prepared statements are reused here instead.
  let executed = 0;
  let writes = 0;
  const statements = new Map<string, SQLite.Statement>();
  const database = {
    prepare(sql: string) {
      executed++;
      const scope = statementScope.getStore();
      if (scope) scope.statements++;
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size > 500) statements.clear();
        statements.set(sql, statement);
      }
      // Counted before it runs: a reader that started earlier stores its result under the older version.
      if (!statement.reader) writes++;
      return statement;
    },
    close() {
      sqlite.close();
    },
  };

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: database as unknown as SQLite.Database }),
  });
  await migrate(db);
  // Commits by other connections are read once per turn of the event loop (the pragma is not free);
  // this process's own writes are counted as they happen.
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  let otherCommits: number | undefined;
  const readOtherCommits = () => {
    if (otherCommits === undefined) {
      otherCommits = dataVersion.get() as number;
      setImmediate(() => (otherCommits = undefined));
    }
    return otherCommits;
  };
  return {
    db,
    queryCount: () => executed,
    dataVersion: () => `${writes}.${readOtherCommits()}`,
    close: () => db.destroy(),
  };
}

/** Counts the statements run on behalf of one request (read through statementScope.run by the caller). */
export const statementScope = new AsyncLocalStorage<{ statements: number }>();

interface PendingWrite {
  work: (trx: Db) => Promise<unknown>;
  singleStatement: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}
const committers = new WeakMap<Db, { queue: PendingWrite[]; running: boolean }>();
const MAX_BATCH = 256;

/**
 * Group commit: runs `work` in a transaction shared with the other writes queued in the same turn of the
 * event loop, each inside its own savepoint (a failing one is rolled back alone and rejects alone). The
 * promise settles only after the shared COMMIT, so an acknowledged write is as durable as a lone one,
 * while 10 concurrent writers pay for one fsync instead of ten.
 */
export function groupCommit<T>(
  db: Db,
  work: (trx: Db) => Promise<T>,
  options: {
    /** `work` runs one statement, which SQLite undoes by itself when it fails: no savepoint needed. */
    singleStatement?: boolean;
  } = {},
): Promise<T> {
  let committer = committers.get(db);
  if (!committer) {
    committer = { queue: [], running: false };
    committers.set(db, committer);
  }
  const c = committer;
  return new Promise<T>((resolve, reject) => {
    c.queue.push({
      work,
      singleStatement: options.singleStatement ?? false,
      resolve: resolve as (value: unknown) => void,
      reject,
    });
    if (!c.running) {
      c.running = true;
      setImmediate(() => void flushWrites(db, c));
    }
  });
}

async function flushWrites(db: Db, c: { queue: PendingWrite[]; running: boolean }): Promise<void> {
  const batch = c.queue.splice(0, MAX_BATCH);
  try {
    if (batch.length === 1) {
      const [only] = batch as [PendingWrite];
      await db
        .transaction()
        .execute((trx) => only.work(trx))
        .then(only.resolve, only.reject);
    } else {
      const outcomes: { ok: boolean; value: unknown }[] = [];
      await db.transaction().execute(async (trx) => {
        for (const item of batch) {
          if (!item.singleStatement) await sql`savepoint group_commit`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await item.work(trx) });
          } catch (err) {
            if (!item.singleStatement) await sql`rollback to group_commit`.execute(trx);
            outcomes.push({ ok: false, value: err });
          }
          if (!item.singleStatement) await sql`release group_commit`.execute(trx);
        }
      });
      batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
    }
  } catch (err) {
    for (const item of batch) item.reject(err);
  }
  if (c.queue.length > 0) setImmediate(() => void flushWrites(db, c));
  else c.running = false;
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/**
 * Makes sure the data directory exists and is writable, with owner-only permissions when created, and
 * that its database files are writable: SQLite would open a read-only database without a word and fail
 * only at a later write.
 */
export function prepareDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.accessSync(dataDir, fs.constants.W_OK);
  for (const name of ['clickd.db', 'clickd.db-wal', 'clickd.db-shm']) {
    const file = path.join(dataDir, name);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  }
}
