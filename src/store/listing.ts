import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Bool, Database } from './types.js';
import { dialectOf } from './dialect.js';
import { runTemplate, templateKey, type Placeholders } from './templates.js';
import type { PageBoundary, PageMemory } from './pageMemory.js';

/**
 * A new record id: a UUID of version 7 (RFC 9562), whose first 48 bits are the time of creation. New rows
 * therefore land at the end of every index keyed by id, instead of at a random place of a large B-tree
 * (a random page to read, change and write to the WAL per index and per row). The rest is random; ids are
 * never secrets (tokens are separate and hashed), and the time they reveal is the record's createDate.
 */
export function newId(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 16;
  return uuidv7({ random: randomPool.subarray(randomOffset - 16, randomOffset) });
}
// Random bytes drawn 4 KB at a time (uuid's own source asks the system for 16 bytes per id: ~6 µs each).
const randomPool = new Uint8Array(4096);
let randomOffset = randomPool.length;
export const now = (): string => new Date().toISOString();
/** The case-folded form of a name: its uniqueness key, sort key and filter target. */
export const nameKey = (name: string): string => name.trim().toLowerCase();

/** A LIKE pattern matching `text` anywhere, case-insensitively (the column holds folded text). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
export const likeEscape = sql.raw(`'\\'`);

/**
 * The soft-delete flag as a literal in the SQL, never a bound parameter. The unique name indexes are
 * partial (`where deleted = 0`): when the flag is a parameter, SQLite must re-check on every run whether
 * such an index applies to the value now bound, so it prepares the statement again each time (about as
 * costly as the query itself). With a literal, a statement is prepared once.
 */
export const LIVE = sql.lit<Bool>(0);
export const DELETED = sql.lit<Bool>(1);
export const deletedFlag = (deleted: boolean | undefined) => (deleted ? DELETED : LIVE);

export interface PageRequest {
  page: number;
  pageSize: number;
  /** Qualified column to sort by, e.g. `projects.name_key`. */
  sortColumn: string;
  /** Qualified id column that breaks ties, so that pages never overlap or skip. */
  idColumn: string;
  descending: boolean;
  /**
   * Where pages of this store ended (pageMemoryOf(db)): page k+1 of a query whose page k was read under
   * the current change signal continues from page k's last record. Absent: every page is read by offset.
   */
  memory?: PageMemory;
}

export interface Page<Row> {
  rows: Row[];
  total: number;
}

/**
 * The row range a page reads: pages past the middle are read from the other end, in reverse order.
 * The limit goes into the SQL as a literal: SQLite (since 3.47) plans with the value of a bound LIMIT
 * and so prepares such a statement again on every run. There are few distinct limits (the page size,
 * and the remainder on a last page), so the statements stay few.
 */
type PageWindow = ReturnType<typeof pageWindow>;

function pageWindow(request: PageRequest, total: number) {
  const offset = (request.page - 1) * request.pageSize;
  const limit = Math.min(request.pageSize, total - offset);
  const fromEnd = offset + limit / 2 > total / 2;
  const descending = fromEnd ? !request.descending : request.descending;
  // The limit is written into the SQL (see `limit` below), the offset stays a parameter.
  return {
    empty: offset >= total,
    limit,
    offset: fromEnd ? total - offset - limit : offset,
    fromEnd,
    direction: (descending ? 'desc' : 'asc') as 'asc' | 'desc',
  };
}

/** A query of one row whose `total` column is the number of records a list matches. */
export type CountQuery = SelectQueryBuilder<any, any, { total: number | bigint | null }>;

/** Counts the rows of a filtered query (the count query when no maintained count applies). */
export const countOf = (filtered: SelectQueryBuilder<any, any, object>): CountQuery =>
  filtered.select((eb: any) => eb.fn.countAll().as('total')) as CountQuery;

async function totalOf(counted: CountQuery): Promise<number> {
  return Number((await counted.executeTakeFirst())?.total ?? 0);
}

/** The rows after a boundary, in the requested order (the keyset a continued page starts from). */
function after(request: PageRequest, sortValue: unknown, id: unknown) {
  const key = sql`(${sql.ref(request.sortColumn)}, ${sql.ref(request.idColumn)})`;
  return request.descending ? sql<SqlBool>`${key} < (${sortValue}, ${id})` : sql<SqlBool>`${key} > (${sortValue}, ${id})`;
}

/**
 * The boundary page k+1 may continue from: page k's, if it was read under the change signal read now
 * (`version`), else undefined (the page is read by offset). A null sort value is never remembered (a
 * keyset on it would need other comparisons), nor a boundary read inside a transaction.
 */
function continuable(memory: PageMemory | undefined, key: string | undefined, request: PageRequest, version: string | undefined) {
  if (!memory || key === undefined || request.page < 2) return undefined;
  const boundary = memory.boundaries.get(`${key}|${request.page - 1}`);
  return boundary && boundary.version === version ? boundary : undefined;
}

function remember(
  memory: PageMemory | undefined,
  key: string | undefined,
  request: PageRequest,
  boundary: Omit<PageBoundary, 'version'>,
  version: string | undefined,
) {
  if (!memory || key === undefined || version === undefined) return;
  if (boundary.sortValue === null || boundary.sortValue === undefined || boundary.id === null || boundary.id === undefined)
    return;
  memory.boundaries.set(`${key}|${request.page}`, { ...boundary, version });
}

/** What distinguishes a query's pages from another query's: its SQL and values, sort, direction and size. */
function boundaryKey(statement: { sql: string; parameters: readonly unknown[] }, request: PageRequest): string {
  return `${statement.sql}\n${JSON.stringify(statement.parameters)}\n${request.sortColumn},${request.idColumn},${request.descending},${request.pageSize}`;
}

/**
 * Runs a filtered query as one page plus the total count of matches. Pages past the middle are read
 * from the other end in reverse order, so that the last page costs what the first one does; a page that
 * follows the previous page of the same query continues from where it ended (request.memory).
 * `countMatches`, when given, supplies the total without counting the rows (a maintained count).
 */
export async function fetchPage<DB extends Database, TB extends keyof DB, Row>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  select: (q: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  request: PageRequest,
  counted: CountQuery = countOf(filtered),
): Promise<Page<Row>> {
  // Page 1 neither continues nor is remembered: page 2 skips only its 50 entries and is the first one
  // remembered, so the hottest request pays nothing for the memory.
  const memory = request.page > 1 ? request.memory : undefined;
  const version = memory?.version();
  const key = memory ? boundaryKey(filtered.compile(), request) : undefined;
  const boundaryColumns = (q: SelectQueryBuilder<DB, TB, Row>) =>
    q.select([sql.ref(request.sortColumn).as('__s'), sql.ref(request.idColumn).as('__i')] as never) as typeof q;
  const previous = continuable(memory, key, request, version);
  let rows: Row[];
  let total: number;
  let boundaryRow: Record<string, unknown> | undefined;
  if (previous) {
    total = previous.total;
    const offset = (request.page - 1) * request.pageSize;
    if (offset >= total) return { rows: [], total };
    const direction = request.descending ? 'desc' : 'asc';
    rows = (await boundaryColumns(select(filtered))
      .where(after(request, previous.sortValue, previous.id) as never)
      .orderBy(sql.ref(request.sortColumn), direction)
      .orderBy(sql.ref(request.idColumn), direction)
      .limit(sql.lit(Math.min(request.pageSize, total - offset)))
      .execute()) as Row[];
    boundaryRow = rows[rows.length - 1] as Record<string, unknown> | undefined;
  } else {
    total = await totalOf(counted);
    const window = pageWindow(request, total);
    if (window.empty) return { rows: [], total };
    const query = (memory ? boundaryColumns(select(filtered)) : select(filtered))
      .orderBy(sql.ref(request.sortColumn), window.direction)
      .orderBy(sql.ref(request.idColumn), window.direction)
      .limit(sql.lit(window.limit))
      .offset(window.offset);
    rows = (await query.execute()) as Row[];
    if (window.fromEnd) rows.reverse();
    boundaryRow = rows[rows.length - 1] as Record<string, unknown> | undefined;
  }
  if (memory) {
    if (boundaryRow) remember(memory, key, request, { total, sortValue: boundaryRow.__s, id: boundaryRow.__i }, version);
    for (const row of rows as Record<string, unknown>[]) {
      delete row.__s;
      delete row.__i;
    }
  }
  return { rows, total };
}

export interface JsonPage {
  /** The page's records as a JSON array, in the requested order. */
  json: string;
  total: number;
}

/** What fetchJsonPage reads: a list query built from placeholders (see templates.ts) and its values. */
export interface JsonPageQuery {
  /**
   * The options the query is built from (besides the page request, which counts too): its key of
   * compiled statements is derived from them (templateKey), so that it is compiled once per structure.
   */
  structure: Record<string, unknown>;
  /** Options of `structure` that reach the SQL as placeholder values: only their presence shapes it. */
  valueFields?: readonly string[];
  build: (p: Placeholders) => {
    filtered: SelectQueryBuilder<any, any, object>;
    /** The total; by default a count of `filtered`. */
    counted?: CountQuery;
    /** The json_object expression of a record (see shape.ts). */
    object: RawBuilder<string>;
  };
  values: Record<string, unknown>;
  request: PageRequest;
}

/**
 * Like fetchPage, but SQLite builds the page as JSON text: one string crosses into JavaScript instead of
 * a row object per record, and nothing is serialized again. The first page needs no total to be read,
 * so it and its total come from one statement; a later page counts first, to know from which end to
 * read. The statements are compiled once per query structure (templates.ts).
 */
export async function fetchJsonPage(db: Kysely<any>, query: JsonPageQuery): Promise<JsonPage> {
  const { request, values } = query;
  const kysely = db as Kysely<Database>;
  // Page 1 neither continues nor is remembered (see fetchPage): its statement stays the plain one.
  const memory = request.page > 1 ? request.memory : undefined;
  const version = memory?.version();
  const counted = (p: Placeholders) => {
    const built = query.build(p);
    return built.counted ?? countOf(built.filtered);
  };
  type Window = Pick<PageWindow, 'limit' | 'fromEnd' | 'direction'> & { after?: boolean; deferred?: boolean };
  const pageJson = (p: Placeholders, window: Window) => {
    const { filtered, object } = query.build(p);
    const sort = sql.ref(request.sortColumn);
    const id = sql.ref(request.idColumn);
    const columns = [object.as('j'), sort.as('s'), id.as('i')];
    let page;
    if (window.deferred) {
      // A deferred join: the skip runs over the ids alone (on a covering index when the sort field has
      // one: account, deleted, sort key, id), then only the page's rows are read. Without it, SQLite
      // reads every skipped row of the table.
      const table = request.idColumn.slice(0, request.idColumn.indexOf('.'));
      const keys = filtered
        .select(id.as('k'))
        .orderBy(sort, window.direction)
        .orderBy(id, window.direction)
        .limit(sql.lit(window.limit))
        .offset(sql<number>`${p.offset}`);
      // CROSS JOIN keeps the page's ids the outer loop: the rows come in their order.
      page = (kysely as Kysely<any>)
        .selectFrom(keys.as('keys'))
        .crossJoin(table)
        .where(id, '=', sql.ref('keys.k'))
        .select(columns);
    } else {
      const keyed = window.after ? filtered.where(after(request, sql`${p.afterSort}`, sql`${p.afterId}`) as never) : filtered;
      page = keyed
        .select(columns)
        .orderBy(sort, window.direction)
        .orderBy(id, window.direction)
        .limit(sql.lit(window.limit))
        .offset(sql<number>`${window.after ? 0 : p.offset}`);
    }
    // SQLite hands an aggregate the rows of a FROM subquery with ORDER BY and LIMIT in that order (it
    // runs it as a co-routine); a page read from the other end, or through the deferred join, is put in
    // order by the aggregate (a sort of one page). The paging tests check the order for every sort
    // field, direction and end.
    const order = sql.raw(request.descending ? 'desc' : 'asc');
    const reorder = window.fromEnd || window.deferred ? sql` order by s ${order}, i ${order}` : sql``;
    const { jsonArrayOf, lastSortBoundary } = dialectOf(db);
    const aggregates: unknown[] = [jsonArrayOf(sql`j`, reorder).as('json')];
    // Sort value and id of the page's last record in the requested order: the boundary the next page
    // continues from.
    if (memory) aggregates.push(lastSortBoundary(sql`s`, sql`i`, reorder).as('b'));
    return kysely.selectFrom(page.as('p') as never).select(aggregates as never);
  };
  const base = templateKey(
    {
      ...query.structure,
      sortColumn: request.sortColumn,
      idColumn: request.idColumn,
      descending: request.descending,
    },
    query.valueFields,
  );
  const key = (...parts: unknown[]) => (base === undefined ? undefined : [base, ...parts, memory ? 'b' : ''].join('|'));
  // The query's pages: its structure and values (or, compiled per request, its SQL and values) and size.
  const pagesKey = !memory
    ? undefined
    : base !== undefined
      ? `${base}\n${JSON.stringify(values)}\n${request.pageSize}`
      : boundaryKey(query.build(values as Placeholders).filtered.compile(), request);
  const rememberJson = (total: number, b: string | null | undefined) => {
    if (!memory || typeof b !== 'string') return;
    const [sortValue, id] = JSON.parse(b) as [unknown, unknown];
    remember(memory, pagesKey, request, { total, sortValue, id }, version);
  };

  if (request.page === 1) {
    const first = { limit: request.pageSize, fromEnd: false, direction: request.descending ? 'desc' : 'asc' } as const;
    const [row] = await runTemplate<{ total: number | null; json: string; b?: string | null }>(
      db,
      key('first', first.limit),
      (p) =>
        kysely
          .selectFrom(pageJson(p, first).as('page') as never)
          .select([
            counted(p).as('total'),
            sql.ref('page.json').as('json'),
            ...(memory ? [sql.ref('page.b').as('b')] : []),
          ] as never) as never,
      { ...values, offset: 0 },
    );
    const total = Number(row!.total ?? 0);
    rememberJson(total, row!.b);
    return { json: row!.json, total };
  }
  const previous = continuable(memory, pagesKey, request, version);
  if (previous) {
    const total = previous.total;
    const offset = (request.page - 1) * request.pageSize;
    if (offset >= total) return { json: '[]', total };
    const window = {
      limit: Math.min(request.pageSize, total - offset),
      fromEnd: false,
      direction: request.descending ? 'desc' : 'asc',
      after: true,
    } as const;
    const [row] = await runTemplate<{ json: string; b?: string | null }>(
      db,
      key('after', window.limit),
      (p) => pageJson(p, window),
      { ...values, afterSort: previous.sortValue, afterId: previous.id },
    );
    rememberJson(total, row!.b);
    return { json: row!.json, total };
  }
  const [counts] = await runTemplate<{ total: number | bigint | null }>(db, key('count'), counted, values);
  const total = Number(counts?.total ?? 0);
  const window = pageWindow(request, total);
  if (window.empty) return { json: '[]', total };
  const deferred = { ...window, deferred: window.offset > 0 };
  const [row] = await runTemplate<{ json: string; b?: string | null }>(
    db,
    key('page', window.limit, window.fromEnd, deferred.deferred),
    (p) => pageJson(p, deferred),
    { ...values, offset: window.offset },
  );
  rememberJson(total, row!.b);
  return { json: row!.json, total };
}
