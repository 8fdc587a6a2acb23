import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import type { Database } from './types.js';
import * as m001 from './migrations/001_initial.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** The migration history, in order. Append only: a released migration never changes. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
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

  // Kysely's SQLite driver prepares every statement anew; prepared statements are reused here instead.
  let executed = 0;
  const statements = new Map<string, SQLite.Statement>();
  const database = {
    prepare(sql: string) {
      executed++;
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size > 500) statements.clear();
        statements.set(sql, statement);
      }
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
  return {
    db,
    queryCount: () => executed,
    close: () => db.destroy(),
  };
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** Makes sure the data directory exists and is writable, with owner-only permissions when created. */
export function prepareDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.accessSync(dataDir, fs.constants.W_OK);
}
