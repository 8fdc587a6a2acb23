import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './store/db.js';

/** What the routes need from the running agent; built once by server.ts (or a test) and handed to buildApp. */
export interface AppContext {
  config: Config;
  db: Db;
  signingKey: Uint8Array;
  /** Statements executed so far by the store (for the scaling tests and benchmarks). */
  queryCount(): number;
  /** Changes whenever the stored data may have changed (for the response cache); absent: no caching. */
  dataVersion?(): string;
  log?: Logger;
}

/** Who is calling: resolved from the token by the auth hook on every protected route. */
export interface Principal {
  sessionId: string;
  userId: string;
  accountId: string;
  userType: number;
  owner: boolean;
  /** The owner and AccountAdmin or DesktopAdmin users may change anything in their account. */
  admin: boolean;
}
