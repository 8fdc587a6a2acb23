import { Option, type Command } from 'commander';
import type { Static } from 'typebox';
import type { AuditEntry as AuditEntrySchema } from '../../api/accountlog/schema.js';
import { CliError } from '../client.js';
import type { Page } from '../format.js';
import { clientCommand, group, run, signedIn, write, type ClientOptions } from './common.js';

/** An entry as `/accountlog/get_all` answers it (its schema is the API's). */
type AuditEntry = Static<typeof AuditEntrySchema>;

const CSV_COLUMNS = [
  'id',
  'createDate',
  'userId',
  'username',
  'apiTokenId',
  'ip',
  'userAgent',
  'action',
  'recordType',
  'recordId',
  'changes',
] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A date given on the command line, as the API's filter takes it; a usage error otherwise. */
function dateOption(flag: string) {
  return (value: string): string => {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(date.getTime())) throw new CliError(`${flag} must be a date (2026-01-31) or an ISO date-time.`, 2);
    return date.toISOString();
  };
}

export function registerAuditCommands(program: Command): void {
  const audit = group(
    program,
    'audit',
    "Read your account's audit log (admins).",
    ['  clickd audit export --since 2026-01-01 > audit.ndjson', '  clickd audit export --since 2026-01-01 --format csv'].join(
      '\n',
    ),
  );

  clientCommand(
    audit,
    'export',
    'Stream the audit log from a date on, oldest first, as NDJSON (one entry per line) or CSV.',
    [
      '  clickd audit export --since 2026-01-01 > audit.ndjson',
      '  clickd audit export --since 2026-01-01T12:00:00Z --until 2026-02-01 --format csv > audit.csv',
    ].join('\n'),
  )
    .requiredOption('--since <date>', 'the first date to export (inclusive): 2026-01-31 or an ISO date-time')
    .option('--until <date>', 'stop before this date (exclusive)')
    .addOption(new Option('--format <format>', 'ndjson or csv').choices(['ndjson', 'csv']).default('ndjson'))
    .action(
      run(async (options: ClientOptions & { since: string; until?: string; format: 'ndjson' | 'csv' }) => {
        const from = dateOption('--since')(options.since);
        const to = options.until === undefined ? undefined : dateOption('--until')(options.until);
        const client = signedIn(options);
        const pageSize = 1000;
        if (options.format === 'csv') write(`${CSV_COLUMNS.join(',')}\n`);
        // Oldest first: entries written meanwhile land after the pages already read.
        for (let page = 1; ; page++) {
          const result = await client.get<Page<AuditEntry>>('/accountlog/get_all', {
            from,
            to,
            page,
            pagesize: pageSize,
            descending: false,
          });
          const lines = result.data.map((entry) =>
            options.format === 'csv' ? CSV_COLUMNS.map((column) => csvField(entry[column])).join(',') : JSON.stringify(entry),
          );
          if (lines.length > 0) write(`${lines.join('\n')}\n`);
          if (result.data.length < pageSize) break;
        }
      }),
    );
}
