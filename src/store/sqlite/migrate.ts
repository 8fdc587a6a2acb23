import { Migrator, type Kysely, type Migration } from 'kysely';
import type { MigrationName } from '../migrations/list.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_record_counts.js';
import * as m003 from './migrations/003_mfa_last_step.js';
import * as m004 from './migrations/004_audit_log.js';
import * as m005 from './migrations/005_idempotency_keys.js';
import * as m006 from './migrations/006_request_tokens.js';
import * as m007 from './migrations/007_hosted.js';

/** The SQLite migration history, in order (store/migrations/list.ts names it for both backends). Append only. */
const sqliteMigrations: Record<MigrationName, Migration> = {
  '001_initial': m001,
  '002_record_counts': m002,
  '003_mfa_last_step': m003,
  '004_audit_log': m004,
  '005_idempotency_keys': m005,
  '006_request_tokens': m006,
  '007_hosted': m007,
};

/** Brings the SQLite database to the latest schema. */
export async function migrateSqlite(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => sqliteMigrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
