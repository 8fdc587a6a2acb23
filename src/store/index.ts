// What the rest of the program may import from the store: types only. The store itself (a Store) is
// opened by the composition root (server.ts, the CLI's `account create`) and reaches routes and domain
// code as `ctx.store`.
export type { Store } from './store.js';
export type { Db, Trx } from './db.js';
export type { NamedRecordsRepository, PermissionsRepository } from './repositories.js';
