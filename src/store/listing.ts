import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Bool, Database } from './types.js';
import { dialectOf } from './dialect.js';
import { runTemplate, templateKey, type Placeholders } from './templates.js';

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

/**
 * Runs a filtered query as one page plus the total count of matches. Pages past the middle are read
 * from the other end in reverse order, so that the last page costs what the first one does.
 * `countMatches`, when given, supplies the total without counting the rows (a maintained count).
 */
export async function fetchPage<DB extends Database, TB extends keyof DB, Row>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  select: (q: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  request: PageRequest,
  counted: CountQuery = countOf(filtered),
): Promise<Page<Row>> {
  const total = await totalOf(counted);
  const window = pageWindow(request, total);
  if (window.empty) return { rows: [], total };
  const query = select(filtered)
    .orderBy(sql.ref(request.sortColumn), window.direction)
    .orderBy(sql.ref(request.idColumn), window.direction)
    .limit(sql.lit(window.limit))
    .offset(window.offset);
  const rows = (await query.execute()) as Row[];
  return { rows: window.fromEnd ? rows.reverse() : rows, total };
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
  const counted = (p: Placeholders) => {
    const built = query.build(p);
    return built.counted ?? countOf(built.filtered);
  };
  const pageJson = (p: Placeholders, window: Pick<PageWindow, 'limit' | 'fromEnd' | 'direction'>) => {
    const { filtered, object } = query.build(p);
    const page = filtered
      .select([object.as('j'), sql.ref(request.sortColumn).as('s'), sql.ref(request.idColumn).as('i')])
      .orderBy(sql.ref(request.sortColumn), window.direction)
      .orderBy(sql.ref(request.idColumn), window.direction)
      .limit(sql.lit(window.limit))
      .offset(sql<number>`${p.offset}`);
    // SQLite hands an aggregate the rows of a FROM subquery with ORDER BY and LIMIT in that order (it
    // runs it as a co-routine); only a page read from the other end needs putting back in order, which
    // costs a sort. The paging tests check the order for every sort field, direction and end.
    const order = sql.raw(request.descending ? 'desc' : 'asc');
    const reorder = window.fromEnd ? sql` order by s ${order}, i ${order}` : sql``;
    const { jsonArrayOf } = dialectOf(db);
    return kysely.selectFrom(page.as('p') as never).select(jsonArrayOf(sql`j`, reorder).as('json'));
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
  const key = (...parts: unknown[]) => (base === undefined ? undefined : [base, ...parts].join('|'));

  if (request.page === 1) {
    const first = { limit: request.pageSize, fromEnd: false, direction: request.descending ? 'desc' : 'asc' } as const;
    const [row] = await runTemplate<{ total: number | null; json: string }>(
      db,
      key('first', first.limit),
      (p) => kysely.selectNoFrom([counted(p).as('total'), pageJson(p, first).as('json')] as never) as never,
      { ...values, offset: 0 },
    );
    return { json: row!.json, total: Number(row!.total ?? 0) };
  }
  const [counts] = await runTemplate<{ total: number | bigint | null }>(db, key('count'), counted, values);
  const total = Number(counts?.total ?? 0);
  const window = pageWindow(request, total);
  if (window.empty) return { json: '[]', total };
  const [row] = await runTemplate<{ json: string }>(db, key('page', window.limit, window.fromEnd), (p) => pageJson(p, window), {
    ...values,
    offset: window.offset,
  });
  return { json: row!.json, total };
}
