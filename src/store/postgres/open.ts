import { kyselyStore } from '../kyselyStore.js';
import { statementScope } from '../db.js';
import { LruBoundaries, usePageMemory } from '../pageMemory.js';
import type { Store } from '../store.js';
import { ChangeFeed } from './changes.js';
import { connectPostgres } from './connect.js';
import { postgresDialect } from './dialect.js';
import { withRetry } from './errors.js';
import { migratePostgres } from './migrate.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (CLICKD_DATABASE_POOL; default 10). */
  poolSize?: number;
}

/**
 * Opens the store on PostgreSQL (`postgres://user@host:port/db`): a pool of connections, the schema
 * brought up to date under an advisory lock (several instances may start at once), and the change feed
 * that makes the instances on one database behave as one server (changes.ts).
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const changes = new ChangeFeed(url);
  const connection = connectPostgres(url, {
    poolSize: options.poolSize,
    statementScope,
    applicationName: changes.applicationName,
  });
  changes.usePool(connection.pool);
  try {
    await migratePostgres(connection.db);
    await changes.start();
  } catch (err) {
    await changes.close();
    await connection.close();
    throw err;
  }
  const version = () => `${connection.writeCount()}.${changes.version()}`;
  // Where list pages ended, valid under the change signal (pageMemory.ts): held in this process.
  usePageMemory(connection.db, { boundaries: new LruBoundaries(4000), version });
  return kyselyStore(
    {
      db: connection.db,
      queryCount: connection.queryCount,
      dataVersion: version,
      writeCount: connection.writeCount,
      changes,
      retry: (work) => withRetry(work),
      close: async () => {
        await changes.close();
        await connection.close();
      },
    },
    postgresDialect,
  );
}
