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
