import { sql } from 'kysely';
import type { Db } from './db.js';

/** The tables whose records are read and updated with an ETag (DECISIONS.md section 9). */
export type VersionedTable = 'projects' | 'shared_cloud_drives' | 'user_groups' | 'users';

/**
 * Takes the write lock on one record for the rest of the caller's transaction, by an update that changes
 * nothing: what the transaction reads of it next cannot change before it commits (a row lock on
 * PostgreSQL, the database's write lock on SQLite), so that comparing `If-Match` with the record and
 * updating it are one atomic step. Must run inside a transaction.
 */
export async function lockRecord(db: Db, table: VersionedTable, accountId: string, id: string): Promise<void> {
  await (db as Db)
    .updateTable(table)
    .set({ update_date: sql.ref('update_date') })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}
