import { CompiledQuery } from 'kysely';
import type { Db } from './db.js';
import { fetchPage, newId, now, type Page } from './listing.js';
import type { AccountLogSetting, AuditEntry } from './types.js';

// The audit log, the account log setting and the outbox of entries to forward (migration 004). The log is
// append-only: nothing here updates an entry, and only retention (pruneAuditLog) deletes.

export interface NewAuditEntry {
  accountId: string;
  userId: string | null;
  /** The session of the caller: its API token, if it is one, is recorded (looked up in the same statement). */
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  /** JSON text of {field: {before, after}}. */
  changes: string;
}

/**
 * Appends an entry, with the caller's username and API token id read in the same statement; when the
 * account forwards its log (an active setting), a trigger queues it in the outbox (migration 004). One
 * statement, compiled once per kind of database: it runs in the transaction of every change.
 */
export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<{ id: string }> {
  const id = newId();
  const values: Record<string, unknown> = {
    id,
    accountId: entry.accountId,
    createDate: now(),
    userId: entry.userId,
    sessionId: entry.sessionId,
    ip: entry.ip,
    userAgent: entry.userAgent,
    action: entry.action,
    recordType: entry.recordType,
    recordId: entry.recordId,
    changes: entry.changes,
  };
  // Per database adapter (a transaction shares its database's): the SQL differs by kind of database.
  const adapter = db.getExecutor().adapter;
  let template = insertTemplates.get(adapter);
  if (!template) insertTemplates.set(adapter, (template = compileInsert(db)));
  await db.executeQuery(
    CompiledQuery.raw(
      template.sql,
      template.names.map((name) => values[name] ?? null),
    ),
  );
  return { id };
}

// The compiled insert per kind of database: its SQL and the value each parameter takes, by name.
const insertTemplates = new WeakMap<object, { sql: string; names: string[] }>();
const MARK = '\u0000audit:';

function compileInsert(db: Db): { sql: string; names: string[] } {
  const p = (name: string) => `${MARK}${name}`;
  const compiled = db
    .insertInto('audit_log')
    .values((eb) => ({
      id: p('id'),
      account_id: p('accountId'),
      create_date: p('createDate'),
      user_id: p('userId'),
      username: eb.selectFrom('users').select('username').where('account_id', '=', p('accountId')).where('id', '=', p('userId')),
      api_token_id: eb
        .selectFrom('api_tokens')
        .select('id')
        .where('account_id', '=', p('accountId'))
        .where('session_id', '=', p('sessionId')),
      ip: p('ip'),
      user_agent: p('userAgent'),
      action: p('action'),
      record_type: p('recordType'),
      record_id: p('recordId'),
      changes: p('changes'),
    }))
    .compile();
  const names = compiled.parameters.map((value) => {
    if (typeof value !== 'string' || !value.startsWith(MARK)) throw new Error('audit insert: a parameter is not a placeholder');
    return value.slice(MARK.length);
  });
  return { sql: compiled.sql, names };
}

export interface AuditFilters {
  userId?: string;
  recordId?: string;
  recordType?: string;
  action?: string;
  /** ISO dates: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

/** A page of the account's entries matching the filters, by date (newest first unless `descending` is false). */
export async function listAuditEntries(
  db: Db,
  accountId: string,
  filters: AuditFilters,
  request: { page: number; pageSize: number; descending: boolean },
): Promise<Page<AuditEntry>> {
  let filtered = db.selectFrom('audit_log').where('audit_log.account_id', '=', accountId);
  if (filters.userId !== undefined) filtered = filtered.where('audit_log.user_id', '=', filters.userId);
  if (filters.recordId !== undefined) filtered = filtered.where('audit_log.record_id', '=', filters.recordId);
  if (filters.recordType !== undefined) filtered = filtered.where('audit_log.record_type', '=', filters.recordType);
  if (filters.action !== undefined) filtered = filtered.where('audit_log.action', '=', filters.action);
  if (filters.from !== undefined) filtered = filtered.where('audit_log.create_date', '>=', filters.from);
  if (filters.to !== undefined) filtered = filtered.where('audit_log.create_date', '<', filters.to);
  return fetchPage(filtered, (q) => q.selectAll('audit_log'), {
    page: request.page,
    pageSize: request.pageSize,
    sortColumn: 'audit_log.create_date',
    idColumn: 'audit_log.id',
    descending: request.descending,
  });
}

/** Deletes the entries older than `before` (retention), account by account along the account's index. */
export async function pruneAuditLog(db: Db, before: string): Promise<number> {
  const accounts = await db.selectFrom('accounts').select('id').execute();
  let deleted = 0;
  for (const { id } of accounts) {
    // A read first: a delete that removes nothing would still count as a write, and end every cache.
    const old = await db
      .selectFrom('audit_log')
      .select('id')
      .where('account_id', '=', id)
      .where('create_date', '<', before)
      .limit(1)
      .executeTakeFirst();
    if (!old) continue;
    const result = await db
      .deleteFrom('audit_log')
      .where('account_id', '=', id)
      .where('create_date', '<', before)
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

// ---- The account log setting ----

export async function findLogSetting(db: Db, accountId: string): Promise<AccountLogSetting | undefined> {
  return db.selectFrom('account_log_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export interface LogSettingValues {
  token: string;
  server_address: string;
  service_port: string;
  active: 0 | 1;
  provider: number;
}

/** Creates the account's setting; the unique account_id refuses a second one (the caller maps it to DUPLICATE). */
export async function insertLogSetting(db: Db, accountId: string, values: LogSettingValues): Promise<AccountLogSetting> {
  const at = now();
  const row: AccountLogSetting = {
    ...values,
    id: newId(),
    account_id: accountId,
    create_date: at,
    update_date: at,
    lease_owner: null,
    lease_until: null,
    attempts: 0,
    next_attempt_at: '',
    last_error: null,
  };
  await db.insertInto('account_log_settings').values(row).execute();
  return row;
}

/** Replaces the setting's fields (a new destination is tried at once: the backoff starts over). */
export async function updateLogSetting(
  db: Db,
  accountId: string,
  id: string,
  values: LogSettingValues,
): Promise<AccountLogSetting | undefined> {
  const result = await db
    .updateTable('account_log_settings')
    .set({ ...values, update_date: now(), attempts: 0, next_attempt_at: '', last_error: null })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  return findLogSetting(db, accountId);
}

/** Removes the setting and the entries still waiting to be forwarded; false if there was none. */
export async function deleteLogSetting(db: Db, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('account_log_settings').where('account_id', '=', accountId).executeTakeFirst();
  await db.deleteFrom('audit_outbox').where('account_id', '=', accountId).execute();
  return Number(result.numDeletedRows) > 0;
}

// ---- The outbox: claimed per account with a lease, so that several senders (instances) share one database ----

/** True when some active account has entries waiting and no live lease (a read: it changes nothing). */
export async function outboxHasDueWork(db: Db, at: string): Promise<boolean> {
  const row = await db
    .selectFrom('account_log_settings as s')
    .select('s.account_id')
    .where('s.active', '=', 1)
    .where('s.next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('s.lease_until', 'is', null), eb('s.lease_until', '<', at)]))
    .where((eb) => eb.exists(eb.selectFrom('audit_outbox as o').select('o.id').whereRef('o.account_id', '=', 's.account_id')))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes a lease on up to `limit` accounts whose entries are due (active, not waiting out a backoff, not
 * leased by a live sender) and returns their settings. The update is the claim: two senders cannot both win.
 */
export async function claimOutboxAccounts(
  db: Db,
  owner: string,
  at: string,
  leaseUntil: string,
  limit: number,
): Promise<AccountLogSetting[]> {
  const due = db
    .selectFrom('account_log_settings as s')
    .select('s.account_id')
    .where('s.active', '=', 1)
    .where('s.next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('s.lease_until', 'is', null), eb('s.lease_until', '<', at)]))
    .where((eb) => eb.exists(eb.selectFrom('audit_outbox as o').select('o.id').whereRef('o.account_id', '=', 's.account_id')))
    .limit(limit);
  await db
    .updateTable('account_log_settings')
    .set({ lease_owner: owner, lease_until: leaseUntil })
    .where('account_id', 'in', due)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
    .execute();
  return db
    .selectFrom('account_log_settings')
    .selectAll()
    .where('lease_owner', '=', owner)
    .where('lease_until', '=', leaseUntil)
    .execute();
}

/** The oldest waiting entries of an account, in order, with the entry rows (an entry pruned meanwhile is skipped). */
export async function outboxBatch(
  db: Db,
  accountId: string,
  limit: number,
): Promise<{ seq: number; entry: AuditEntry | null }[]> {
  const rows = await db
    .selectFrom('audit_outbox as o')
    .leftJoin('audit_log as a', (join) => join.onRef('a.account_id', '=', 'o.account_id').onRef('a.id', '=', 'o.entry_id'))
    .select(['o.id as seq'])
    .selectAll('a')
    .where('o.account_id', '=', accountId)
    .orderBy('o.id')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const { seq, ...entry } = row as unknown as AuditEntry & { seq: number };
    return { seq: Number(seq), entry: entry.id ? entry : null };
  });
}

/** After a delivery: drops the delivered entries (up to `lastSeq`), resets the backoff and releases the lease. */
export async function outboxDelivered(db: Db, accountId: string, owner: string, lastSeq: number): Promise<void> {
  await db.deleteFrom('audit_outbox').where('account_id', '=', accountId).where('id', '<=', lastSeq).execute();
  await db
    .updateTable('account_log_settings')
    .set({ attempts: 0, next_attempt_at: '', last_error: null, lease_owner: null, lease_until: null })
    .where('account_id', '=', accountId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** After a failed delivery: counts it, sets when to try again and releases the lease. */
export async function outboxFailed(
  db: Db,
  accountId: string,
  owner: string,
  failure: { attempts: number; nextAttemptAt: string; error: string },
): Promise<void> {
  await db
    .updateTable('account_log_settings')
    .set({
      attempts: failure.attempts,
      next_attempt_at: failure.nextAttemptAt,
      last_error: failure.error.slice(0, 500),
      lease_owner: null,
      lease_until: null,
    })
    .where('account_id', '=', accountId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** The number of entries waiting to be forwarded for an account. */
export async function outboxLength(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
