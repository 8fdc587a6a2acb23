import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient, ApiFailure, CliError, NOT_LOGGED_IN, type Query } from '../client.js';
import { keyValues, pageTable, type Column, type Page } from '../format.js';

/** What every client command shares: the server to talk to and the output format. */
export interface ClientOptions {
  server?: string;
  json?: boolean;
}

export interface PagingOptions {
  page?: number;
  pagesize?: number;
  sort?: string;
  desc?: boolean;
  name?: string;
  deleted?: boolean;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Usage errors exit with 2 (help and --version with 0); the rest of the failures with 1. */
export function usageExits(command: Command): Command {
  return command.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

/** A command group (`clickd projects`), with its own help and usage-error exit code. */
export function group(program: Command, name: string, description: string, examples: string): Command {
  const cmd = usageExits(program.command(name).description(description));
  cmd.addHelpText('after', `\nExamples:\n${examples}`);
  return cmd;
}

/** A client command: --server and --json, examples in its help. */
export function clientCommand(parent: Command, nameAndArgs: string, description: string, examples: string): Command {
  return usageExits(parent.command(nameAndArgs).description(description))
    .option(
      '--server <url>',
      'the clickd server (env CLICKD_SERVER; default: the one you logged in to, else http://localhost:29123)',
    )
    .option('--json', 'print the API response as JSON, for scripts')
    .addHelpText('after', `\nExamples:\n${examples}`);
}

export function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a whole number of 1 or more.`);
    return n;
  };
}

/** --page, --pagesize, --sort, --desc and (when the list filters by name) --name. */
export function withPaging(cmd: Command, defaultSort: string, filter?: { flag: string; description: string }): Command {
  cmd
    .addOption(new Option('--page <n>', 'page number, from 1').argParser(positiveInteger('--page')))
    .addOption(new Option('--pagesize <n>', 'records per page, 1 to 1000 (default 50)').argParser(positiveInteger('--pagesize')))
    .option('--sort <field>', `field to sort by, e.g. Name, CreateDate, UpdateDate (default ${defaultSort})`)
    .option('--desc', 'sort in descending order');
  if (filter) cmd.option(`${filter.flag} <text>`, filter.description);
  return cmd;
}

export function pagingQuery(options: PagingOptions, nameParameter = 'name'): Query {
  return {
    page: options.page,
    pagesize: options.pagesize,
    sortfield: options.sort,
    descending: options.desc ? true : undefined,
    [nameParameter]: options.name,
    deleted: options.deleted ? true : undefined,
  };
}

export function write(text: string): void {
  process.stdout.write(text);
}

/** Prints JSON, always: a call that answers 200 with no body prints `{"ok": true}`. */
export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value === undefined ? { ok: true } : value, null, 2) + '\n');
}

/** Prints a list page as a table, or the raw collection with --json. */
export function printPage<T>(
  options: ClientOptions,
  page: Page<T>,
  columns: Column<T>[],
  noun: { one: string; many: string },
): void {
  if (options.json) writeJson(page);
  else write(pageTable(page, columns, noun));
}

/** `--if-match <etag>` on an update command. */
export function withIfMatch(cmd: Command, noun: string, group: string): Command {
  return cmd.option(
    '--if-match <etag>',
    `change it only if the ${noun} still has this ETag (from \`clickd ${group} get --etag\`): else PRECONDITION and nothing changes`,
  );
}

/**
 * `clickd <group> get <record>`: one record and its ETag (`--etag`: the ETag alone, for --if-match), or the
 * API's JSON with --json.
 */
export function registerGet<T>(
  parent: Command,
  what: { noun: string; group: string; list: string; get: string },
  fields: (record: T) => [string, unknown][],
): void {
  clientCommand(
    parent,
    `get <${what.noun}>`,
    `Show one ${what.noun} and its ETag (for --if-match on update).`,
    [
      `  clickd ${what.group} get "Campaign 2026"`,
      `  clickd ${what.group} update "Campaign 2026" --if-match "$(clickd ${what.group} get "Campaign 2026" --etag)" --description "..."`,
    ].join('\n'),
  )
    .option('--etag', 'print the ETag alone')
    .action(
      run(async (reference: string, options: ClientOptions & { etag?: boolean }) => {
        const client = signedIn(options);
        const { id } = await resolveRecord(client, { noun: what.noun, list: what.list }, reference);
        const { body, headers } = await client.exchange<T>('GET', what.get, { query: { id } });
        const etag = headers.get('etag') ?? '';
        if (options.etag) write(`${etag}\n`);
        else if (options.json) writeJson(body);
        else write(keyValues([...fields(body), ['ETag', etag]]));
      }),
    );
}

/** Prints the outcome of a change: the record with --json, else a sentence. */
export function printDone(options: ClientOptions, message: string, record?: unknown): void {
  if (options.json) writeJson(record);
  else write(`${message}\n`);
}

/**
 * Runs a command's work and reports failures the same way everywhere: `error: CODE: message` on stderr
 * and exit code 1; a 401 tells the user to log in.
 */
export function run<A extends unknown[]>(work: (...args: A) => Promise<void>, { login = false } = {}) {
  return async (...args: A): Promise<void> => {
    try {
      await work(...args);
    } catch (err) {
      let message: string;
      let exitCode = 1;
      if (err instanceof ApiFailure && err.status === 401 && !login) message = NOT_LOGGED_IN;
      else if (err instanceof CliError) {
        message = err.message;
        exitCode = err.exitCode;
      } else message = `INTERNAL: ${(err as Error).stack ?? String(err)}`;
      process.stderr.write(
        message
          .split('\n')
          .map((line) => `error: ${line}\n`)
          .join(''),
      );
      // A usage error (exit code 2) ends with the hint commander gives its own: the command's help.
      const command = args[args.length - 1];
      if (exitCode === 2 && command instanceof Command) process.stderr.write(`see ${commandPath(command)} --help\n`);
      process.exitCode = exitCode;
    }
  };
}

/** `clickd projects create`: the words that name a command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export interface NamedRecord {
  id: string;
  name?: string;
}

/**
 * A record named on the command line by its id or by its exact name (case-insensitive), so that
 * `clickd projects delete "Campaign 2026"` works as well as with the id.
 */
export async function resolveRecord<T extends NamedRecord>(
  client: ApiClient,
  what: { noun: string; list: string; nameParameter?: string; nameOf?: (r: T) => string | undefined },
  reference: string,
  { deleted = false }: { deleted?: boolean } = {},
): Promise<{ id: string; record?: T }> {
  if (UUID.test(reference)) return { id: reference };
  const nameParameter = what.nameParameter ?? 'name';
  const nameOf = what.nameOf ?? ((r: T) => r.name);
  const wanted = reference.trim().toLowerCase();
  const page = await client.get<Page<T>>(what.list, {
    [nameParameter]: reference.trim(),
    pagesize: 1000,
    deleted: deleted ? true : undefined,
  });
  const matches = page.data.filter((r) => nameOf(r)?.trim().toLowerCase() === wanted);
  if (matches.length === 1) return { id: matches[0]!.id, record: matches[0] };
  if (matches.length === 0) {
    throw new CliError(
      `NOT_FOUND: there is no ${deleted ? 'deleted ' : ''}${what.noun} named "${reference}" (give its name or id).`,
    );
  }
  throw new CliError(
    `several ${what.noun}s are named "${reference}"; give the id instead: ${matches.map((m) => m.id).join(', ')}`,
  );
}

/** The signed-in client for a command's --server. */
export function signedIn(options: ClientOptions): ApiClient {
  return ApiClient.signedIn(options.server);
}
