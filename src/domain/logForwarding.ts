import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { AccountLogSetting, AuditEntry } from '../store/types.js';
import { forwarding, presentAuditEntry, pruneAudit } from './audit.js';

/**
 * Forwards audit entries to the Splunk HTTP Event Collector of each account whose log setting is active
 * (DECISIONS.md section 9), from the durable outbox the entries were queued in, in their own transaction:
 * at least once, in order per account (one sender holds an account's lease at a time, in the database, so
 * that several instances may share it), batched, retried with exponential backoff while the collector is
 * unreachable or answers an error, and across restarts (the outbox and the backoff are rows). Nothing here
 * runs in a request: an API call never waits for the collector.
 */

export interface ForwarderOptions {
  /** How often to look for entries queued by other processes or due after a backoff. */
  pollMs: number;
  /** The first retry's delay; each further failure doubles it, up to retryMaxMs. */
  retryMs: number;
  retryMaxMs: number;
  /** Entries per request to the collector. */
  batchSize?: number;
  /** How long a claimed account stays this sender's if it dies mid-delivery. */
  leaseMs?: number;
  /** A request to the collector that takes longer fails (and is retried). */
  timeoutMs?: number;
}

/** The collector's event endpoint: `<serverAddress>:<servicePort>/services/collector/event`, https unless a scheme is given. */
export function collectorUrl(setting: Pick<AccountLogSetting, 'server_address' | 'service_port'>): string {
  const address = setting.server_address.trim().replace(/\/+$/, '');
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`;
  return `${base}:${setting.service_port}/services/collector/event`;
}

/** The HEC event envelope of an entry (JSON event format: time in epoch seconds, the entry as `event`). */
export function hecEvent(entry: AuditEntry, host = os.hostname()) {
  return {
    time: Date.parse(entry.create_date) / 1000,
    host,
    source: 'clickd',
    sourcetype: '_json',
    event: presentAuditEntry(entry),
  };
}

/** The delay before the attempt that follows `attempts` failures in a row. */
export const backoffMs = (attempts: number, options: Pick<ForwarderOptions, 'retryMs' | 'retryMaxMs'>) =>
  Math.min(options.retryMaxMs, options.retryMs * 2 ** Math.max(0, attempts - 1));

export interface LogForwarder {
  /** Runs one round now (tests and shutdown); resolves when it is done. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startLogForwarder(store: Store, log: Logger | undefined, options: ForwarderOptions): LogForwarder {
  const owner = randomUUID();
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const host = os.hostname();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const deliver = async (setting: AccountLogSetting): Promise<boolean> => {
    const batch = await store.audit.outboxBatch(store.db, setting.account_id, batchSize);
    if (batch.length === 0) {
      await store.audit.outboxDelivered(store.db, setting.account_id, owner, 0);
      return false;
    }
    const lastSeq = batch[batch.length - 1]!.seq;
    const events = batch.flatMap(({ entry }) => (entry ? [JSON.stringify(hecEvent(entry, host))] : []));
    try {
      if (events.length > 0) {
        const res = await fetch(collectorUrl(setting), {
          method: 'POST',
          headers: { authorization: `Splunk ${setting.token}`, 'content-type': 'application/json' },
          body: events.join('\n'),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        let code: unknown;
        try {
          code = (JSON.parse(text) as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        if (!res.ok || code !== 0) throw new Error(`the collector answered ${res.status}: ${text.slice(0, 200)}`);
      }
      // The delivered rows go and the backoff resets together.
      await store.transaction((tx) => tx.audit.outboxDelivered(tx.db, setting.account_id, owner, lastSeq));
      return batch.length === batchSize;
    } catch (err) {
      const attempts = setting.attempts + 1;
      const error = err instanceof Error ? `${err.message}${err.cause ? `: ${String(err.cause)}` : ''}` : String(err);
      await store.audit.outboxFailed(store.db, setting.account_id, owner, {
        attempts,
        nextAttemptAt: new Date(Date.now() + backoffMs(attempts, options)).toISOString(),
        error,
      });
      log?.warn({ accountId: setting.account_id, attempts }, `log forwarding failed, will retry: ${error}`);
      return false;
    }
  };

  const round = async (): Promise<void> => {
    for (;;) {
      const at = new Date().toISOString();
      // A read first: an idle agent writes nothing (a write would end every cached list answer).
      if (!(await store.audit.outboxHasDueWork(store.db, at))) return;
      forwarding.active = true;
      const claimed = await store.audit.claimOutboxAccounts(
        store.db,
        owner,
        at,
        new Date(Date.now() + leaseMs).toISOString(),
        10,
      );
      if (claimed.length === 0) return;
      const more = await Promise.all(claimed.map(deliver));
      if (!more.some(Boolean) || stopped) return;
    }
  };

  const runOnce = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (err) {
          if (!stopped) log?.error({ err }, 'log forwarding round failed');
        }
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  };

  const wake = () => {
    if (!stopped) void runOnce();
  };
  forwarding.wakes.add(wake);
  const timer = setInterval(wake, options.pollMs);
  timer.unref();
  wake();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      forwarding.wakes.delete(wake);
      await running;
    },
  };
}

/** Prunes the audit log past its retention now and then every `everyMs` (in the background). */
export function startAuditPruner(store: Store, log: Logger | undefined, retentionDays: number, everyMs = 60 * 60 * 1000) {
  let running: Promise<void> | undefined;
  const prune = () => {
    running ??= pruneAudit(store, retentionDays)
      .then((n) => {
        if (n > 0) log?.info(`audit log: ${n} entries older than ${retentionDays} days pruned`);
      })
      .catch((err: unknown) => log?.error({ err }, 'audit log pruning failed'))
      .finally(() => (running = undefined));
  };
  // Not at start itself: the first minute of an agent belongs to its requests.
  const first = setTimeout(prune, 60_000);
  const timer = setInterval(prune, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
