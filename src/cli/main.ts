import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, redactPassword } from '../config.js';
import { createAccountWithOwner } from '../domain/accounts.js';
import { limitHeap } from '../heap.js';
import { ApiError } from '../errors.js';
import { packageVersion } from '../http/openapi.js';
import { createLogger, openStore, startServer, StartupError } from '../server.js';
import { UserStatus } from '../store/values.js';
import { registerClientCommands } from './commands/index.js';

const program = new Command();
program
  .name('clickd')
  .description('The Amove Click API agent: projects, shared cloud drives, users and groups, on http://localhost:29123.')
  .version(packageVersion(), '-V, --version', 'print the version of clickd')
  .showHelpAfterError('see clickd --help');

const portOption = () =>
  new Option('--port <port>', 'port to listen on (env CLICKD_PORT; default 29123)').argParser((v) => {
    const n = Number(v);
    // InvalidArgumentError: commander prints it as a usage error, without a stack trace.
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('It must be a port number, 0 to 65535.');
    return n;
  });

program
  .command('serve')
  .description('Start the agent (SQLite in the data directory; no other server needed).')
  .option('--host <host>', 'address to bind (env CLICKD_HOST; default 127.0.0.1, loopback only)')
  .addOption(portOption())
  .option('--data-dir <dir>', 'where the database, signing key and outbox live (env CLICKD_DATA_DIR)')
  .option(
    '--database <url>',
    'PostgreSQL instead of SQLite: postgres://user@host:port/db (env CLICKD_DATABASE_URL); several instances may share it',
  )
  .addHelpText(
    'after',
    '\nExamples:\n  clickd serve\n  clickd serve --port 29124 --data-dir ./data\n  clickd serve --database postgres://clickd@db.internal/clickd',
  )
  .action(async (opts: { host?: string; port?: number; dataDir?: string; database?: string }) => {
    const config = loadConfig({ host: opts.host, port: opts.port, dataDir: opts.dataDir, databaseUrl: opts.database });
    const logger = createLogger(config);
    const server = await startServer(config, logger);
    // Once listening (during start-up the old generation grows by design: limited, it would be collected
    // again and again), and not while the build records the code cache: V8 would record it under these
    // flags, and refuse it at the next start (bin/clickd.js).
    if (config.compactHeap && process.env.CLICKD_CODE_CACHE !== 'write') limitHeap();
    const where = config.databaseUrl ? `PostgreSQL ${redactPassword(config.databaseUrl)}` : config.dataDir;
    logger.info(`clickd listening on ${server.url} (data in ${where})`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received, shutting down`);
      await server.close();
      // The log may be written asynchronously: exit once its last lines are out.
      logger.flush(() => process.exit(0));
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

const account = program.command('account').description('Manage accounts directly in the data directory.');
account
  .command('create')
  .description(
    'Create an active account with its owner (an admin), and print it as JSON with the database it was written to. ' +
      'Works with or without a running server; use the data directory the agent uses (same --data-dir or CLICKD_DATA_DIR).',
  )
  .requiredOption('--name <name>', "the owner's name, also the account name")
  .requiredOption('--email <email>', 'the email the owner signs in with')
  .option('--password <password>', 'at least 8 characters (or env CLICKD_PASSWORD)')
  .option('--data-dir <dir>', 'the data directory of the agent (env CLICKD_DATA_DIR)')
  .option('--database <url>', 'the PostgreSQL database of the hosted mode instead (env CLICKD_DATABASE_URL)')
  .addHelpText('after', '\nExample:\n  clickd account create --name "Ada Admin" --email ada@example.com --password "s3cret-pass"')
  .action(async (opts: { name: string; email: string; password?: string; dataDir?: string; database?: string }) => {
    const config = loadConfig({ dataDir: opts.dataDir, databaseUrl: opts.database });
    const password = opts.password ?? process.env.CLICKD_PASSWORD;
    if (!password) throw new StartupError('A password is required: --password or CLICKD_PASSWORD.');
    const { store } = await openStore(config);
    try {
      const { accountId, owner } = await createAccountWithOwner(store, {
        name: opts.name,
        email: opts.email,
        password,
        status: UserStatus.Active,
      });
      const result = {
        accountId,
        accountName: opts.name.trim(),
        userId: owner.id,
        username: owner.username,
        userType: owner.user_type,
        owner: true,
        // Where it was written: the agent must run on the same data directory to see the account.
        database: config.databaseUrl ? redactPassword(config.databaseUrl) : path.join(config.dataDir, 'clickd.db'),
      };
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } finally {
      await store.close();
    }
  });

registerClientCommands(program); // login, logout, whoami, projects, drives, ...: the API client

// A usage error is one line and a hint naming the command's help, not the whole help.
(function hintHelp(command: Command, name: string) {
  command.showHelpAfterError(`see ${name} --help`);
  for (const sub of command.commands) hintHelp(sub, `${name} ${sub.name()}`);
})(program, 'clickd');

// Every failure the same way as the client commands: `error: CODE: message` on stderr, exit code 1.
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`error: CONFIG: ${err.message}\n`);
  } else if (err instanceof StartupError) {
    process.stderr.write(`error: STARTUP: ${err.message}\n`);
  } else if (err instanceof ApiError) {
    process.stderr.write(`error: ${err.code}: ${err.messages.join(' ')}\n`);
  } else {
    process.stderr.write(`error: INTERNAL: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
