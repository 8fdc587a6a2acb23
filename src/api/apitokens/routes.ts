import { audited } from '../../http/audit.js';
import { created, removed } from '../../domain/audit.js';
import type { App } from '../../http/types.js';
import { createApiToken, deleteApiToken } from '../../domain/apiTokens.js';
import { Done } from '../../http/paging.js';
import * as records from '../../records/index.js';
import { ApiTokenList, ApiTokenQuery, CreatedApiToken, DeleteApiTokenQuery, InsertApiTokenBody } from './schema.js';

const tags = ['ApiToken'];

/** Every user, admin or not, manages their own API tokens, and only those. */
export async function apiTokenRoutes(app: App): Promise<void> {
  const ctx = app.ctx;

  app.get(
    '/get_all',
    {
      config: { access: 'self' },
      schema: {
        tags,
        summary: "The caller's API tokens, newest first, without their values (a plain array).",
        querystring: ApiTokenQuery,
        response: { 200: ApiTokenList },
      },
    },
    async (request) => {
      const { accountId, userId } = request.principal;
      return (await ctx.store.apiTokens.listUserApiTokens(ctx.store.db, accountId, userId)).map(records.apiToken.present);
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
