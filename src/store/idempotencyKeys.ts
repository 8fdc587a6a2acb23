import type { Db } from './db.js';
import { now } from './listing.js';
import type { IdempotencyKeyTable } from './types.js';

/**
 * Idempotency keys (DECISIONS.md section 9): a key is claimed by inserting its row before the work, so
 * that of two simultaneous requests with one key exactly one goes ahead, whichever process takes it; the
 * answer is stored on the row afterwards and replayed until the row expires.
 */

export type IdempotencyKey = IdempotencyKeyTable;

export interface KeyOwner {
  accountId: string;
  userId: string;
  key: string;
}

/**
 * Claims the key for a request with this fingerprint: true if this call inserted the row (the work may go
 * ahead); false if a row was there already (read it with `findKey`). An expired row is removed first.
 */
export async function claimKey(db: Db, owner: KeyOwner, fingerprint: string, expiresAt: string): Promise<boolean> {
  const at = now();
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('idempotency_key', '=', owner.key)
    .where('expires_at', '<=', at)
    .execute();
  const result = await db
    .insertInto('idempotency_keys')
    .values({
      account_id: owner.accountId,
      user_id: owner.userId,
      idempotency_key: owner.key,
      fingerprint,
      state: 'running',
      response_status: null,
      response_headers: null,
      response_body: null,
      create_date: at,
      expires_at: expiresAt,
    })
    .onConflict((oc) => oc.columns(['account_id', 'user_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findKey(db: Db, owner: KeyOwner): Promise<IdempotencyKey | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('idempotency_key', '=', owner.key)
    .executeTakeFirst();
}

/** Stores the answer of the request that claimed the key. */
export async function completeKey(
  db: Db,
  owner: KeyOwner,
  response: { status: number; headers: string; body: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: response.status, response_headers: response.headers, response_body: response.body })
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('idempotency_key', '=', owner.key)
    .where('state', '=', 'running')
    .execute();
}

/**
 * Gives a running claim up (its request failed in a way worth retrying, or was abandoned): the next request
 * with the key runs anew. With `claimedAt`, only the claim made then (not one taken over meanwhile).
 */
export async function releaseKey(db: Db, owner: KeyOwner, claimedAt?: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('idempotency_key', '=', owner.key)
    .where('state', '=', 'running')
    .$if(claimedAt !== undefined, (q) => q.where('create_date', '=', claimedAt!))
    .execute();
}

/** Removes the expired keys of every account; returns how many. */
export async function pruneExpiredKeys(db: Db, at = now()): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', at).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
