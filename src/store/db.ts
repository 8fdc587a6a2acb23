import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, sql, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import type { Database } from './types.js';
import * as m001 from './sqlite/migrations/001_initial.js';
import * as m002 from './sqlite/migrations/002_record_counts.js';
import * as m003 from './sqlite/migrations/003_mfa_last_step.js';

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

/**
 * What opening a store gives: the database, and the signals the rest of the program needs from it
 * (implemented for SQLite in sqlite/open.ts).
 */
export interface OpenStore {
  db: Db;
  /** Statements executed since the store was opened (for the query-count scaling tests). */
  queryCount(): number;
  /**
   * The change signal: changes whenever the data may have changed (a write of this process, or a commit
   * by another connection or process). The caches that assume one process (responses, sessions) compare
   * it to know whether they are still valid; SQLite gives it from data_version (sqlite/open.ts).
   */
  dataVersion(): string;
  close(): Promise<void>;
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
