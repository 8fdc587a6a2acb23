import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './types.js';
import { dialectOf } from './dialect.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

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
      // On PostgreSQL a failed statement aborts the whole transaction unless it ran in a savepoint: there,
      // every write gets one. (Sending a batch's writes at once without savepoints, and again with them
      // when one fails, was tried: its writes then interleave on one connection, and the bench saw a
      // count off by two after it. Not kept.)
      const always = dialectOf(db).name === 'postgres';
      const outcomes: { ok: boolean; value: unknown }[] = [];
      await db.transaction().execute(async (trx) => {
        for (const item of batch) {
          if (always || !item.singleStatement) await sql`savepoint group_commit`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await item.work(trx) });
          } catch (err) {
            if (always || !item.singleStatement) await sql`rollback to group_commit`.execute(trx);
            outcomes.push({ ok: false, value: err });
          }
          if (always || !item.singleStatement) await sql`release group_commit`.execute(trx);
        }
      });
      batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
    }
  } catch (err) {
    for (const item of batch) item.reject(err);
  } finally {
    if (c.queue.length > 0) setImmediate(() => void flushWrites(db, c));
    else c.running = false;
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
