import type { Migration } from 'kysely';
import * as m001 from './001_initial.js';
import * as m002 from './002_record_counts.js';
import * as m003 from './003_mfa_last_step.js';
import * as m004 from './004_audit_log.js';
import * as m005 from './005_idempotency_keys.js';
import * as m006 from './006_request_tokens.js';
import * as m007 from './007_hosted.js';
import type { MigrationName } from '../../migrations/list.js';

/**
 * The PostgreSQL migration history: one twin per SQLite migration, under the same name (the shared list is
 * store/migrations/list.ts; typing the keys by it makes a missing twin a compile error). Append only.
 */
export const postgresMigrations: Record<MigrationName, Migration> = {
  '001_initial': m001,
  '002_record_counts': m002,
  '003_mfa_last_step': m003,
  '004_audit_log': m004,
  '005_idempotency_keys': m005,
  '006_request_tokens': m006,
  '007_hosted': m007,
};
