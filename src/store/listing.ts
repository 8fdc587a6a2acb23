import { randomUUID } from 'node:crypto';
import { sql, SqliteAdapter, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from './types.js';

export const newId = (): string => randomUUID();
export const now = (): string => new Date().toISOString();
/** The case-folded form of a name: its uniqueness key, sort key and filter target. */
export const nameKey = (name: string): string => name.trim().toLowerCase();

/** A LIKE pattern matching `text` anywhere, case-insensitively (the column holds folded text). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
export const likeEscape = sql.raw(`'\\'`);

/**
 * A column that SQLite's planner must not pick an index for (`+column`), for lookups by primary key
 * that also check the account: otherwise, lacking statistics, it walks the account's whole list index.
 * PostgreSQL plans from real statistics and gets the plain column.
 */
export function notIndexed(db: Kysely<any>, column: string): RawBuilder<unknown> {
  return db.getExecutor().adapter instanceof SqliteAdapter ? sql`+${sql.ref(column)}` : sql`${sql.ref(column)}`;
}

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
 * Runs a filtered query as one page plus the total count of matches. Pages past the middle are read
 * from the other end in reverse order, so that the last page costs what the first one does.
 * `countMatches`, when given, supplies the total without counting the rows (a maintained count).
 */
export async function fetchPage<DB extends Database, TB extends keyof DB, Row>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  select: (q: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  request: PageRequest,
  countMatches?: () => Promise<number>,
): Promise<Page<Row>> {
  const total = countMatches
    ? await countMatches()
    : Number(
        (
          (await filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst()) as
            { total?: number } | undefined
        )?.total ?? 0,
      );
  const offset = (request.page - 1) * request.pageSize;
  if (offset >= total) return { rows: [], total };

  const limit = Math.min(request.pageSize, total - offset);
  const fromEnd = offset + limit / 2 > total / 2;
  const descending = fromEnd ? !request.descending : request.descending;
  const direction = descending ? 'desc' : 'asc';
  const query = select(filtered)
    .orderBy(sql.ref(request.sortColumn), direction)
    .orderBy(sql.ref(request.idColumn), direction)
    .limit(limit)
    .offset(fromEnd ? total - offset - limit : offset);
  const rows = (await query.execute()) as Row[];
  return { rows: fromEnd ? rows.reverse() : rows, total };
}
