import type { DialectAdapter, Expression, Kysely, RawBuilder, SqlBool } from 'kysely';
import type { ApiError } from '../errors.js';
import type { Shape } from './shape.js';

/**
 * What the store's SQL needs from a database beyond Kysely's neutral query builder: JSON written as text,
 * list parameters, planner hints, the skipping insert of assignments, the unique-violation test. Each
 * dialect gives its own in its folder (store/sqlite/dialect.ts; the PostgreSQL twin will sit in
 * store/postgres/), so that no dialect's SQL stands in the shared repositories.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** The values of a list as a subquery for `in`, as one parameter whatever the length. */
  listValues(values: readonly string[]): RawBuilder<string>;
  /** A column that the planner must not pick an index for (lookups by primary key that also check the account). */
  notIndexed(column: string): RawBuilder<unknown>;
  /** True for a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  /** The 503 for an error that says the storage, not the request, is at fault (disk full, read-only, I/O); else undefined. */
  storageError(err: unknown): ApiError | undefined;
  /** The JSON array of the text values `item` over the rows of the enclosing select, in `order`: `[]` for none. */
  jsonArrayOf(item: RawBuilder<unknown>, order?: RawBuilder<unknown>): RawBuilder<string>;
  /** The JSON array `[sort value, id]` of the last row of the enclosing select in `order`: where its page ended. */
  lastSortBoundary(sortValue: RawBuilder<unknown>, id: RawBuilder<unknown>, order: RawBuilder<unknown>): RawBuilder<string>;
  /** A row of `table` as the shape's JSON object; `extra` adds fields whose values are SQL of JSON text. */
  jsonObjectSql<R>(shape: Shape<R>, table: string, extra?: Record<string, RawBuilder<string>>): RawBuilder<string>;
  /** Inserts assignments given as a JSON array of [id, projectId, sharedCloudDriveId], skipping existing pairs. */
  insertAssignmentRows(db: Kysely<any>, accountId: string, rowsJson: string, at: string): Promise<void>;
  /** A project of the listing (`projects` in the enclosing query) with its details, as one JSON object. */
  projectDetailsObjectSql(
    shapes: ProjectDetailsShapes,
    drivesWhere?: (idColumn: string) => Expression<SqlBool>,
  ): RawBuilder<string>;
}

/** The shapes the details of a project are made of, as the API presents them. */
export interface ProjectDetailsShapes {
  project: Shape<any>;
  user: Shape<any>;
  userGroup: Shape<any>;
  userPermission: Shape<any>;
  userGroupPermission: Shape<any>;
  drive: Shape<any>;
  assignment: Shape<any>;
}

// Per database handle (a transaction shares its database's adapter): the dialect it was opened with.
const dialects = new WeakMap<DialectAdapter, SqlDialect>();

/** Records the dialect of a database handle (done once, by the dialect's opener). */
export function registerDialect(db: Kysely<any>, dialect: SqlDialect): void {
  dialects.set(db.getExecutor().adapter, dialect);
}

/** The dialect of a database handle or of one of its transactions. */
export function dialectOf(db: Kysely<any>): SqlDialect {
  const dialect = dialects.get(db.getExecutor().adapter);
  if (!dialect) throw new Error('This database handle was not opened by a store (no SQL dialect registered).');
  return dialect;
}
