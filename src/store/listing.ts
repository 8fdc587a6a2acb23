import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Bool, Database } from './types.js';
import { dialectOf } from './dialect.js';
import { runTemplate, templateKey, type Placeholders } from './templates.js';
import { MAX_SIGNPOSTS, SIGNPOST_STEP, type PageBoundary, type PageMemory, type QuerySignposts } from './pageMemory.js';

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
  /**
   * The database the list is read from (fetchPage): needed only to find signposts (a statement of its
   * own beside the filtered query). Without it, a deep page is read by offset.
   */
  db?: Kysely<any>;
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
 * The rows after a boundary in `direction` (by default the requested order): the keyset a continued
 * page, or a jump from a signpost, starts from.
 */
function after(request: PageRequest, sortValue: unknown, id: unknown, direction = request.descending ? 'desc' : 'asc') {
  const key = sql`(${sql.ref(request.sortColumn)}, ${sql.ref(request.idColumn)})`;
  return direction === 'desc' ? sql<SqlBool>`${key} < (${sortValue}, ${id})` : sql<SqlBool>`${key} > (${sortValue}, ${id})`;
}

/** Where a deep page is read from: after the signpost `from` (in the window's direction), `skip` entries on. */
interface SignpostJump {
  from: [unknown, unknown];
  skip: number;
}

/** A query's signposts read under the change signal read now (`version`), else undefined. */
function knownSignposts(memory: PageMemory | undefined, key: string | undefined, version: string | undefined) {
  if (!memory?.signposts || key === undefined || version === undefined) return undefined;
  const known = memory.signposts.get(key);
  return known && known.version === version ? known : undefined;
}

/**
 * Finds signposts for the query `key` (`find` reads `count` more of them in `direction`, after the
 * signpost `from` or from the start: one statement). A page whose window skips fewer than one step
 * needs none. The first deep jump in a direction under a change signal only notes the direction (it is
 * read as before, by a skip on the index: under constant writes, signposts would be found again for
 * every request); from the second one on, the signposts up to the page are found once and then serve
 * every jump until the next write. Undefined: read the page by offset.
 */
async function signpostJump(
  memory: PageMemory | undefined,
  key: string | undefined,
  version: string | undefined,
  known: QuerySignposts | undefined,
  total: number,
  window: Pick<PageWindow, 'offset' | 'direction'>,
  find: (from: [unknown, unknown] | undefined, count: number) => Promise<{ i: unknown; s: unknown }[]>,
): Promise<SignpostJump | undefined> {
  if (!memory?.signposts || key === undefined || version === undefined) return undefined;
  const wanted = Math.floor(window.offset / SIGNPOST_STEP);
  const entry: QuerySignposts = known ?? { version, total, lists: {} };
  if (wanted === 0 || wanted > MAX_SIGNPOSTS) {
    // Remembers the total: the next page of any size skips the count.
    if (!known) memory.signposts.set(key, entry);
    return undefined;
  }
  const list = entry.lists[window.direction];
  if (!list) {
    entry.lists[window.direction] = { posts: [], ended: false };
    memory.signposts.set(key, entry);
    return undefined;
  }
  if (list.posts.length < wanted && !list.ended) {
    const count = wanted - list.posts.length;
    const found = await find(list.posts[list.posts.length - 1], count);
    for (const { s, i } of found) {
      // A keyset cannot start from a null sort value (its comparisons are null): the posts end before it.
      if (s === null || s === undefined || i === null || i === undefined) {
        list.ended = true;
        break;
      }
      list.posts.push([s, i]);
    }
    if (found.length < count) list.ended = true;
    memory.signposts.set(key, entry);
  }
  const from = list.posts[wanted - 1];
  return from ? { from, skip: window.offset - wanted * SIGNPOST_STEP } : undefined;
}

/**
 * The statement that finds `steps` signposts of a filtered query in `direction`, after the signpost
 * whose id is `fromId` or, without it, from the start (then the first post is the entry at STEP-1).
 * One recursive query: each step skips STEP-1 entries of the index after the previous post (its sort
 * value and id are the keyset) and takes the id it lands on; the following step reads that record's
 * sort value by its id (a subquery in a recursive step can give one column only, so the steps
 * alternate: even rows are complete posts). Neutral SQL (WITH RECURSIVE, row values, CASE), which
 * PostgreSQL runs as well. Rows: i (id), s (sort value), in order.
 */
function signpostsQuery(
  filtered: SelectQueryBuilder<any, any, object>,
  request: PageRequest,
  direction: 'asc' | 'desc',
  fromId: unknown,
  steps: unknown,
): RawBuilder<{ i: unknown; s: unknown }> {
  const sort = sql.ref(request.sortColumn);
  const id = sql.ref(request.idColumn);
  const ordered = <Q extends SelectQueryBuilder<any, any, any>>(q: Q) => q.orderBy(sort, direction).orderBy(id, direction) as Q;
  const anchor =
    fromId === undefined
      ? ordered(filtered.select([id.as('k'), sort.as('v')] as never))
          .limit(sql.lit(1))
          .offset(sql.lit(SIGNPOST_STEP - 1))
      : filtered.select([id.as('k'), sort.as('v')] as never).where(id, '=', fromId);
  const skip = ordered(
    filtered.select(id.as('k') as never).where(after(request, sql.ref('sp.s'), sql.ref('sp.i'), direction) as never),
  )
    .limit(sql.lit(1))
    .offset(sql.lit(SIGNPOST_STEP - 1));
  const sortOf = filtered.select(sort.as('v') as never).where(id, '=', sql.ref('sp.i'));
  return sql<{ i: unknown; s: unknown }>`with recursive sp(n, i, s) as (
select 0, a.k, a.v from ${anchor} as a
union all
select sp.n + 1,
  case when sp.n % 2 = 0 then ${skip} else sp.i end,
  case when sp.n % 2 = 1 then ${sortOf} else sp.s end
from sp where sp.n < ${steps} and sp.i is not null
)
select sp.i as i, sp.s as s from sp where sp.n % 2 = 0 and sp.n ${sql.raw(fromId === undefined ? '>=' : '>')} 0 and sp.i is not null order by sp.n`;
}

/** The recursion steps that find `count` posts (two per post; from the start, the first is the anchor). */
const signpostSteps = (from: unknown, count: number) => (from === undefined ? 2 * (count - 1) : 2 * count);

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

/**
 * What distinguishes a query's signposts (and total) from another query's: its SQL and values, sort and
 * direction. Its pages' boundaries are keyed by this and the page size.
 */
function signpostsKey(statement: { sql: string; parameters: readonly unknown[] }, request: PageRequest): string {
  return `${statement.sql}\n${JSON.stringify(statement.parameters)}\n${request.sortColumn},${request.idColumn},${request.descending}`;
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
  const postsKey = memory ? signpostsKey(filtered.compile(), request) : undefined;
  const key = postsKey === undefined ? undefined : `${postsKey},${request.pageSize}`;
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
    // Signposts found under the current change signal also know the total: no count to run.
    const known = knownSignposts(memory, postsKey, version);
    total = known ? known.total : await totalOf(counted);
    const window = pageWindow(request, total);
    if (window.empty) return { rows: [], total };
    const db = request.db;
    const jump = db
      ? await signpostJump(memory, postsKey, version, known, total, window, async (from, count) => {
          const found = await signpostsQuery(filtered, request, window.direction, from?.[1], signpostSteps(from, count)).execute(
            db,
          );
          return found.rows;
        })
      : undefined;
    let query = memory ? boundaryColumns(select(filtered)) : select(filtered);
    if (jump) query = query.where(after(request, jump.from[0], jump.from[1], window.direction) as never);
    query = query
      .orderBy(sql.ref(request.sortColumn), window.direction)
      .orderBy(sql.ref(request.idColumn), window.direction)
      .limit(sql.lit(window.limit))
      .offset(jump ? jump.skip : window.offset);
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
      const keyed = window.after
        ? filtered.where(after(request, sql`${p.afterSort}`, sql`${p.afterId}`, window.direction) as never)
        : filtered;
      page = keyed
        .select(columns)
        .orderBy(sort, window.direction)
        .orderBy(id, window.direction)
        .limit(sql.lit(window.limit))
        .offset(sql<number>`${p.offset}`);
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
  // Concatenated, not joined from an array: this runs for every list request.
  const suffix = memory ? '|b' : '|';
  const key = (kind: string, ...parts: unknown[]) => {
    if (base === undefined) return undefined;
    let text = `${base}|${kind}`;
    for (const part of parts) text += `|${String(part)}`;
    return text + suffix;
  };
  // The query's pages: its structure and values (or, compiled per request, its SQL and values) and size.
  // Its signposts and total: the same without the size.
  const postsKey = !memory
    ? undefined
    : base !== undefined
      ? `${base}\n${JSON.stringify(values)}`
      : signpostsKey(query.build(values as Placeholders).filtered.compile(), request);
  const pagesKey = postsKey === undefined ? undefined : `${postsKey},${request.pageSize}`;
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
      key('after', window.limit, false),
      (p) => pageJson(p, window),
      { ...values, afterSort: previous.sortValue, afterId: previous.id, offset: 0 },
    );
    rememberJson(total, row!.b);
    return { json: row!.json, total };
  }
  // Signposts found under the current change signal also know the total: no count to run.
  const known = knownSignposts(memory, postsKey, version);
  let total: number;
  if (known) total = known.total;
  else {
    const [counts] = await runTemplate<{ total: number | bigint | null }>(db, key('count'), counted, values);
    total = Number(counts?.total ?? 0);
  }
  const window = pageWindow(request, total);
  if (window.empty) return { json: '[]', total };
  const jump = await signpostJump(memory, postsKey, version, known, total, window, (from, count) =>
    runTemplate<{ i: unknown; s: unknown }>(
      db,
      key('signposts', window.direction, from ? 'from' : 'start'),
      (p) =>
        signpostsQuery(query.build(p).filtered, request, window.direction, from ? sql`${p.fromId}` : undefined, sql`${p.steps}`),
      { ...values, ...(from ? { fromId: from[1] } : {}), steps: signpostSteps(from, count) },
    ),
  );
  if (jump) {
    // A deep page: after its nearest signpost, skipping fewer than one step of entries.
    const jumpWindow = { limit: window.limit, fromEnd: window.fromEnd, direction: window.direction, after: true } as const;
    const [row] = await runTemplate<{ json: string; b?: string | null }>(
      db,
      key('after', window.limit, window.fromEnd),
      (p) => pageJson(p, jumpWindow),
      { ...values, afterSort: jump.from[0], afterId: jump.from[1], offset: jump.skip },
    );
    rememberJson(total, row!.b);
    return { json: row!.json, total };
  }
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
