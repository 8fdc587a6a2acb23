import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Store } from './store/store.js';

/** What the routes need from the running agent; built once by server.ts (or a test) and handed to buildApp. */
export interface AppContext {
  config: Config;
  /** The store (store/store.ts): its repositories, transactions, change signal and statement counter. */
  store: Store;
  signingKey: Uint8Array;
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
