import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { Duplicate } from '../errors.js';
import { groupCommit, type Db } from './db.js';
import {
  containsPattern,
  countOf,
  type CountQuery,
  DELETED,
  deletedFlag,
  fetchJsonPage,
  fetchPage,
  type JsonPage,
  likeEscape,
  LIVE,
  nameKey,
  newId,
  now,
  type Page,
  type PageRequest,
} from './listing.js';
import { pageMemoryOf } from './pageMemory.js';
import type { Shape } from './shape.js';
import { dialectOf } from './dialect.js';
import type { ListQuery, NamedRecordsRepository, NamedRow, NamedTable } from './repositories.js';

export type { ListQuery, NamedTable } from './repositories.js';
type Row<T extends NamedTable> = NamedRow<T>;

/**
 * The repository shared by projects, user groups and shared cloud drives: the same columns for name,
 * soft delete and dates, the same listing rules. Each record family adds its own columns through `values`.
 */
export function namedRecords<T extends NamedTable>(table: T, label: string): NamedRecordsRepository<T> {
  // Kysely cannot follow a table name chosen by a type parameter; the casts stay inside this module.
  const q = (db: Db) => db as any;
  const duplicate = () => new Duplicate(`A ${label} with the same name already exists.`);

  const maintainedCount = (db: Db, accountId: string, deleted: boolean): CountQuery =>
    db
      .selectFrom('record_counts')
      .select(sql<number>`${sql.ref(deleted ? 'deleted' : 'live')}`.as('total'))
      .where('account_id', '=', accountId)
      .where('table_name', '=', table);

  /**
   * The account's records that a list query matches, how to count them, and how to page them. The
   * account id and the name pattern come from `p`: real values, or placeholders (templates.ts).
   */
  const listing = (db: Db, query: ListQuery, p: { accountId: string; pattern?: string }) => {
    let filtered = q(db)
      .selectFrom(table)
      .where(`${table}.account_id`, '=', p.accountId)
      .where(`${table}.deleted`, '=', deletedFlag(query.deleted));
    if (query.name) {
      filtered = filtered.where(sql<SqlBool>`${sql.ref(`${table}.name_key`)} like ${p.pattern} escape ${likeEscape}`);
    }
    if (query.where) filtered = filtered.where(query.where);
    // Unfiltered, the total is the maintained count (record_counts), not a count of up to 1M rows.
    const counted: CountQuery =
      query.name || query.where ? countOf(filtered) : maintainedCount(db, p.accountId, query.deleted ?? false);
    return { filtered, counted, request: pageRequest(db, query) };
  };
  const pageRequest = (db: Db, query: ListQuery): PageRequest => ({
    page: query.page,
    pageSize: query.pageSize,
    sortColumn: `${table}.${query.sortColumn}`,
    idColumn: `${table}.id`,
    descending: query.descending,
    memory: pageMemoryOf(db),
    db,
  });
  const valuesOf = (accountId: string, query: ListQuery) => ({
    accountId,
    ...(query.name ? { pattern: containsPattern(query.name) } : {}),
  });
  // The json_object expression of each shape, built once, and a number naming the shape in query keys.
  const objects = new WeakMap<object, { sql: RawBuilder<string>; id: number }>();
  let shapesSeen = 0;

  const records: NamedRecordsRepository<T> = {
    async list(db: Db, accountId: string, query: ListQuery): Promise<Page<Row<T>>> {
      const { filtered, counted, request } = listing(db, query, valuesOf(accountId, query));
      return fetchPage(filtered, (s: any) => s.selectAll(table), request, counted) as Promise<Page<Row<T>>>;
    },

    /** The same page as `list`, built by SQLite as the JSON array of `shape`'s objects. */
    async listJson(db: Db, accountId: string, query: ListQuery, shape: Shape<Row<T>>): Promise<JsonPage> {
      let object = objects.get(shape);
      if (!object) objects.set(shape, (object = { sql: dialectOf(db).jsonObjectSql(shape, table), id: shapesSeen++ }));
      return records.listJsonOf(db, accountId, query, object);
    },

    /**
     * The same page with each record written by `object.sql`, a JSON expression over the row of `table`
     * (a details view adds its nested lists); `object.id` names that expression in query keys.
     */
    async listJsonOf(
      db: Db,
      accountId: string,
      query: ListQuery,
      object: { sql: RawBuilder<string>; id: number | string },
    ): Promise<JsonPage> {
      return fetchJsonPage(db, {
        // Every option shapes the key but the paging values; a restriction (a member's reachable records)
        // holds values of its own, so it is compiled per request.
        structure: { table, object: object.id, ...query, page: undefined, pageSize: undefined },
        valueFields: ['name'],
        build: (p) => {
          const { filtered, counted } = listing(db, query, p as { accountId: string; pattern?: string });
          return { filtered, counted, object: object.sql };
        },
        values: valuesOf(accountId, query),
        request: pageRequest(db, query),
      });
    },

    /** How many live (or deleted) records the account has, from record_counts (kept by triggers, 002). */
    async count(db: Db, accountId: string, options: { deleted?: boolean } = {}): Promise<number> {
      const row = await maintainedCount(db, accountId, options.deleted ?? false).executeTakeFirst();
      return Number(row?.total ?? 0);
    },

    /** A live record of the account, or undefined (another account's id looks exactly like an unknown one). */
    async find(db: Db, accountId: string, id: string, options: { deleted?: boolean } = {}): Promise<Row<T> | undefined> {
      return q(db)
        .selectFrom(table)
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('deleted', '=', deletedFlag(options.deleted))
        .executeTakeFirst();
    },

    /** Live records of the account among `ids`. */
    async findMany(db: Db, accountId: string, ids: readonly string[]): Promise<Row<T>[]> {
      if (ids.length === 0) return [];
      // By primary key: without statistics SQLite would rather walk the account's whole list index.
      return q(db)
        .selectFrom(table)
        .selectAll()
        .where(dialectOf(db).notIndexed('account_id'), '=', accountId)
        .where('id', 'in', dialectOf(db).listValues(ids))
        .where(dialectOf(db).notIndexed('deleted'), '=', LIVE)
        .execute();
    },

    /** The ids among `ids` of live records of the account (an existence check that reads no columns). */
    async existingIds(db: Db, accountId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows: { id: string }[] = await q(db)
        .selectFrom(table)
        .select('id')
        .where(dialectOf(db).notIndexed('account_id'), '=', accountId)
        .where('id', 'in', dialectOf(db).listValues(ids))
        .where(dialectOf(db).notIndexed('deleted'), '=', LIVE)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    async insert(db: Db, accountId: string, values: Record<string, unknown> & { name: string }): Promise<Row<T>> {
      const at = now();
      const row = {
        ...values,
        id: newId(),
        account_id: accountId,
        name: values.name,
        name_key: nameKey(values.name),
        deleted: 0,
        create_date: at,
        update_date: at,
      };
      const write = async (trx: Db) => {
        try {
          await q(trx).insertInto(table).values(row).execute();
        } catch (err) {
          if (dialectOf(db).isUniqueViolation(err)) throw duplicate();
          throw err;
        }
      };
      // Outside a transaction, concurrent inserts share one commit (and one fsync); each still answers
      // only once its batch is durable.
      await (db.isTransaction ? write(db) : groupCommit(db, write, { singleStatement: true }));
      return row as unknown as Row<T>;
    },

    /** Applies the given changes to a live record; returns the record after, or undefined if there is none. */
    async update(db: Db, accountId: string, id: string, changes: Record<string, unknown>): Promise<Row<T> | undefined> {
      const set: Record<string, unknown> = { ...changes, update_date: now() };
      if (typeof changes.name === 'string') set.name_key = nameKey(changes.name);
      try {
        const result = await q(db)
          .updateTable(table)
          .set(set)
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .where('deleted', '=', LIVE)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return undefined;
      } catch (err) {
        if (dialectOf(db).isUniqueViolation(err)) throw duplicate();
        throw err;
      }
      return this.find(db, accountId, id);
    },

    /** Marks a live record deleted; false if there was none. */
    async softDelete(db: Db, accountId: string, id: string): Promise<boolean> {
      const result = await q(db)
        .updateTable(table)
        .set({ deleted: 1, update_date: now() })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('deleted', '=', LIVE)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Brings a deleted record back; false if there was none; Duplicate if its name was taken meanwhile. */
    async restore(db: Db, accountId: string, id: string): Promise<boolean> {
      try {
        const result = await q(db)
          .updateTable(table)
          .set({ deleted: 0, update_date: now() })
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .where('deleted', '=', DELETED)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      } catch (err) {
        if (dialectOf(db).isUniqueViolation(err)) throw duplicate();
        throw err;
      }
    },
  };
  return records;
}
