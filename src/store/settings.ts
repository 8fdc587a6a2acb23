import type { Db } from './db.js';

/**
 * Values every instance on the database shares (clickd_settings), such as the JWT signing key of the
 * hosted mode: the first instance to ask stores its value, every other one reads that one.
 */
export async function getOrCreate(db: Db, key: string, make: () => string): Promise<string> {
  await db
    .insertInto('clickd_settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('clickd_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
