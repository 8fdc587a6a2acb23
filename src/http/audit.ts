import type { FastifyRequest } from 'fastify';
import { writeAudit, type AuditActor, type AuditRecord } from '../domain/audit.js';
import type { Store } from '../store/store.js';
import type {} from './auth.js';
import type {} from './types.js';

/** Who calls, from where, through which endpoint: the actor of the request's audit entries. */
export function auditActor(
  request: FastifyRequest,
  as?: { accountId: string; userId: string; sessionId?: string | null },
): AuditActor {
  const principal = request.principal as FastifyRequest['principal'] | null;
  const userAgent = request.headers['user-agent'];
  return {
    accountId: as?.accountId ?? principal!.accountId,
    userId: as?.userId ?? principal?.userId ?? null,
    sessionId: as ? (as.sessionId ?? null) : (principal?.sessionId ?? null),
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : null,
    action: request.routeOptions.url?.replace(/^\/+/, '').toLowerCase() ?? request.url.split('?')[0]!,
  };
}

/**
 * Runs a write and records it in the audit log, in one transaction (shared with the concurrent writes of
 * the same moment, one commit for all): `work` makes the change through `tx`, `describe` says what changed
 * from its result. A write that fails records nothing; an entry never stands without its change.
 */
export async function audited<T>(
  request: FastifyRequest,
  work: (tx: Store) => Promise<T>,
  describe: (result: T) => AuditRecord | readonly AuditRecord[],
  as?: Parameters<typeof auditActor>[1],
): Promise<T> {
  const actor = auditActor(request, as);
  return request.server.ctx.store.transaction(
    async (tx) => {
      const result = await work(tx);
      await writeAudit(tx, actor, describe(result));
      return result;
    },
    { grouped: true },
  );
}

/** Records an event that changes nothing else (a failed sign-in), in a small transaction of its own. */
export async function auditEvent(
  request: FastifyRequest,
  record: AuditRecord,
  as?: Parameters<typeof auditActor>[1],
): Promise<void> {
  const actor = auditActor(request, as);
  await request.server.ctx.store.transaction((tx) => writeAudit(tx, actor, record), { grouped: true });
}
