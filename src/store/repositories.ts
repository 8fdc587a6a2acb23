import type { Expression, ExpressionBuilder, RawBuilder, SqlBool } from 'kysely';
import type { Db } from './db.js';
import type { JsonPage, Page } from './listing.js';
import type { Grant, GrantKind, GrantKindInfo, GrantListQuery, NewGrant, PermissionRows, RecordTable } from './permissions.js';
import type { Shape } from './shape.js';
import type { Database } from './types.js';

// The interfaces of the store's main table families (the Store in store.ts holds one of each): the
// repositories written in Kysely's neutral builder implement them (records.ts, permissions.ts), with what
// differs by database taken from the handle's dialect (dialect.ts).

/** The tables whose records have a unique name per account and a soft delete. */
export type NamedTable = 'projects' | 'user_groups' | 'shared_cloud_drives';
export type NamedRow<T extends NamedTable> = Database[T] & { id: string };

export interface ListQuery {
  page: number;
  pageSize: number;
  /** Column of this table to sort by (unqualified). */
  sortColumn: string;
  descending: boolean;
  /** Case-insensitive substring filter on the name. */
  name?: string;
  /** List the soft-deleted records instead of the live ones. */
  deleted?: boolean;
  /** Further restriction, e.g. to the records a non-admin can reach. */
  where?: (eb: ExpressionBuilder<Database, NamedTable>) => Expression<SqlBool>;
}

/** Projects, user groups and shared cloud drives: the same columns for name, soft delete and dates. */
export interface NamedRecordsRepository<T extends NamedTable> {
  list(db: Db, accountId: string, query: ListQuery): Promise<Page<NamedRow<T>>>;
  /** The same page as `list`, written by the database as the JSON array of `shape`'s objects. */
  listJson(db: Db, accountId: string, query: ListQuery, shape: Shape<NamedRow<T>>): Promise<JsonPage>;
  /** The same page, each record written by `object.sql` (a details view adds its nested lists). */
  listJsonOf(
    db: Db,
    accountId: string,
    query: ListQuery,
    object: { sql: RawBuilder<string>; id: number | string },
  ): Promise<JsonPage>;
  count(db: Db, accountId: string, options?: { deleted?: boolean }): Promise<number>;
  find(db: Db, accountId: string, id: string, options?: { deleted?: boolean }): Promise<NamedRow<T> | undefined>;
  findMany(db: Db, accountId: string, ids: readonly string[]): Promise<NamedRow<T>[]>;
  existingIds(db: Db, accountId: string, ids: readonly string[]): Promise<Set<string>>;
  insert(db: Db, accountId: string, values: Record<string, unknown> & { name: string }): Promise<NamedRow<T>>;
  update(db: Db, accountId: string, id: string, changes: Record<string, unknown>): Promise<NamedRow<T> | undefined>;
  softDelete(db: Db, accountId: string, id: string): Promise<boolean>;
  restore(db: Db, accountId: string, id: string): Promise<boolean>;
}

/** The four permission tables (a user or group granted a project or drive). */
export interface PermissionsRepository {
  grantKinds: Record<GrantKind, GrantKindInfo>;
  insertGrants(db: Db, accountId: string, kind: GrantKind, grants: readonly NewGrant[]): Promise<void>;
  findGrants(db: Db, accountId: string, kind: GrantKind, ids: readonly string[]): Promise<Grant[]>;
  setPermissionTypes(
    db: Db,
    accountId: string,
    kind: GrantKind,
    changes: readonly { id: string; permissionType: number }[],
  ): Promise<void>;
  deleteGrant(db: Db, accountId: string, kind: GrantKind, id: string): Promise<boolean>;
  listGrants(
    db: Db,
    accountId: string,
    kind: GrantKind,
    of: { side: 'subject' | 'target'; id: string },
    query: GrantListQuery,
  ): Promise<Page<Grant>>;
  grantsOnTargets(db: Db, accountId: string, kind: GrantKind, targetIds: readonly string[]): Promise<Grant[]>;
  liveRecords<T extends RecordTable>(
    db: Db,
    accountId: string,
    table: T,
    ids: readonly string[],
  ): Promise<(Database[T] & { id: string })[]>;
  grantsOfSubjects<K extends GrantKind>(
    db: Db,
    accountId: string,
    kind: K,
    subjectIds: readonly string[],
  ): Promise<PermissionRows[K][]>;
  deletePermissionsOn(db: Db, accountId: string, target: 'projects' | 'shared_cloud_drives', targetId: string): Promise<void>;
  deletePermissionsOf(db: Db, accountId: string, subject: 'users' | 'user_groups', subjectId: string): Promise<void>;
}
