import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as audit from '../../src/store/audit.js';
import { insertAccount, openTestStore } from './fixtures.js';

// The audit log's repository on PostgreSQL (migration 004's twin): entries, the outbox trigger, and the
// per-account lease that lets several senders (instances) share one database.

describe('audit log on PostgreSQL', async () => {
  const store = await openTestStore({ poolSize: 4 });
  const { db } = store;

  const entry = (accountId: string, action: string) => ({
    accountId,
    userId: null,
    sessionId: null,
    ip: '127.0.0.1',
    userAgent: 'test',
    action,
    recordType: 'Project',
    recordId: null,
    changes: JSON.stringify({ name: { before: null, after: action } }),
  });

  test('entries are listed newest first; an active setting queues them (trigger); one sender claims an account', async () => {
    const accountId = await insertAccount(store);
    await audit.insertAuditEntry(db, entry(accountId, 'before/setup'));
    assert.equal(await audit.outboxLength(db, accountId), 0, 'no setting: nothing queued');
    await audit.insertLogSetting(db, accountId, {
      token: 't',
      server_address: 'http://127.0.0.1',
      service_port: '9',
      active: 1,
      provider: 1,
    });
    for (const action of ['a/1', 'a/2', 'a/3']) await audit.insertAuditEntry(db, entry(accountId, action));
    assert.equal(await audit.outboxLength(db, accountId), 3);

    const page = await audit.listAuditEntries(db, accountId, {}, { page: 1, pageSize: 10, descending: true });
    assert.equal(page.total, 4);
    assert.deepEqual(
      page.rows.map((r) => r.action),
      ['a/3', 'a/2', 'a/1', 'before/setup'],
    );
    const filtered = await audit.listAuditEntries(db, accountId, { action: 'a/2' }, { page: 1, pageSize: 10, descending: true });
    assert.equal(filtered.total, 1);

    const at = new Date().toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const [first, second] = await Promise.all([
      audit.claimOutboxAccounts(db, 'sender-1', at, until, 10),
      audit.claimOutboxAccounts(db, 'sender-2', at, until, 10),
    ]);
    assert.equal(first!.length + second!.length, 1, 'one sender wins the account');
    const owner = first!.length === 1 ? 'sender-1' : 'sender-2';
    const batch = await audit.outboxBatch(db, accountId, 10);
    assert.deepEqual(
      batch.map((b) => b.entry?.action),
      ['a/1', 'a/2', 'a/3'],
    );
    await audit.outboxDelivered(db, accountId, owner, batch[1]!.seq);
    assert.equal(await audit.outboxLength(db, accountId), 1);
    assert.equal(await audit.outboxHasDueWork(db, new Date().toISOString()), true, 'the lease is released');
    await audit.outboxFailed(db, accountId, 'someone-else', { attempts: 1, nextAttemptAt: until, error: 'x' });
    assert.equal((await audit.findLogSetting(db, accountId))!.attempts, 0, 'only the lease holder records a failure');

    assert.equal(await audit.pruneAuditLog(db, new Date(Date.now() + 1000).toISOString()), 4);
  });
});
