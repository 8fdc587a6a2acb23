import { after } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { nameKey } from '../../src/store/listing.js';
import { connectPostgres, type PostgresOptions, type PostgresStore } from '../../src/store/postgres/connect.js';
import { createTestDatabase, type TestDatabase } from './cluster.js';

/** A store on a fresh migrated database of its own, closed and dropped when the test file ends. */
export async function openTestStore(
  options: PostgresOptions & { empty?: boolean } = {},
): Promise<PostgresStore & { database: TestDatabase }> {
  const database = await createTestDatabase({ empty: options.empty });
  const store = connectPostgres(database.url, options);
  after(async () => {
    await store.close();
    await database.drop();
  });
  return { ...store, database };
}

/** An account row (the parent every other row references), straight into the table. */
export async function insertAccount(store: PostgresStore, name = 'Account'): Promise<string> {
  const id = uuidv7();
  const at = new Date().toISOString();
  await store.db.insertInto('accounts').values({ id, name, subscription_type: 1, create_date: at, update_date: at }).execute();
  return id;
}

export function projectRow(accountId: string, name: string) {
  const at = new Date().toISOString();
  return {
    id: uuidv7(),
    account_id: accountId,
    name,
    name_key: nameKey(name),
    description: '',
    active: 1 as const,
    deleted: 0 as const,
    create_date: at,
    update_date: at,
  };
}
