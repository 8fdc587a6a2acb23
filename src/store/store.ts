import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { ApiError } from '../errors.js';
import type { Db } from './db.js';
import type { ProjectDetailsShapes } from './dialect.js';
import type { NamedRecordsRepository, PermissionsRepository } from './repositories.js';
import type * as accessModule from './access.js';
import type * as apiTokensModule from './apiTokens.js';
import type * as auditModule from './audit.js';
import type * as invitationsModule from './invitations.js';
import type * as oneTimeTokensModule from './oneTimeTokens.js';
import type * as requestTokensModule from './requestTokens.js';
import type * as assignmentsModule from './projectSharedCloudDrives.js';
import type * as sessionsModule from './sessions.js';
import type * as membershipsModule from './userGroupMembers.js';
import type * as usersModule from './users.js';
import type * as idempotencyKeysModule from './idempotencyKeys.js';
import type * as rowLocksModule from './rowLocks.js';
import type * as settingsModule from './settings.js';

// The table families written in Kysely's dialect-neutral builder (users.ts, sessions.ts, ...): their
// interface is their functions' signatures, every one taking the database handle (or a transaction) first.
// A dialect's store may give these modules as they are (they hold no dialect's SQL) or its own.
type Functions<M> = { [K in keyof M as M[K] extends (...args: any[]) => unknown ? K : never]: M[K] };
export type UsersRepository = Functions<typeof usersModule>;
export type SessionsRepository = Functions<typeof sessionsModule>;
export type OneTimeTokensRepository = Functions<typeof oneTimeTokensModule>;
export type RequestTokensRepository = Functions<typeof requestTokensModule>;
export type ApiTokensRepository = Functions<typeof apiTokensModule>;
export type AssignmentsRepository = Functions<typeof assignmentsModule>;
export type MembershipsRepository = Functions<typeof membershipsModule>;
export type InvitationsRepository = Functions<typeof invitationsModule>;
export type AccessRepository = Functions<typeof accessModule>;
export type AuditRepository = Functions<typeof auditModule>;
export type IdempotencyKeysRepository = Functions<typeof idempotencyKeysModule>;
export type RowLocksRepository = Functions<typeof rowLocksModule>;
export type SettingsRepository = Functions<typeof settingsModule>;

/**
 * The store, as routes and domain code see it: every table family's repository, the transaction runner,
 * the change signal and the statement counter, whatever the database behind it. The SQLite store
 * (store/sqlite/store.ts) implements it; the PostgreSQL one (store/postgres/) will implement the same. Only
 * the composition root (server.ts, the CLI's `account create`, test helpers) names an implementation.
 */
export interface Store {
  /** The database handle every repository function takes first (or a transaction's, in `transaction`). */
  readonly db: Db;

  readonly projects: NamedRecordsRepository<'projects'>;
  readonly sharedCloudDrives: NamedRecordsRepository<'shared_cloud_drives'>;
  readonly userGroups: NamedRecordsRepository<'user_groups'>;
  /** The four permission tables (user or group granted a project or drive). */
  readonly permissions: PermissionsRepository;
  /** Accounts and users. */
  readonly users: UsersRepository;
  readonly sessions: SessionsRepository;
  readonly oneTimeTokens: OneTimeTokensRepository;
  /** The Web authentication handshake's one-shot request tokens. */
  readonly requestTokens: RequestTokensRepository;
  readonly apiTokens: ApiTokensRepository;
  /** Project-drive assignments (project_shared_cloud_drives). */
  readonly assignments: AssignmentsRepository;
  /** Group memberships (user_user_groups). */
  readonly userGroupMembers: MembershipsRepository;
  readonly invitations: InvitationsRepository;
  /** Who reaches what (the SQL of the access rules). */
  readonly access: AccessRepository;
  /** The audit log, the account log setting and the outbox of entries to forward. */
  readonly audit: AuditRepository;
  /** Idempotency keys of creating POSTs (claimed before the work, then the answer to replay). */
  readonly idempotencyKeys: IdempotencyKeysRepository;
  /** Write locks on single records, for the If-Match check of an update. */
  readonly rowLocks: RowLocksRepository;
  /** Values shared by every instance on the database (clickd_settings). */
  readonly settings: SettingsRepository;

  /** A project of the listing with its usersData, groupsData and drivesData, as one JSON object written in SQL. */
  projectDetailsSql(shapes: ProjectDetailsShapes, drivesWhere?: (idColumn: string) => Expression<SqlBool>): RawBuilder<string>;
  /** True when `err` is the database refusing a duplicate (a unique index). */
  isUniqueViolation(err: unknown): boolean;
  /** The 503 for an error that says the storage, not the request, is at fault; else undefined (the error handler asks). */
  storageError(err: unknown): ApiError | undefined;

  /**
   * Runs `work` in one transaction, given this store bound to it (its `db` is the transaction); inside a
   * transaction already, `work` joins it. `grouped`: the transaction may share its commit (and fsync) with
   * the other grouped writes of the same turn of the event loop (db.ts groupCommit), each in a savepoint.
   */
  transaction<T>(work: (tx: Store) => Promise<T>, options?: { grouped?: boolean }): Promise<T>;

  /**
   * The change signal: a value that changes whenever the stored data may have changed, by a write of this
   * process or a commit of another. The caches that assume one process (the response cache, the session
   * cache) keep an entry only while the signal is the one it was computed under. SQLite gives it from its
   * own write count and `data_version`; the hosted mode (PostgreSQL, several instances) replaces it with a
   * change log whose position every instance learns through LISTEN/NOTIFY.
   */
  dataVersion(): string;
  /** Statements executed since the store was opened (the scaling tests and benchmarks count them). */
  queryCount(): number;
  /** Statements that wrote, since the store was opened (a request that wrote announces it: `changes`). */
  writeCount(): number;
  /**
   * When several instances may share the database (PostgreSQL): `sync` before a request is answered (the
   * change signal then includes every write whose answer any instance has sent), `announce` after a request
   * wrote and before its answer leaves, and the /notification frames exchanged between instances.
   * Undefined on SQLite, where one process serves the database.
   */
  readonly changes?: {
    sync(): Promise<void>;
    announce(): Promise<void>;
    publish(accountId: string, frame: object): void;
    onFrame(handler: (accountId: string, frame: object) => void): void;
  };
  close(): Promise<void>;
}
