import { CompiledQuery, type Compilable, type Kysely, type RawBuilder } from 'kysely';

/**
 * Queries built and compiled once, then run many times with new values. Building a query with Kysely
 * and compiling it to SQL costs about as much as SQLite takes to run a small one; a hot list endpoint
 * asks the same question with other values (an account id, an offset) again and again.
 *
 * `build` receives placeholders in place of the varying values (`p.accountId`) and must pass them to the
 * query as values, never use them in JavaScript logic: the placeholders are found again among the
 * compiled parameters and replaced by the real values on each run. Everything else that shapes the SQL
 * (table, sort column, direction, a literal limit, which filters are present) must be part of `key`,
 * which `templateKey` derives from the options the query is built from.
 */
export type Placeholders = Record<string, string>;

interface Template {
  sql: string;
  /** Per compiled parameter: the name of the value that fills it, or a constant written by `build`. */
  slots: ({ name: string } | { constant: unknown })[];
}

/**
 * The key of a query's structure, derived from every option it is built from (never a hand-picked
 * list, so that a new option can never share SQL with queries without it): each option by its value,
 * except those in `valueFields`, which reach the SQL as placeholders and count by their presence only.
 * Undefined (compile for this run only) when an option is a function or an object that holds values of
 * its own (a restriction built per request).
 */
export function templateKey(structure: Record<string, unknown>, valueFields: readonly string[] = []): string | undefined {
  // A list is built with the same options in the same order on every request: their sorted order is
  // looked up by the order given rather than sorted each time (this runs on every list request).
  const names = Object.keys(structure);
  const given = names.join('\u0000');
  let sorted = sortedNames.get(given);
  if (!sorted) {
    if (sortedNames.size >= 1000) sortedNames.clear();
    sortedNames.set(given, (sorted = names.sort()));
  }
  let key = '';
  for (const name of sorted) {
    const value = structure[name];
    if (value === undefined) continue;
    if (key !== '') key += '&';
    if (valueFields.length !== 0 && valueFields.includes(name)) {
      key += `${name}?${Boolean(value)}`;
      continue;
    }
    switch (typeof value) {
      case 'function':
        return undefined;
      case 'object': {
        const text = value === null ? 'null' : serializedObject(value);
        if (text === undefined) return undefined;
        key += `${name}=${text}`;
        break;
      }
      case 'number':
      case 'boolean':
        key += `${name}=${value}`;
        break;
      default:
        key += `${name}=${JSON.stringify(value)}`;
    }
  }
  return key;
}
const sortedNames = new Map<string, string[]>();

// An object option (a record's shape, a sort map) is a declaration, the same object on every request:
// its text is kept by identity so that a hot list does not serialize it again each time (a new object,
// such as a per-request restriction, is simply serialized, or refused, once more). Options are never
// changed after they are first used.
const serializedObjects = new WeakMap<object, string | null>();
function serializedObject(value: object): string | undefined {
  let text = serializedObjects.get(value);
  if (text === undefined) {
    text = isPlain(value) ? JSON.stringify(value) : null;
    serializedObjects.set(value, text);
  }
  return text ?? undefined;
}

const isPlain = (value: object): boolean =>
  Array.isArray(value)
    ? value.every((v) => typeof v !== 'object' || v === null || isPlain(v))
    : Object.getPrototypeOf(value) === Object.prototype &&
      Object.values(value).every((v) => typeof v !== 'function' && (typeof v !== 'object' || v === null || isPlain(v)));

const MARK = '\u0000clickd-placeholder:';
const placeholders: Placeholders = new Proxy({} as Placeholders, { get: (_, name) => `${MARK}${String(name)}` });
const templatesOf = new WeakMap<object, Map<string, Template>>();
const MAX_TEMPLATES = 1000;

/** What a template is built from: a query builder, or raw SQL (a WITH RECURSIVE), compiled against `db`. */
export type Statement<Row> = Compilable<Row> | RawBuilder<Row>;

const isRawBuilder = (query: Statement<unknown>): query is RawBuilder<unknown> =>
  (query as { isRawBuilder?: boolean }).isRawBuilder === true;

function compileTemplate(query: Statement<unknown>, db: Kysely<any>): Template {
  const compiled = isRawBuilder(query) ? query.compile(db) : query.compile();
  return {
    sql: compiled.sql,
    slots: compiled.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) } : { constant: value },
    ),
  };
}

/** Runs the query `build` describes with `values` in place of its placeholders, compiling it once per key. */
export async function runTemplate<Row>(
  db: Kysely<any>,
  /** Undefined when the query cannot be reused (it holds values of its own): compiled for this run only. */
  key: string | undefined,
  build: (p: Placeholders) => Statement<Row>,
  values: Record<string, unknown>,
): Promise<Row[]> {
  let templates = templatesOf.get(db);
  if (!templates) templatesOf.set(db, (templates = new Map()));
  let template = key === undefined ? undefined : templates.get(key);
  if (!template) {
    template = compileTemplate(build(placeholders) as Statement<unknown>, db);
    if (key !== undefined) {
      if (templates.size >= MAX_TEMPLATES) templates.clear();
      templates.set(key, template);
    }
  }
  const parameters = template.slots.map((slot) => {
    if ('constant' in slot) return slot.constant;
    if (!(slot.name in values)) throw new Error(`No value for the query placeholder "${slot.name}" (${key ?? 'uncached'})`);
    return values[slot.name];
  });
  const result = await db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters));
  return result.rows;
}
