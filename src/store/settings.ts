import { sql } from 'kysely';
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

/**
 * Counts one attempt under `key` in its window of `windowMs` (a new window when the last one is over), for
 * the login rate limit that several instances share; returns the count and the window's start. Rows of
 * windows long over are removed now and then.
 */
export async function countAttempt(
  db: Db,
  key: string,
  windowMs: number,
  now: number,
): Promise<{ count: number; windowStart: number }> {
  const over = sql<boolean>`clickd_rate_limits.window_start + ${windowMs} <= ${now}`;
  const row = await db
    .insertInto('clickd_rate_limits')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when ${over} then 1 else clickd_rate_limits.count + 1 end`,
        window_start: sql<number>`case when ${over} then ${now} else clickd_rate_limits.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  if (Math.random() < 0.01) {
    await db
      .deleteFrom('clickd_rate_limits')
      .where('window_start', '<', now - Math.max(windowMs, 3_600_000))
      .execute();
  }
  return { count: Number(row.count), windowStart: Number(row.window_start) };
}
