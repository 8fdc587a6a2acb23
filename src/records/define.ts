import { Type, type TObjectOptions, type TSchema } from 'typebox';
import { presenter, type ShapeField } from '../store/shape.js';

/** One field of a record as the API shows it: where its value comes from in the row, and its schema. */
export interface Field<R> {
  from: ShapeField<R>;
  schema: TSchema;
}

/**
 * Declares a record kind once, as one ordered list of fields, and derives from it everything that
 * shows it: the TypeBox schema (response schemas, OpenAPI), the column shape SQLite writes the JSON
 * from (store/shape.ts) and the JavaScript presenter. The key order on the wire is the list's order,
 * whoever writes the JSON.
 */
export const defineRecord =
  <R>() =>
  <const F extends Record<string, Field<R>>>(fields: F, options: TObjectOptions = {}) => {
    const names = Object.keys(fields) as (keyof F & string)[];
    const shape = Object.fromEntries(names.map((name) => [name, fields[name]!.from])) as {
      readonly [K in keyof F]: F[K]['from'];
    };
    const properties = Object.fromEntries(names.map((name) => [name, fields[name]!.schema])) as {
      [K in keyof F]: F[K]['schema'];
    };
    return {
      /** The API keys, in wire order. */
      keys: names,
      shape,
      /** The record's schema (with its $id, if it has one). */
      schema: Type.Object(properties, options),
      /** The same schema without $id: a response may name an $id only once, and some hold a record twice. */
      inline: Type.Object(properties),
      present: presenter<R, typeof shape>(shape),
    };
  };

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });
export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
