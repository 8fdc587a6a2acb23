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
  const field = lowerCaseNames(sortFields).get(aliased === undefined ? wanted : aliased.toLowerCase());
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

/** A list's sort fields by their names in lower case (the lists' tables are constants: found once). */
const lowerCaseNamesOf = new WeakMap<Record<string, string>, Map<string, string>>();
function lowerCaseNames(sortFields: Record<string, string>): Map<string, string> {
  let names = lowerCaseNamesOf.get(sortFields);
  if (!names) {
    names = new Map();
    // The first of two fields that differ only in case wins, as a search in declaration order finds it.
    for (const f of Object.keys(sortFields)) if (!names.has(f.toLowerCase())) names.set(f.toLowerCase(), f);
    lowerCaseNamesOf.set(sortFields, names);
  }
  return names;
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
  // What JSON.stringify(collection([], page.total, options).options) writes (page and pageSize are integers).
  const envelope = `{"page":${options.page},"pageSize":${options.pageSize},"sort":[{"field":${JSON.stringify(options.sort.field)},"descending":${options.descending}}]}`;
  const tail = `,"total":${page.total},"options":${envelope}}`;
  reply.type('application/json; charset=utf-8');
  if (page.json.length < LARGE_BODY) return reply.send(`${HEAD}${page.json}${tail}`);
  return reply.send(largeBody(reply, page.json, tail));
}

const HEAD = '{"data":';
/** Pages whose JSON is at least this long (in UTF-16 units) are sent as bytes: a details page, a long page. */
const LARGE_BODY = 64 * 1024;
/** Byte buffers of sent large bodies, reused: at most this many, each at most this large. */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 16;
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

/**
 * A large body written once into bytes. Sent as a string (a details page is ~440 KB), it would be copied
 * into a second string (the concatenation, flattened when written) and then encoded into a third, malloc'd
 * buffer while being written; with 10 such answers in flight, the strings caught alive by a young-generation
 * collection move to the old generation and stay until a full one (Node 24: 4-15 MB of them under details
 * load). Here the SQLite string dies young and the bytes go into a buffer that is used again once the
 * response has been handed to the operating system ('finish'): no garbage per answer. A response the cache
 * keeps (responseCache.ts) gets bytes of its own.
 */
function largeBody(reply: FastifyReply, json: string, tail: string): Buffer {
  const size = HEAD.length + Buffer.byteLength(json) + Buffer.byteLength(tail);
  const kept = reply.request.responseCacheKey !== undefined;
  const buffer = kept ? Buffer.allocUnsafeSlow(size) : takeSpareBuffer(size);
  let at = buffer.write(HEAD, 0, 'latin1');
  at += buffer.write(json, at);
  buffer.write(tail, at);
  if (kept) return buffer;
  // Not returned if the response never finishes (the client went away): then it is garbage as usual.
  reply.raw.once('finish', () => {
    if (spareBuffers.length < MAX_SPARE_BUFFERS && buffer.length <= MAX_SPARE_BYTES) spareBuffers.push(buffer);
  });
  return buffer.subarray(0, size);
}

function takeSpareBuffer(size: number): Buffer {
  for (let i = spareBuffers.length - 1; i >= 0; i--) {
    const buffer = spareBuffers[i]!;
    if (buffer.length >= size) {
      spareBuffers.splice(i, 1);
      return buffer;
    }
  }
  // Rounded up, so that the next pages, a little longer or shorter, fit in it too.
  return Buffer.allocUnsafeSlow(Math.ceil((size * 1.25) / 65536) * 65536);
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
