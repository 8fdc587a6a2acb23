/**
 * The one error module. Handlers throw these; the error handler in app.ts turns them into the documented
 * ValidationProblemDetails body: {"type": CODE, "status": 499, "errors": {CODE: [messages]}} with an
 * `error-code: CODE` header. 401 is used for authentication failures, as the Click error model says.
 */
export type ErrorCode =
  | 'DEFAULT'
  | 'AUTH'
  | 'INACTIVE_USER'
  | 'TOKEN'
  | 'SESSION'
  | 'SESSION_MAXOUT'
  | 'SECURITY'
  | 'ACCESS'
  | 'NOT_FOUND'
  | 'TOTP'
  | 'DUPLICATE'
  | 'PRECONDITION'
  | 'IDEMPOTENCY'
  | 'STORAGE_FULL'
  | 'UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class ApiError extends Error {
  readonly messages: string[];
  constructor(
    readonly code: ErrorCode,
    messages: string | string[],
    readonly status = 499,
  ) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.messages = list;
  }

  body() {
    return { type: this.code, status: this.status, errors: { [this.code]: this.messages } };
  }
}

/** Bad input: schema failures and rule violations (499 DEFAULT), one message per problem. */
export class Invalid extends ApiError {
  constructor(messages: string | string[]) {
    super('DEFAULT', messages);
  }
}

export class NotFound extends ApiError {
  constructor(what: string, id?: string) {
    super('NOT_FOUND', id === undefined ? `${what} not found.` : `${what} ${id} not found.`);
  }
}

export class Duplicate extends ApiError {
  constructor(message = 'A resource with the same name already exists.') {
    super('DUPLICATE', message);
  }
}

export class AccessDenied extends ApiError {
  constructor(message = 'You are not allowed to do this.') {
    super('ACCESS', message);
  }
}

/** 401: missing, malformed or rejected credentials. */
export class Unauthenticated extends ApiError {
  constructor(message = 'Authentication required: pass a valid token as ?token= or an Authorization header.') {
    super('AUTH', message, 401);
  }
}

/** 401: the session behind a valid token has ended or expired. */
export class SessionEnded extends ApiError {
  constructor(message = 'The session has ended or expired; log in again.') {
    super('SESSION', message, 401);
  }
}

export class TokenInvalid extends ApiError {
  constructor(message = 'The token is invalid, expired or already used.') {
    super('TOKEN', message);
  }
}

export class InactiveUser extends ApiError {
  constructor(message = 'The user is not active.') {
    super('INACTIVE_USER', message);
  }
}

export class TotpFailed extends ApiError {
  constructor(message = 'The verification code is not valid.') {
    super('TOTP', message);
  }
}

export class SecurityRejected extends ApiError {
  constructor(message: string, status = 403) {
    super('SECURITY', message, status);
  }
}

/**
 * 503: the store cannot take the write now (disk full, database read-only or failing); nothing of the
 * request was kept, and the same request may succeed later.
 */
export class StoreUnavailable extends ApiError {
  constructor(code: 'STORAGE_FULL' | 'UNAVAILABLE', message: string) {
    super(code, message, 503);
  }
}

/** 412: an update's `If-Match` names a version of the record that is no longer the current one; nothing changed. */
export class PreconditionFailed extends ApiError {
  constructor(message = 'The record has changed since it was read (If-Match does not match its ETag); read it again.') {
    super('PRECONDITION', message, 412);
  }
}

/**
 * An `Idempotency-Key` that cannot be honoured: 409 while the first request with the key is still running,
 * 422 when the key was first used with another request body.
 */
export class IdempotencyConflict extends ApiError {
  constructor(status: 409 | 422, message: string) {
    super('IDEMPOTENCY', message, status);
  }
}
