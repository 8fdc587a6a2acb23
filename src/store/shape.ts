import { sql, type RawBuilder } from 'kysely';

/**
 * How a stored row reads as an API object, declared once: each API field is a column as it is, a 0/1
 * column as a JSON boolean, or a constant. From one shape come both the presenter that turns a row
 * into the object in JavaScript, and the SQL that builds the same object as JSON text inside SQLite,
 * which is what the hot list endpoints answer with: no row objects, no serialization.
 */
export type ShapeField<R> = (keyof R & string) | { boolean: keyof R & string } | { constant: null };
export type Shape<R> = Record<string, ShapeField<R>>;

export type Presented<R, S extends Shape<R>> = {
  -readonly [K in keyof S]: S[K] extends { boolean: string }
    ? boolean
    : S[K] extends { constant: infer C }
      ? C
      : S[K] extends keyof R
        ? R[S[K]]
        : never;
};

/** Declares the shape of rows of type R (the curried form lets TypeScript infer the shape's literal type). */
export const shapeOf =
  <R>() =>
  <const S extends Shape<R>>(shape: S): S =>
    shape;

/** The JavaScript presenter of a shape: row in, API object out, fields in the shape's order. */
export function presenter<R, S extends Shape<R>>(shape: S): (row: R) => Presented<R, S> {
  const fields = Object.entries(shape);
  return (row) => {
    const out: Record<string, unknown> = {};
    const r = row as Record<string, unknown>;
    for (const [name, field] of fields) {
      if (typeof field === 'string') out[name] = r[field];
      else if ('boolean' in field) out[name] = r[field.boolean] === 1;
      else out[name] = field.constant;
    }
    return out as Presented<R, S>;
  };
}

/**
 * The SQL expression building a row of `table` as the shape's JSON object, by concatenating text: each
 * column value through json_quote (the escaping json_object uses), booleans and nulls as literals.
 * `extra` adds fields whose values are SQL expressions of JSON text, taken as is (nested lists, for the
 * details views). Not json_object: given another JSON value, it parses that value again to embed it, so
 * nesting three levels deep (a details page) parses every byte several times; concatenation parses
 * nothing, and costs the same as json_object for a flat list.
 */
export function jsonObjectSql<R>(
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
        ? sql`json_quote(${sql.ref(`${table}.${field}`)})`
        : 'boolean' in field
          ? sql`iif(${sql.ref(`${table}.${field.boolean}`)}, 'true', 'false')`
          : sql.lit('null');
    parts.push(key(name), value);
  }
  for (const [name, value] of Object.entries(extra)) parts.push(key(name), value);
  parts.push(sql.lit(separator === '{' ? '{}' : '}'));
  // concat() writes its arguments into one string; a chain of || would copy the growing prefix each time.
  return sql<string>`concat(${sql.join(parts)})`;
}
