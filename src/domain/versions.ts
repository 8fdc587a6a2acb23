import { createHash } from 'node:crypto';
import { PreconditionFailed } from '../errors.js';
import type { Store } from '../store/store.js';
import type { VersionedTable } from '../store/rowLocks.js';

/**
 * Optimistic concurrency (DECISIONS.md section 9): a record's ETag is a digest of the record as the API
 * presents it, so that it changes whenever anything a client sees of it does. An update that carries
 * `If-Match` goes ahead only while the record still has one of the given tags (`*`: any version).
 */

/** The strong entity tag of a presented record: a quoted, URL-safe SHA-256 digest of its JSON. */
export function etagOf(presented: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(presented)).digest('base64url').slice(0, 27)}"`;
}

/** PRECONDITION unless the presented record's ETag is among `ifMatch` (or `ifMatch` holds `*`). */
export function requireMatch(ifMatch: readonly string[], presented: unknown): void {
  if (ifMatch.includes('*')) return;
  const current = etagOf(presented);
  if (!ifMatch.includes(current)) {
    throw new PreconditionFailed(
      `The record has changed since it was read: If-Match ${ifMatch.join(', ')} does not match its current ETag ${current}. Read it again and retry.`,
    );
  }
}

/**
 * Updates one record, checking `ifMatch` first when given: the record is locked, read, compared and
 * written in one transaction, so a concurrent update cannot slip in between the check and the write.
 * `read` and `write` answer undefined when there is no such live record (the caller's NOT_FOUND).
 */
export async function updateIfMatch<Row>(
  store: Store,
  target: { table: VersionedTable; accountId: string; id: string },
  ifMatch: readonly string[] | undefined,
  steps: {
    read: (tx: Store) => Promise<Row | undefined>;
    present: (row: Row) => unknown;
    write: (tx: Store) => Promise<Row | undefined>;
  },
): Promise<Row | undefined> {
  if (ifMatch === undefined) return steps.write(store);
  return store.transaction(async (tx) => {
    await tx.rowLocks.lockRecord(tx.db, target.table, target.accountId, target.id);
    const current = await steps.read(tx);
    if (!current) return undefined;
    requireMatch(ifMatch, steps.present(current));
    return steps.write(tx);
  });
}
