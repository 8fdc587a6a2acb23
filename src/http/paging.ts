import type { FastifyReply } from 'fastify';
import { Type, type TProperties } from 'typebox';
import type { JsonPage } from '../store/listing.js';
import { Invalid } from '../errors.js';

export const MAX_PAGE_SIZE = 1000;
/** Beyond any list's last page, and small enough that (page - 1) × pagesize stays an exact integer. */
export const MAX_PAGE = 2 ** 31 - 1;

/** Query booleans: true/false in any case, or 1/0 (DECISIONS.md section 2). */
export const BooleanQuery = (description: string) =>
  Type.String({ pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$', description });

export function parseBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  return v === 'true' || v === '1';
}

export const TokenQuery = {
  token: Type.Optional(Type.String({ description: 'Session or API token (an Authorization: Bearer header works too).' })),
};

export const Uuid = (description: string) => Type.String({ format: 'uuid', description });

/** The documented paging parameters of every list endpoint, with the endpoint's default sort field. */
export function pagingQuery<T extends TProperties>(defaultSort: string, extra: T = {} as T) {
  return Type.Object({
    ...TokenQuery,
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number, 1-based.' })),
    pagesize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, description: `Records per page, 1 to ${MAX_PAGE_SIZE}.` }),
    ),
    sortfield: Type.Optional(Type.String({ default: defaultSort, description: 'Field to sort by, case-insensitive.' })),
    descending: Type.Optional(BooleanQuery('Sort direction.')),
    ...extra,
  });
}

/** The keyword that carries a list's sort fields to the OpenAPI document (ignored by validation). */
export const SORT_FIELDS = 'x-sortfields';

/**
 * Declares the values a list's `sortfield` takes, for the OpenAPI document (which lists them as an enum);
 * validation stays case-insensitive, in parseListOptions. Returns the query schema, marked.
 */
export function sortable<T extends { properties: Record<string, unknown> }>(
  query: T,
  sortFields: Record<string, string>,
  aliases: Record<string, string> = {},
): T {
  const sortfield = query.properties.sortfield as Record<string, unknown> | undefined;
  if (sortfield) sortfield[SORT_FIELDS] = [...new Set([...Object.keys(sortFields), ...Object.keys(aliases)])];
  return query;
}

export interface SortField {
  /** The field's API name, as echoed in `options.sort`. */
  field: string;
  /** The qualified column it sorts on. */
  column: string;
}

export interface ListOptions {
  page: number;
  pageSize: number;
  sort: SortField;
  /** The qualified column of `sort` (what the store sorts on). */
  sortColumn: string;
  descending: boolean;
  /** List the soft-deleted records instead of the live ones (`deleted=true`). */
  deleted: boolean;
}

/**
 * Resolves the list parameters (paging, sort, deleted) against the sort fields a list allows (names
 * matched case-insensitively; aliases allowed): the one parser of every list. An unknown field is a 499
 * naming the allowed ones.
 */
export function parseListOptions(
  query: { page?: number; pagesize?: number; sortfield?: string; descending?: string; deleted?: string },
  sortFields: Record<string, string>,
  defaults: { sortfield: string; descending?: boolean },
  aliases: Record<string, string> = {},
): ListOptions {
  const requested = (query.sortfield ?? defaults.sortfield).trim();
  const wanted = requested.toLowerCase();
  const aliased = Object.entries(aliases).find(([alias]) => alias.toLowerCase() === wanted)?.[1];
  const field = Object.keys(sortFields).find((f) => f.toLowerCase() === (aliased ?? requested).toLowerCase());
  if (!field) {
    throw new Invalid(`'sortfield' "${requested}" is not allowed; use one of: ${Object.keys(sortFields).join(', ')}.`);
  }
  return {
    page: query.page ?? 1,
    pageSize: query.pagesize ?? 50,
    sort: { field, column: sortFields[field]! },
    sortColumn: sortFields[field]!,
    descending: parseBoolean(query.descending, defaults.descending ?? false),
    deleted: parseBoolean(query.deleted, false),
  };
}

/** The documented DTOCollection envelope. */
export function collection<T>(data: T[], total: number, options: ListOptions) {
  return {
    data,
    total,
    options: {
      page: options.page,
      pageSize: options.pageSize,
      sort: [{ field: options.sort.field, descending: options.descending }],
    },
  };
}

/**
 * Sends the DTOCollection envelope around a page that SQLite already wrote as JSON (fetchJsonPage):
 * the same body `collection` gives, without building or serializing an object per record.
 */
export function sendCollectionJson(reply: FastifyReply, page: JsonPage, options: ListOptions): FastifyReply {
  const envelope = JSON.stringify(collection([], page.total, options).options);
  const body = `{"data":${page.json},"total":${page.total},"options":${envelope}}`;
  return reply.type('application/json; charset=utf-8').send(body);
}

/** A 200 with no body (the documented "Returns HTTP 200"). */
export const Done = { 200: Type.Unsafe<void>({ description: 'Done; no body.' }) };

export const CollectionOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    total: Type.Integer({ description: 'All matching records, not only this page.' }),
    options: Type.Object({
      page: Type.Integer(),
      pageSize: Type.Integer(),
      sort: Type.Array(Type.Object({ field: Type.String(), descending: Type.Boolean() })),
    }),
  });
