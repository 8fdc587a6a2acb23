import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Shape } from '../shape.js';
import { jsonObjectText, type JsonValueSql } from '../jsonText.js';

// The SQLite-specific SQL the store uses (JSON written as text, json_each, the planner hint, error
// codes), in one file: a PostgreSQL twin gives the same functions.

/**
 * The values of a list, as a subquery for `in`: `where('id', 'in', jsonValues(ids))`. One parameter (the
 * list as JSON, read by SQLite's json_each) instead of one per value, so that the statement is prepared
 * once whatever the list's length, and no chunking is needed for SQLite's limit on parameters.
 */
export function jsonValues(values: readonly string[]): RawBuilder<string> {
  return sql<string>`(select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * A column that SQLite's planner must not pick an index for (`+column`), for lookups by primary key
 * that also check the account: otherwise, lacking statistics, it walks the account's whole list index.
 * PostgreSQL plans from real statistics and gets the plain column.
 */
export function notIndexed(column: string): RawBuilder<unknown> {
  return sql`+${sql.ref(column)}`;
}

/** True for a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The JSON array of the text values `item` over the rows of the enclosing select, in `order` (SQL text
 * such as ` order by s asc`, or empty for the rows' order): `[]` when there are none.
 */
export function jsonArrayOf(item: RawBuilder<unknown>, order: RawBuilder<unknown> = sql``): RawBuilder<string> {
  return sql<string>`'[' || coalesce(group_concat(${item}, ','${order}), '') || ']'`;
}

/** SQLite's JSON text of a column: json_quote (the escaping json_object uses), iif for a 0/1 boolean. */
const sqliteJsonValues: JsonValueSql = {
  quote: (column) => sql<string>`json_quote(${column})`,
  boolean: (column) => sql<string>`iif(${column}, 'true', 'false')`,
};

/** A row of `table` as the shape's JSON object (store/jsonText.ts), with SQLite's quoting. */
export const jsonObjectSql = <R>(shape: Shape<R>, table: string, extra?: Record<string, RawBuilder<string>>) =>
  jsonObjectText(sqliteJsonValues, shape, table, extra);

/**
 * Inserts project-drive assignments given as a JSON array of [id, projectId, sharedCloudDriveId] rows,
 * skipping pairs that exist: one statement whatever the count, read by json_each.
 */
export async function insertAssignmentRows(db: Kysely<any>, accountId: string, rowsJson: string, at: string): Promise<void> {
  // `where true`: SQLite needs it to tell the upsert's `on conflict` from a join constraint after a select.
  await sql`
    insert into project_shared_cloud_drives (id, account_id, project_id, shared_cloud_drive_id, create_date)
    select value ->> 0, ${accountId}, value ->> 1, value ->> 2, ${at} from json_each(${rowsJson}) where true
    on conflict (project_id, shared_cloud_drive_id) do nothing
  `.execute(db);
}

/** The JSON array `[sort value, id]` of the last row of the enclosing select in `order` (a page's boundary). */
export function lastSortBoundary(
  sortValue: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
): RawBuilder<string> {
  return sql<string>`json_extract(json_group_array(json_array(${sortValue}, ${id})${order}), '$[#-1]')`;
}
