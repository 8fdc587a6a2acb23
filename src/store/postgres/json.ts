import { sql, type RawBuilder } from 'kysely';

/**
 * PostgreSQL's twins of the SQLite functions with which the store writes JSON text in SQL (store/shape.ts,
 * store/listing.ts, store/projectDetails.ts): the same bytes out, so a response does not depend on the
 * backend (test/pg/json.test.ts compares both with JSON.stringify).
 */

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
 * SQLite's `'[' || group_concat(x, ',' order by ...) || ']'`: the JSON array of the rows' JSON texts, '[]'
 * for no rows (string_agg over no rows is NULL, as group_concat is; on SQLite
 * projectDetails.ts's jsonList turns that NULL into '[]').
 */
export function jsonArrayAgg(element: RawBuilder<string>, orderBy: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`('[' || coalesce(string_agg(${element}, ',' order by ${orderBy}), '') || ']')`;
}

/**
 * The values of a list as a subquery for `in` (SQLite's json_each of one JSON parameter): one array
 * parameter whatever the list's length, so the statement text never changes with it.
 */
export function listValues(values: readonly string[]): RawBuilder<string> {
  return sql<string>`(select unnest(${[...values]}::text[]))`;
}
