/** Human-readable output of the client commands: aligned tables, key/value blocks, short dates. */

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longer cells are cut with an ellipsis (free text such as descriptions). */
  max?: number;
}

/** One cell as text: booleans as yes/no, nothing as "-". */
export function cell(value: unknown, max?: number): string {
  let text: string;
  if (value === undefined || value === null || value === '') text = '-';
  else if (typeof value === 'boolean') text = value ? 'yes' : 'no';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A table with a header row and columns padded to their widest cell, two spaces apart. */
export function table<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `Label:  value` lines, labels padded to the longest. */
export function keyValues(pairs: [string, unknown][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${cell(v)}`).join('\n') + '\n';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO date as `YYYY-MM-DD HH:MM` in local time. */
export function shortDate(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export interface Page<T> {
  data: T[];
  total: number;
  options?: { page?: number; pageSize?: number };
}

/** The table of one page of a list, with a line saying where the page sits in the whole. */
export function pageTable<T>(page: Page<T>, columns: Column<T>[], noun: { one: string; many: string }): string {
  if (page.total === 0) return `No ${noun.many}.\n`;
  const pageNumber = page.options?.page ?? 1;
  const pageSize = page.options?.pageSize ?? (page.data.length || 1);
  const pages = Math.max(1, Math.ceil(page.total / pageSize));
  const first = (pageNumber - 1) * pageSize + 1;
  const total = `${page.total} ${page.total === 1 ? noun.one : noun.many}`;
  if (page.data.length === 0)
    return `No ${noun.many} on page ${pageNumber}; ${total} in ${pages} page${pages === 1 ? '' : 's'}.\n`;
  const range = pages === 1 ? total : `${first}-${first + page.data.length - 1} of ${total}, page ${pageNumber} of ${pages}`;
  return table(page.data, columns) + `(${range})\n`;
}
