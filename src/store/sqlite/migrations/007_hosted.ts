import type { Kysely } from 'kysely';

// Settings shared by every process on the database (store/postgres/migrations/007_hosted.ts is the twin,
// where several instances share one database). On SQLite the signing key stays in the data directory's
// signing.key file and the change signal is SQLite's own (data_version): the table is there so that both
// backends have one schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clickd_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
