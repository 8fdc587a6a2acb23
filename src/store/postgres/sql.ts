import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Shape } from '../shape.js';
import { jsonObjectText } from '../jsonText.js';

// PostgreSQL's twins of store/sqlite/sql.ts: JSON written as text in SQL, list parameters, the skipping
// insert of assignments. The same bytes out as SQLite's (test/pg/json.test.ts compares both with
// JSON.stringify), so that a response does not depend on the backend.

/**
 * SQLite's json_quote(x): x as JSON text. to_json escapes exactly as json_quote and JSON.stringify do
 * (short forms for \b \f \n \r \t, \u00xx for other control characters, everything else as is), but
 * gives SQL NULL for NULL, which concat() would drop: hence the coalesce.
 */
export function jsonQuote(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`coalesce(to_json(${value})::text, 'null')`;
}

/** SQLite's iif(x, 'true', 'false') over a 0/1 column. */
export function jsonBoolean(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(case when ${value} <> 0 then 'true' else 'false' end)`;
}

/**
 * SQLite's `'[' || group_concat(x, ',' order by ...) || ']'`: the JSON array of the rows' JSON texts,
 * '[]' for no rows (string_agg over no rows is NULL, as group_concat is).
 */
export function jsonArrayAgg(element: RawBuilder<string>, orderBy: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`('[' || coalesce(string_agg(${element}, ',' order by ${orderBy}), '') || ']')`;
}

/** The dialect's jsonArrayOf: `order` is SQL text such as ` order by s asc` (or empty). */
export function jsonArrayOf(item: RawBuilder<unknown>, order: RawBuilder<unknown> = sql``): RawBuilder<string> {
  return sql<string>`('[' || coalesce(string_agg(${item}, ','${order}), '') || ']')`;
}

/**
 * The values of a list as a subquery for `in` (SQLite's json_each of one JSON parameter): one array
 * parameter whatever the list's length, so the statement text never changes with it.
 */
export function listValues(values: readonly string[]): RawBuilder<string> {
  return sql<string>`(select unnest(${[...values]}::text[]))`;
}

/** PostgreSQL plans from real statistics: the plain column. */
export function notIndexed(column: string): RawBuilder<unknown> {
  return sql.ref(column);
}

/** A row of `table` as the shape's JSON object (store/jsonText.ts), with PostgreSQL's quoting. */
export const jsonObjectSql = <R>(shape: Shape<R>, table: string, extra?: Record<string, RawBuilder<string>>) =>
  jsonObjectText({ quote: jsonQuote, boolean: jsonBoolean }, shape, table, extra);

/**
 * Inserts project-drive assignments given as a JSON array of [id, projectId, sharedCloudDriveId] rows,
 * skipping pairs that exist: one statement whatever the count.
 */
export async function insertAssignmentRows(db: Kysely<any>, accountId: string, rowsJson: string, at: string): Promise<void> {
  await sql`
    insert into project_shared_cloud_drives (id, account_id, project_id, shared_cloud_drive_id, create_date)
    select r ->> 0, ${accountId}, r ->> 1, r ->> 2, ${at} from jsonb_array_elements(${rowsJson}::jsonb) as r
    on conflict do nothing
  `.execute(db);
}

/** The JSON array `[sort value, id]` of the last row of the enclosing select in `order` (a page's boundary). */
export function lastSortBoundary(
  sortValue: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
): RawBuilder<string> {
  return sql<string>`((array_agg(json_build_array(${sortValue}, ${id})::text${order}))[count(*)])`;
}
