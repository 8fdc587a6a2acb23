import type { Store } from '../store/store.js';
import type { AuditEntry } from '../store/types.js';

/**
 * The audit log (DECISIONS.md section 9): who changed what, from where, with the values before and after,
 * written in the transaction of the change. Secrets never enter it: records are given in their presented
 * (API) form, which holds no hashes, and the fields named below are dropped whatever their record.
 */

/** Who acts, from where, through which endpoint (http/audit.ts builds it from a request). */
export interface AuditActor {
  accountId: string;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The endpoint, as `projects/insert`. */
  action: string;
}

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/** What changed: the record and its fields. */
export interface AuditRecord {
  recordType: string | null;
  recordId?: string | null;
  changes?: AuditChanges;
  /** Overrides the actor's action (a failed sign-in is `authentication/login_failed`). */
  action?: string;
}

/** Field names that are never recorded, in any record (secrets and their hashes). */
const SECRET_FIELDS = new Set([
  'password',
  'currentPassword',
  'passwordHash',
  'password_hash',
  'token',
  'tokenHash',
  'token_hash',
  'jwtToken',
  'resetToken',
  'mfaSecret',
  'mfa_secret',
  'mfaPendingSecret',
  'mfa_pending_secret',
  'userCode',
  'session',
]);
/** Fields that change on every write or say nothing the entry does not (its date, its account, a delete's own entry). */
const NOISE_FIELDS = new Set(['updateDate', 'createDate', 'accountId', 'deleted']);

type Fields = Record<string, unknown> | null | undefined;

/**
 * The changed fields between two presented forms of a record: every field of `after` for a creation
 * (before null), every field of `before` for a removal (after null), only the differing ones for an update.
 */
export function changesOf(before: Fields, after: Fields): AuditChanges {
  const changes: AuditChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (SECRET_FIELDS.has(key) || NOISE_FIELDS.has(key) || key === 'id') continue;
    const b = before ? (before[key] ?? null) : null;
    const a = after ? (after[key] ?? null) : null;
    if (before && after && JSON.stringify(b) === JSON.stringify(a)) continue;
    changes[key] = { before: b, after: a };
  }
  return changes;
}

/** A change of one field. */
export const changed = (field: string, before: unknown, after: unknown): AuditChanges => ({ [field]: { before, after } });

/**
 * Whether this process has seen an account forward its log (a setup or update made active here, or entries
 * the forwarder found waiting): then each new entry wakes the forwarder at once, instead of at its next
 * poll (CLICKD_LOG_FORWARD_POLL_MS), which also picks up what other instances queued.
 */
export const forwarding = { active: false, wakes: new Set<() => void>() };

/** Appends entries in the transaction `tx` (or alone when `tx` is not in one). */
export async function writeAudit(tx: Store, actor: AuditActor, records: AuditRecord | readonly AuditRecord[]): Promise<void> {
  for (const record of Array.isArray(records) ? (records as AuditRecord[]) : [records as AuditRecord]) {
    await tx.audit.insertAuditEntry(tx.db, {
      accountId: actor.accountId,
      userId: actor.userId,
      sessionId: actor.sessionId,
      ip: actor.ip,
      userAgent: actor.userAgent,
      action: record.action ?? actor.action,
      recordType: record.recordType,
      recordId: record.recordId ?? null,
      changes: JSON.stringify(scrub(record.changes ?? {})),
    });
  }
  // After the commit on SQLite (one connection: the forwarder's read waits for this transaction).
  if (forwarding.active) for (const wake of forwarding.wakes) setImmediate(wake);
}

function scrub(changes: AuditChanges): AuditChanges {
  return Object.fromEntries(Object.entries(changes).filter(([field]) => !SECRET_FIELDS.has(field)));
}

/** An entry as the API shows it (DECISIONS.md section 9). */
export function presentAuditEntry(row: AuditEntry) {
  return {
    id: row.id,
    createDate: row.create_date,
    userId: row.user_id,
    username: row.username,
    apiTokenId: row.api_token_id,
    ip: row.ip,
    userAgent: row.user_agent,
    action: row.action,
    recordType: row.record_type,
    recordId: row.record_id,
    changes: JSON.parse(row.changes) as AuditChanges,
  };
}

export type PresentedAuditEntry = ReturnType<typeof presentAuditEntry>;

/** Deletes the entries older than the retention period; returns how many. */
export async function pruneAudit(store: Store, retentionDays: number, at = Date.now()): Promise<number> {
  const before = new Date(at - retentionDays * 24 * 60 * 60 * 1000).toISOString();
  return store.audit.pruneAuditLog(store.db, before);
}

type Presented = Record<string, unknown> & { id?: unknown };

/** A record created: all its fields, before null. */
export const created = (recordType: string, record: Presented): AuditRecord => ({
  recordType,
  recordId: String(record.id),
  changes: changesOf(null, record),
});

/** A record updated: the fields that differ between its two presented forms. */
export const updated = (recordType: string, recordId: string, before: Presented | undefined, after: Presented): AuditRecord => ({
  recordType,
  recordId,
  changes: changesOf(before ?? null, after),
});

/** A record soft-deleted (true) or restored (false). */
export const deletedFlag = (recordType: string, recordId: string, deleted: boolean): AuditRecord => ({
  recordType,
  recordId,
  changes: changed('deleted', !deleted, deleted),
});

/** A record removed for good (an assignment, a grant, a token): its last fields, after null. */
export const removed = (recordType: string, recordId: string, before?: Presented): AuditRecord => ({
  recordType,
  recordId,
  changes: before ? changesOf(before, null) : {},
});
