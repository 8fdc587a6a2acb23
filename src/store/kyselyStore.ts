import { groupCommit, type Db } from './db.js';
import { registerDialect, type SqlDialect } from './dialect.js';
import { namedRecords } from './records.js';
import * as permissions from './permissions.js';
import * as users from './users.js';
import * as sessions from './sessions.js';
import * as oneTimeTokens from './oneTimeTokens.js';
import * as requestTokens from './requestTokens.js';
import * as apiTokens from './apiTokens.js';
import * as assignments from './projectSharedCloudDrives.js';
import * as userGroupMembers from './userGroupMembers.js';
import * as invitations from './invitations.js';
import * as access from './access.js';
import * as audit from './audit.js';
import * as idempotencyKeys from './idempotencyKeys.js';
import * as rowLocks from './rowLocks.js';
import * as settings from './settings.js';
import type { Store } from './store.js';

// The repositories, written once in Kysely's neutral builder; what differs by database comes from the
// dialect registered for the handle (dialect.ts). Stateless: one set serves every store.
const repositories = {
  projects: namedRecords('projects', 'project'),
  sharedCloudDrives: namedRecords('shared_cloud_drives', 'shared cloud drive'),
  userGroups: namedRecords('user_groups', 'user group'),
  permissions,
  users,
  sessions,
  oneTimeTokens,
  requestTokens,
  apiTokens,
  assignments,
  userGroupMembers,
  invitations,
  access,
  audit,
  idempotencyKeys,
  rowLocks,
  settings,
};

/** What a dialect's opener knows of its database: the handle and its signals. */
export interface OpenedDatabase {
  db: Db;
  dataVersion(): string;
  queryCount(): number;
  /** Statements that wrote, since the store was opened. */
  writeCount(): number;
  /** The feed of other instances' changes and frames, when several may share the database (PostgreSQL). */
  changes?: Store['changes'];
  /** Runs a whole transaction again when the database asks for it (a deadlock victim, a serialization failure). */
  retry?: <T>(work: () => Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

/** The Store over an opened database of the given dialect (called by store/sqlite/open.ts, later by postgres/). */
export function kyselyStore(opened: OpenedDatabase, dialect: SqlDialect): Store {
  registerDialect(opened.db, dialect);
  const retry = opened.retry ?? (<T>(work: () => Promise<T>) => work());
  const bound = (db: Db): Store => {
    const store: Store = {
      ...repositories,
      db,
      projectDetailsSql: dialect.projectDetailsObjectSql,
      isUniqueViolation: dialect.isUniqueViolation,
      storageError: dialect.storageError,
      transaction: (work, options) => {
        if (db.isTransaction) return work(store);
        // A grouped write is run again as well when the database gives it up (a deadlock victim), alone or
        // with its whole batch: it joins the next batch.
        if (options?.grouped) return retry(() => groupCommit(db, (trx) => work(bound(trx))));
        return retry(() => db.transaction().execute((trx) => work(bound(trx))));
      },
      dataVersion: opened.dataVersion,
      queryCount: opened.queryCount,
      writeCount: opened.writeCount,
      changes: opened.changes,
      close: opened.close,
    };
    return store;
  };
  return bound(opened.db);
}
