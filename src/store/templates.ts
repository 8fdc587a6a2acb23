import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/**
 * Queries built and compiled once, then run many times with new values. Building a query with Kysely
 * and compiling it to SQL costs about as much as SQLite takes to run a small one; a hot list endpoint
 * asks the same question with other values (an account id, an offset) again and again.
 *
 * `build` receives placeholders in place of the varying values (`p.accountId`) and must pass them to the
 * query as values, never use them in JavaScript logic: the placeholders are found again among the
 * compiled parameters and replaced by the real values on each run. Everything else that shapes the SQL
 * (table, sort column, direction, a literal limit) must be part of `key`.
 */
export type Placeholders = Record<string, string>;

interface Template {
  sql: string;
  /** Per compiled parameter: the name of the value that fills it, or a constant written by `build`. */
  slots: ({ name: string } | { constant: unknown })[];
}

const MARK = '\u0000clickd-placeholder:';
const placeholders: Placeholders = new Proxy({} as Placeholders, { get: (_, name) => `${MARK}${String(name)}` });
const templatesOf = new WeakMap<object, Map<string, Template>>();
const MAX_TEMPLATES = 1000;

function compileTemplate(query: Compilable<unknown>): Template {
  const compiled = query.compile();
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
  build: (p: Placeholders) => Compilable<Row>,
  values: Record<string, unknown>,
): Promise<Row[]> {
  let templates = templatesOf.get(db);
  if (!templates) templatesOf.set(db, (templates = new Map()));
  let template = key === undefined ? undefined : templates.get(key);
  if (!template) {
    template = compileTemplate(build(placeholders) as Compilable<unknown>);
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
