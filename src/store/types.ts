import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Database tables. Every table carries account_id and every query filters on it (DECISIONS.md section 7).
 * Booleans are stored as 0/1 integers, dates as ISO-8601 UTC strings, ids as uuid strings.
 * `name_key` columns hold the case-folded name: the unique key among non-deleted rows, the sort key and
 * the target of the case-insensitive name filter.
 */
export interface Database {
  accounts: AccountTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  one_time_tokens: OneTimeTokenTable;
  projects: ProjectTable;
  shared_cloud_drives: SharedCloudDriveTable;
  project_shared_cloud_drives: ProjectSharedCloudDriveTable;
  user_groups: UserGroupTable;
  user_user_groups: UserUserGroupTable;
  user_project_permissions: UserProjectPermissionTable;
  user_shared_cloud_drive_permissions: UserSharedCloudDrivePermissionTable;
  user_group_project_permissions: UserGroupProjectPermissionTable;
  user_group_shared_cloud_drive_permissions: UserGroupSharedCloudDrivePermissionTable;
  record_counts: RecordCountTable;
  audit_log: AuditLogTable;
  account_log_settings: AccountLogSettingTable;
  audit_outbox: AuditOutboxTable;
  request_tokens: RequestTokenTable;
  idempotency_keys: IdempotencyKeyTable;
  clickd_settings: SettingTable;
  clickd_rate_limits: RateLimitTable;
}

export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

export type Bool = 0 | 1;

export interface AccountTable {
  id: string;
  name: string;
  subscription_type: number;
  create_date: string;
  update_date: string;
}

export interface UserTable {
  id: string;
  account_id: string;
  username: string;
  /** Lower-cased username: unique across all accounts (usernames are emails and sign-in names). */
  username_key: string;
  email: string;
  firstname: string;
  lastname: string;
  user_type: number;
  status: number;
  owner: Bool;
  mfa: Bool;
  mfa_secret: string | null;
  /** A TOTP secret generated but not yet confirmed by set_mfa. */
  mfa_pending_secret: string | null;
  /** The TOTP time step of the last accepted code (migration 003): each code is accepted once. */
  mfa_last_step: number | null;
  password_hash: string | null;
  auth_provider: number;
  migration: Bool;
  deleted: Bool;
  signup_date: string | null;
  create_date: string;
  update_date: string;
}

export interface SessionTable {
  id: string;
  account_id: string;
  user_id: string;
  kind: 'login' | 'apitoken';
  create_date: string;
  expires_at: string;
  ended_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  account_id: string;
  user_id: string;
  session_id: string;
  title: string;
  /** SHA-256 of the token value; the value itself is shown once and never stored. */
  token_hash: string;
  expiration_date: string | null;
  create_date: string;
}

export interface OneTimeTokenTable {
  id: string;
  account_id: string;
  user_id: string;
  purpose: 'confirm_signup' | 'reset_password' | 'invite' | 'mfa_login';
  /** SHA-256 of the code or token. */
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  attempts: number;
  create_date: string;
}

export interface ProjectTable {
  id: string;
  account_id: string;
  name: string;
  name_key: string;
  description: string;
  active: Bool;
  deleted: Bool;
  create_date: string;
  update_date: string;
}

export interface SharedCloudDriveTable {
  id: string;
  account_id: string;
  creator_user_id: string;
  cloud_account_id: string | null;
  name: string;
  name_key: string;
  prefix: string;
  prefix_id: string;
  storage_id: string;
  storage_name: string;
  objects_per_folder: number;
  allow_delete: Bool;
  local_cache_encrypted: Bool;
  cloud_objects_encrypted: Bool;
  drive_type: number;
  sync_type: number;
  active: Bool;
  deleted: Bool;
  create_date: string;
  update_date: string;
}

export interface ProjectSharedCloudDriveTable {
  id: string;
  account_id: string;
  project_id: string;
  shared_cloud_drive_id: string;
  create_date: string;
}

export interface UserGroupTable {
  id: string;
  account_id: string;
  name: string;
  name_key: string;
  description: string;
  active: Bool;
  deleted: Bool;
  create_date: string;
  update_date: string;
}

export interface UserUserGroupTable {
  id: string;
  account_id: string;
  user_id: string;
  user_group_id: string;
  create_date: string;
}

interface PermissionColumns {
  id: string;
  account_id: string;
  permission_type: number;
  create_date: string;
  update_date: string;
}

export interface UserProjectPermissionTable extends PermissionColumns {
  user_id: string;
  project_id: string;
}

export interface UserSharedCloudDrivePermissionTable extends PermissionColumns {
  user_id: string;
  shared_cloud_drive_id: string;
}

export interface UserGroupProjectPermissionTable extends PermissionColumns {
  user_group_id: string;
  project_id: string;
}

export interface UserGroupSharedCloudDrivePermissionTable extends PermissionColumns {
  user_group_id: string;
  shared_cloud_drive_id: string;
}

/** Live (non-deleted) record counts per account and table, kept in the same transaction as each write. */
/** A one-shot request token of the Web authentication handshake (no account: the caller is not signed in). */
export interface RequestTokenTable {
  /** SHA-256 of the token. */
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  create_date: string;
}

export interface RecordCountTable {
  account_id: string;
  table_name: string;
  live: number;
  deleted: number;
}

/** An Idempotency-Key a user sent with a creating POST (migration 005): claimed, then the answer to replay. */
export interface IdempotencyKeyTable {
  account_id: string;
  user_id: string;
  idempotency_key: string;
  /** SHA-256 of the method, route, query (without the token) and body: another request under the same key differs. */
  fingerprint: string;
  /** 'running' from the claim until the answer is stored, then 'done'. */
  state: 'running' | 'done';
  response_status: number | null;
  /** The replayed headers (content-type, etag, error-code) as a JSON object. */
  response_headers: string | null;
  /** The answer's body, byte for byte ('' for none). */
  response_body: string | null;
  create_date: string;
  expires_at: string;
}

export type Account = Selectable<AccountTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Session = Selectable<SessionTable>;
export type Project = Selectable<ProjectTable>;
export type SharedCloudDrive = Selectable<SharedCloudDriveTable>;
export type ProjectSharedCloudDrive = Selectable<ProjectSharedCloudDriveTable>;
export type UserGroup = Selectable<UserGroupTable>;

/** One entry of the audit log (migration 004): append-only; `changes` is JSON text ({field: {before, after}}). */
export interface AuditLogTable {
  id: string;
  account_id: string;
  create_date: string;
  user_id: string | null;
  username: string | null;
  api_token_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** The endpoint, as `projects/insert`. */
  action: string;
  record_type: string | null;
  record_id: string | null;
  changes: string;
}

/** An account's log setting (one per account) and the state of its deliveries (a lease and a backoff). */
export interface AccountLogSettingTable {
  id: string;
  account_id: string;
  /** The provider's ingest token (a Splunk HEC token): a credential, shown masked. */
  token: string;
  server_address: string;
  service_port: string;
  active: Bool;
  provider: number;
  create_date: string;
  update_date: string;
  /** The sender (process) delivering the account's entries, until lease_until. */
  lease_owner: string | null;
  lease_until: string | null;
  /** Failed deliveries in a row; the next one waits until next_attempt_at ('' when none is due). */
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

/** Entries still to forward, in order of `id` (increasing) per account. */
export interface AuditOutboxTable {
  id: Generated<number>;
  account_id: string;
  entry_id: string;
  create_date: string;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type AccountLogSetting = Selectable<AccountLogSettingTable>;
