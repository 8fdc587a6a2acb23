import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ApiError, Duplicate, Invalid, StoreUnavailable } from '../../errors.js';

/**
 * PostgreSQL's errors, classified for the store: what SQLite would have answered for the same request, so
 * that bad input never becomes a 500 on one backend only. SQLSTATE codes, never message text, except for
 * the few connection failures that `pg` raises without any code (listed below).
 */
export type PostgresErrorKind =
  /** 23505 unique_violation: a name (or pair) that exists already. The store answers DUPLICATE. */
  | 'duplicate'
  /** 22P02 invalid_text_representation: a value that does not parse as the column's type (a bad uuid). */
  | 'invalid_text'
  /** 22021 / 22P05: text holding U+0000, which PostgreSQL text cannot store (SQLite can). */
  | 'nul'
  /** 40001 serialization_failure, 40P01 deadlock_detected: the transaction may simply be run again. */
  | 'retry'
  /** The database cannot be reached or is shutting down: 503, and the next request tries again. */
  | 'unavailable'
  | 'other';

// Node's socket errors on the way to the server.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// Errors `pg` creates itself, with no code: a connection that ends under a query, a pool that cannot
// connect in time, a client used after the server ended it.
const DRIVER_CONNECTION_MESSAGES = [
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifyPostgresError(err: unknown): PostgresErrorKind {
  if (err instanceof AggregateError) {
    // Connecting to "localhost" tries each address; each refusal is inside.
    return err.errors.length > 0 && err.errors.every((e) => classifyPostgresError(e) === 'unavailable') ? 'unavailable' : 'other';
  }
  const state = sqlState(err);
  if (state) {
    if (state === '23505') return 'duplicate';
    if (state === '22P02') return 'invalid_text';
    if (state === '22021' || state === '22P05') return 'nul';
    if (state === '40001' || state === '40P01') return 'retry';
    // 08: connection exceptions; 57P01-57P03: admin or crash shutdown, not accepting connections yet;
    // 53300: too many connections.
    if (state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03' || state === '53300') {
      return 'unavailable';
    }
    return 'other';
  }
  if (err instanceof pg.DatabaseError) return 'other';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'unavailable';
  if (err instanceof Error && DRIVER_CONNECTION_MESSAGES.includes(err.message)) return 'unavailable';
  return 'other';
}

export const isUniqueViolation = (err: unknown): boolean => classifyPostgresError(err) === 'duplicate';

/** 503: the database is out of reach. Requests answer it while the outage lasts; the pool reconnects by itself. */
export class DatabaseUnavailable extends StoreUnavailable {
  constructor(message = 'The database is not available right now: nothing was changed. Try again.') {
    super('UNAVAILABLE', message);
  }
}

/**
 * The answer for a PostgreSQL error that is not the request's fault, or that SQLite would not have raised
 * (the error handler asks, for any error a route did not handle): the database out of reach or out of
 * space → 503; a value that is not of the column's type (a bad uuid cast) → 499 as on bad input; text
 * with U+0000 → 499 (the request validation refuses it before, on both backends). Else undefined: a 500.
 */
export function storageError(err: unknown): ApiError | undefined {
  const state = sqlState(err);
  if (state === '53100') {
    return new StoreUnavailable(
      'STORAGE_FULL',
      'The disk holding the database is full: nothing was changed. Free some space and try again.',
    );
  }
  if (state === '25006')
    return new StoreUnavailable('UNAVAILABLE', 'The database cannot be written (read-only): nothing was changed.');
  switch (classifyPostgresError(err)) {
    case 'unavailable':
      return new DatabaseUnavailable();
    case 'retry':
      return new StoreUnavailable(
        'UNAVAILABLE',
        'The database was busy with a conflicting change: nothing was changed. Try again.',
      );
    case 'nul':
      return new Invalid(NUL_MESSAGE);
    case 'invalid_text':
      return new Invalid('A value is not valid.');
    default:
      return undefined;
  }
}

export const NUL_MESSAGE = 'Text must not contain the NUL character (\\u0000).';

/**
 * The typed error the store throws for a PostgreSQL failure it did not handle itself, or the error
 * unchanged when it is not one of the classified kinds (it then becomes a 500, as on SQLite).
 */
export function toApiError(err: unknown, options: { duplicate?: () => ApiError; invalidText?: () => ApiError } = {}): unknown {
  if (err instanceof ApiError) return err;
  switch (classifyPostgresError(err)) {
    case 'duplicate':
      return options.duplicate?.() ?? new Duplicate();
    case 'invalid_text':
      // Where SQLite compares text, such a value matches no row: the caller passes its NOT_FOUND.
      return options.invalidText?.() ?? new Invalid('A value is not valid.');
    case 'nul':
      return new Invalid(NUL_MESSAGE);
    case 'unavailable':
      return new DatabaseUnavailable();
    default:
      return err;
  }
}

/** True when a string (or any string inside an array or object) holds U+0000. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborts it as a serialization failure or a
 * deadlock victim, up to `attempts` times, after a short random pause that grows with each attempt so
 * that the rivals do not collide again. Other errors pass through at once.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || classifyPostgresError(err) !== 'retry') throw err;
      await sleep(Math.random() * base * 2 ** attempt);
    }
  }
}
