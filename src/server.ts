import fs from 'node:fs';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { buildApp } from './app.js';
import type { App } from './http/types.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { loadSigningKey } from './domain/secrets.js';
import { redactUrl } from './http/security.js';
import { prepareDataDir } from './store/db.js';
import { randomBytes } from 'node:crypto';
import { redactPassword } from './config.js';
import type { Store } from './store/store.js';
import { openSqliteStore } from './store/sqlite/open.js';
import { startAuditPruner, startLogForwarder } from './domain/logForwarding.js';

export interface RunningServer {
  app: App;
  ctx: AppContext;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A startup problem the user can fix; the CLI prints its message alone, without a stack trace. */
export class StartupError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The log settings of the agent (tests use them too, so that what they check is what runs). */
export function loggerOptions(config: Config): LoggerOptions {
  return {
    level: config.logLevel,
    // Tokens never reach the log: URLs are redacted, auth headers and bodies are not logged.
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.token', '*.jwtToken', '*.password'],
      censor: '[redacted]',
    },
  };
}

export function createLogger(config: Config): Logger {
  return pino(
    loggerOptions(config),
    config.logFile ? pino.destination({ dest: config.logFile, sync: false, mkdir: true }) : pino.destination(1),
  );
}

/** Creates the data directory if needed; a StartupError names it when it cannot be created or written. */
export function openDataDir(dataDir: string): void {
  try {
    prepareDataDir(dataDir);
  } catch (err) {
    throw new StartupError(`The data directory ${dataDir} is not writable: ${(err as Error).message}`);
  }
}

/**
 * Opens the store the configuration names: PostgreSQL when a database URL is given (the hosted mode),
 * else SQLite in the data directory. The signing key comes with it: from the database on PostgreSQL (one
 * for every instance), from the data directory on SQLite.
 */
export async function openStore(config: Config): Promise<{ store: Store; signingKey: Uint8Array }> {
  if (config.databaseUrl) {
    let store: Store;
    try {
      // Loaded only here: the pg driver costs the SQLite default some 3 MB of memory it never uses.
      const { openPostgresStore } = await import('./store/postgres/open.js');
      store = await openPostgresStore(config.databaseUrl, { poolSize: config.databasePoolSize });
    } catch (err) {
      throw new StartupError(`Cannot open the database ${redactPassword(config.databaseUrl)}: ${(err as Error).message}`);
    }
    const key = await store.settings.getOrCreate(store.db, 'signing_key', () => randomBytes(32).toString('base64'));
    return { store, signingKey: Buffer.from(key, 'base64') };
  }
  openDataDir(config.dataDir);
  return { store: await openSqliteStore(config.dataDir), signingKey: loadSigningKey(config.dataDir) };
}

/** Opens the store and listens; the only place that binds a port. */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const { store, signingKey } = await openStore(config);
  const ctx: AppContext = {
    config,
    store,
    signingKey,
    log: logger,
  };
  let port = config.port;
  const app = await buildApp(ctx, { logger, port: () => port });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        `Port ${config.port} on ${config.host} is already in use: is another clickd running? Choose another with --port.`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new StartupError(`Cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    }
    throw err;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : config.port;
  if (!LOOPBACK.has(config.host)) {
    logger.warn(`listening on ${config.host}, not only on loopback: other machines can reach this agent`);
  }
  // In the background, never in a request: the audit log's retention and its forwarding to Splunk.
  const pruner = startAuditPruner(store, logger, config.auditRetentionDays);
  const forwarder = startLogForwarder(store, logger, {
    pollMs: config.logForwardPollMs,
    retryMs: config.logForwardRetryMs,
    retryMaxMs: config.logForwardRetryMaxMs,
  });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    ctx,
    port,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    async close() {
      await app.close();
      await forwarder.stop();
      await pruner.stop();
      await store.close();
    },
  };
}

export function isWritableDir(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
