import type { Static } from 'typebox';
import { audited } from '../../http/audit.js';
import { created, removed } from '../../domain/audit.js';
import type { App } from '../../http/types.js';
import { createApiToken, deleteApiToken } from '../../domain/apiTokens.js';
import { Done, parseListOptions } from '../../http/paging.js';
import { shapeOf } from '../../http/shape.js';
import * as records from '../../records/index.js';
import {
  API_TOKEN_SORT,
  ApiTokenList,
  ApiTokenQuery,
  CreatedApiToken,
  DeleteApiTokenQuery,
  InsertApiTokenBody,
  WebApiTokenQuery,
} from './schema.js';

const tags = ['ApiToken'];

/** Every user, admin or not, manages their own API tokens, and only those. */
export async function apiTokenRoutes(app: App): Promise<void> {
  const ctx = app.ctx;
  // The Web API pages this list (page, pagesize, sortfield, descending) and still answers a plain array.
  const web = shapeOf(app.prefix) === 'web';

  app.get(
    '/get_all',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: web
          ? "A page of the caller's API tokens (newest first unless sorted otherwise), without their values: a plain array, not a DTOCollection."
          : "The caller's API tokens, newest first, without their values (a plain array).",
        querystring: web ? WebApiTokenQuery : ApiTokenQuery,
        response: { 200: ApiTokenList },
      },
    },
    async (request) => {
      const { accountId, userId } = request.principal;
      const tokens = (await ctx.store.apiTokens.listUserApiTokens(ctx.store.db, accountId, userId)).map(records.apiToken.present);
      if (!web) return tokens;
      const options = parseListOptions(request.query as Static<typeof WebApiTokenQuery>, API_TOKEN_SORT, {
        sortfield: 'CreateDate',
        descending: true,
      });
      return pageOf(
        tokens,
        options.sortColumn as keyof (typeof tokens)[number],
        options.descending,
        options.page,
        options.pageSize,
      );
    },
  );

  app.post(
    '/insert',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: 'Creates an API token: a long-lived session. The response is the only place its value appears.',
        querystring: ApiTokenQuery,
        body: InsertApiTokenBody,
        response: { 200: CreatedApiToken },
      },
    },
    async (request) => {
      const { record, token } = await audited(
        request,
        (tx) => createApiToken({ ...ctx, store: tx }, request.principal, request.body),
        ({ record }) => created('ApiToken', records.apiToken.present(record)),
      );
      return { ...records.apiToken.present(record), token };
    },
  );

  app.delete(
    '/delete',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: "Deletes one of the caller's API tokens and ends its session at once.",
        querystring: DeleteApiTokenQuery,
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => deleteApiToken({ ...ctx, store: tx }, request.principal, id),
        () => removed('ApiToken', id),
      );
      return reply.code(200).send();
    },
  );
}

/** One page of a user's tokens (a handful: sorted here), by a field then by id, so that pages never overlap. */
function pageOf<T extends { id: string }>(items: T[], field: keyof T, descending: boolean, page: number, pageSize: number): T[] {
  const key = (item: T) => item[field] as string | null;
  const sorted = [...items].sort((a, b) => {
    const x = key(a) ?? '';
    const y = key(b) ?? '';
    const order = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return descending ? -order : order;
  });
  return sorted.slice((page - 1) * pageSize, page * pageSize);
}
