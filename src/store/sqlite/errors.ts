import { StoreUnavailable } from '../../errors.js';

/** SQLite's 503 for a database error that says the storage, not the request, is at fault; else undefined. */
export function storageError(err: unknown): StoreUnavailable | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') {
    return new StoreUnavailable(
      'STORAGE_FULL',
      'The disk holding the data directory is full: nothing was changed. Free some space and try again.',
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreUnavailable('UNAVAILABLE', 'The database cannot be written (read-only): nothing was changed.');
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_CANTOPEN') {
    return new StoreUnavailable('UNAVAILABLE', 'The database is not available right now: nothing was changed. Try again.');
  }
  return undefined;
}
