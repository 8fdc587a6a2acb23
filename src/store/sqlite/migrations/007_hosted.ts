import type { Kysely } from 'kysely';

// What several instances on one database share (store/postgres/migrations/007_hosted.ts is the twin): the
// settings (the signing key) and the login attempts of the rate limit. On SQLite, where one process serves
// the database, the signing key stays in the data directory's signing.key file and attempts are counted in
// memory: the tables are there so that both backends have one schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clickd_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('clickd_rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
}
