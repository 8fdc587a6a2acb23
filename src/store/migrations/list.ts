/**
 * The one migration history of both backends, in order: each name has a SQLite migration in store/sqlite/migrations/
 * and a PostgreSQL twin in store/postgres/migrations/. Append only: a released migration never changes.
 * (test/pg/migrations.test.ts checks that both databases record exactly these names.)
 */
export const MIGRATION_NAMES = [
  '001_initial',
  '002_record_counts',
  '003_mfa_last_step',
  '004_audit_log',
  '005_idempotency_keys',
  '006_request_tokens',
  '007_hosted',
] as const;

export type MigrationName = (typeof MIGRATION_NAMES)[number];
