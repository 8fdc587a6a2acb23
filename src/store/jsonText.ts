import { sql, type RawBuilder } from 'kysely';
import type { Shape } from './shape.js';

/** How a dialect writes one column's value as JSON text: any value (quoted, `null` for NULL), a 0/1 as a boolean. */
export interface JsonValueSql {
  quote(column: RawBuilder<unknown>): RawBuilder<string>;
  boolean(column: RawBuilder<unknown>): RawBuilder<string>;
}

/**
 * The SQL expression building a row of `table` as the shape's JSON object, by concatenating text: each
 * column's value written by the dialect (`values`), nulls as literals. `extra` adds fields whose values are
 * SQL expressions of JSON text, taken as is (nested lists, for the details views). Not a JSON object
 * function: given another JSON value, SQLite's json_object parses it again to embed it, so nesting three
 * levels deep (a details page) parses every byte several times; concatenation parses nothing, and costs
 * the same for a flat list. Both dialects give their jsonObjectSql through this.
 */
export function jsonObjectText<R>(
  values: JsonValueSql,
  shape: Shape<R>,
  table: string,
  extra: Record<string, RawBuilder<string>> = {},
): RawBuilder<string> {
  const parts: RawBuilder<unknown>[] = [];
  let separator = '{';
  const key = (name: string) => {
    const text = `${separator}${JSON.stringify(name)}:`;
    separator = ',';
    return sql.lit(text);
  };
  for (const [name, field] of Object.entries(shape as Shape<Record<string, unknown>>)) {
    const value =
      typeof field === 'string'
        ? values.quote(sql.ref(`${table}.${field}`))
        : 'boolean' in field
          ? values.boolean(sql.ref(`${table}.${field.boolean}`))
          : sql.lit('null');
    parts.push(key(name), value);
  }
  for (const [name, value] of Object.entries(extra)) parts.push(key(name), value);
  parts.push(sql.lit(separator === '{' ? '{}' : '}'));
  // concat() writes its arguments into one string; a chain of || would copy the growing prefix each time.
  return sql<string>`concat(${sql.join(parts)})`;
}
