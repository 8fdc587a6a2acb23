import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { IdempotencyConflict, Invalid } from '../errors.js';
import type { KeyOwner } from '../store/idempotencyKeys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route creates something, so it honours `Idempotency-Key`. Worked out from the route when not given
     * (see createsRecords): a signed-in POST whose action inserts, imports, assigns, grants or sets up.
     */
    creates?: boolean;
  }
  interface FastifyRequest {
    /** The idempotency key this request claimed: its answer is stored for replay when it is sent. */
    idempotencyKey?: KeyOwner;
  }
}

/** How long a key's answer is replayed (DECISIONS.md section 9). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim still running after this long belongs to a request that never finished (a crash): it may be taken over. */
export const ABANDONED_CLAIM_MS = 5 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;
export const IDEMPOTENCY_KEY_MAX = 255;

/** The actions that create something: inserts, imports, assignments, grants (`*_permission`) and setups. */
const CREATING_ACTION = /^(insert\w*|import_\w+|assign_\w+|setup)$|_permiss?ion$/i;

/**
 * Answers that hold a secret shown once (an API token's value): replaying them would mean keeping the secret,
 * of which only a hash is ever stored, so these routes ignore `Idempotency-Key`.
 */
const SECRET_ANSWER = /\/apitoken\/insert$/i;

/** True for the routes that honour `Idempotency-Key`: every POST that creates something, for a signed-in caller. */
export function createsRecords(route: {
  method: string | string[];
  url: string;
  config?: { access?: string; creates?: boolean };
}) {
  if (route.config?.creates !== undefined) return route.config.creates;
  if (SECRET_ANSWER.test(route.url.replace(/\/+$/, ''))) return false;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!methods.includes('POST') || route.config?.access === 'public' || route.config?.access === undefined) return false;
  const action = route.url.split('?')[0]!.replace(/\/+$/, '').split('/').pop() ?? '';
  return CREATING_ACTION.test(action);
}

/** The request a key was first used with: method, route, query (without the token) and body. */
function fingerprintOf(request: FastifyRequest): string {
  const { token: _token, ...query } = (request.query ?? {}) as Record<string, unknown>;
  return createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url ?? ''}\n${JSON.stringify(query)}\n${JSON.stringify(request.body ?? null)}`,
    )
    .digest('hex');
}

/** The headers replayed with a stored answer besides its status and body. */
const REPLAYED_HEADERS = ['content-type', 'etag', 'error-code'] as const;

/**
 * Idempotency keys on creating POSTs (after the IETF httpapi Idempotency-Key draft): the first request with
 * a key claims it by inserting its row before any work is done (the database's unique key, so it holds
 * across processes and instances), and stores its answer when sending it. A retry with the same key and
 * the same request gets that answer again, byte for byte, with `Idempotent-Replayed: true`; with another
 * request it is 422 IDEMPOTENCY; while the first is still running, 409 IDEMPOTENCY. Answers of 401, 429
 * and 5xx are not kept (the retry runs anew). Keys expire after 24 hours and are pruned in the background.
 */
export function installIdempotency(app: FastifyInstance, ctx: AppContext): void {
  const { store } = ctx;
  app.addHook('onRoute', (route) => {
    // Every route has a config here: authentication refuses to register one that declares no access.
    if (route.config) route.config.creates = createsRecords(route);
  });

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config.creates) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.principal) return;
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX) {
      throw new Invalid(`'Idempotency-Key' must be 1 to ${IDEMPOTENCY_KEY_MAX} characters.`);
    }
    const owner: KeyOwner = { accountId: request.principal.accountId, userId: request.principal.userId, key };
    const fingerprint = fingerprintOf(request);
    const claim = () =>
      store.idempotencyKeys.claimKey(store.db, owner, fingerprint, new Date(Date.now() + IDEMPOTENCY_TTL_MS).toISOString());
    let claimed = await claim();
    let existing = claimed ? undefined : await store.idempotencyKeys.findKey(store.db, owner);
    if (!claimed && existing?.state === 'running' && Date.parse(existing.create_date) < Date.now() - ABANDONED_CLAIM_MS) {
      // The request that claimed it never answered (the agent stopped mid-way): this one takes the key over.
      await store.idempotencyKeys.releaseKey(store.db, owner, existing.create_date);
      existing = undefined;
    }
    if (!claimed && existing === undefined) {
      // Released meanwhile (an abandoned claim, or a first answer that was not kept): claim it again.
      claimed = await claim();
      if (!claimed) existing = await store.idempotencyKeys.findKey(store.db, owner);
    }
    if (claimed) {
      request.idempotencyKey = owner;
      return;
    }
    if (!existing || existing.state === 'running') {
      throw new IdempotencyConflict(
        409,
        'A request with this Idempotency-Key is still running: retry once it has finished to get its answer.',
      );
    }
    if (existing.fingerprint !== fingerprint) {
      throw new IdempotencyConflict(
        422,
        'This Idempotency-Key was first used with another request (another body, query or endpoint): use a new key for a new request.',
      );
    }
    const headers = JSON.parse(existing.response_headers ?? '{}') as Record<string, string>;
    reply
      .code(existing.response_status ?? 200)
      .headers(headers)
      .header('idempotent-replayed', 'true');
    return existing.response_body ? reply.send(existing.response_body) : reply.send();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const owner = request.idempotencyKey;
    if (!owner) return payload;
    request.idempotencyKey = undefined;
    const status = reply.statusCode;
    const body =
      typeof payload === 'string'
        ? payload
        : Buffer.isBuffer(payload)
          ? payload.toString('utf8')
          : payload == null
            ? ''
            : undefined;
    try {
      if (status >= 500 || status === 401 || status === 429 || body === undefined) {
        await store.idempotencyKeys.releaseKey(store.db, owner);
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        await store.idempotencyKeys.completeKey(store.db, owner, { status, headers: JSON.stringify(headers), body });
      }
    } catch (err) {
      // The answer stands; a retry with the key will find it running (409) until the claim is abandoned.
      request.log.error({ err }, 'could not store the answer of an idempotent request');
    }
    return payload;
  });

  let timer: NodeJS.Timeout | undefined;
  const prune = async () => {
    try {
      const removed = await store.idempotencyKeys.pruneExpiredKeys(store.db);
      if (removed > 0) ctx.log?.debug({ removed }, 'expired idempotency keys pruned');
    } catch (err) {
      ctx.log?.error({ err }, 'could not prune expired idempotency keys');
    }
  };
  app.addHook('onReady', async () => {
    await prune();
    timer = setInterval(() => void prune(), PRUNE_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
