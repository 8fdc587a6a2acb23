import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { postgresMigrations } from './migrations/index.js';

/** The advisory lock held while migrating: 'clickd' in ASCII, fixed so that every instance asks for the same one. */
export const MIGRATION_LOCK = 0x636c69636b64n;

/**
 * Brings a PostgreSQL database to the latest schema, at start, whatever number of instances start at once:
 * one connection takes a session-level advisory lock and holds it while Kysely's migrator applies what is
 * missing (each migration in a transaction, its name recorded in kysely_migration as on SQLite). The others
 * wait on the lock, then find nothing left to do. Returns the names applied by this call.
 */
export async function migratePostgres(db: Kysely<any>): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: async () => postgresMigrations },
      });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r) => r.status === 'Error');
      if (error || failed) {
        throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
      }
      return (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}
