import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../types.js';
import { statementScope } from '../db.js';
import { kyselyStore } from '../kyselyStore.js';
import type { Store } from '../store.js';
import { sqliteDialect } from './dialect.js';
import { migrateSqlite } from './migrate.js';
import { LruBoundaries, usePageMemory } from '../pageMemory.js';

/**
 * Opens (creating if needed) the SQLite database in the data directory and brings it to the latest
 * schema. WAL with synchronous=FULL: an acknowledged write survives a crash (DECISIONS.md section 7).
 */
export async function openSqliteStore(dataDir: string): Promise<Store> {
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
  await migrateSqlite(db);
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
  const version = () => `${writes}.${readOtherCommits()}`;
  // Where list pages ended, valid under the change signal (pageMemory.ts): held in this process.
  usePageMemory(db, { boundaries: new LruBoundaries(4000), version });
  return kyselyStore(
    {
      db,
      queryCount: () => executed,
      writeCount: () => writes,
      dataVersion: version,
      close: () => db.destroy(),
    },
    sqliteDialect,
  );
}
