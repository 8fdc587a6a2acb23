import { Type } from 'typebox';
import { pagingQuery, sortable, TokenQuery, Uuid } from '../../http/paging.js';
import { API_TOKEN_TITLE_MAX } from '../../domain/apiTokens.js';
import { apiToken } from '../../records/index.js';

export const ApiToken = apiToken.schema;

export const CreatedApiToken = Type.Object(
  {
    ...apiToken.schema.properties,
    token: Type.String({
      description: 'The token value: use it as ?token= or an Authorization: Bearer header. Shown only in this response.',
    }),
  },
  { $id: 'CreatedApiToken' },
);

export const ApiTokenList = Type.Array(ApiToken, { description: "The caller's own tokens, newest first: a plain array." });

export const InsertApiTokenBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: API_TOKEN_TITLE_MAX, description: 'Trimmed; must not be blank.' }),
  expirationDate: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'ISO-8601 date-time with a time zone, in the future. Absent or null: the token does not expire.',
    }),
  ),
});

export const ApiTokenQuery = Type.Object(TokenQuery);
export const DeleteApiTokenQuery = Type.Object({ ...TokenQuery, id: Uuid('The API token to delete.') });

/** The Web API's get_all sort fields (API name → the listed token's key). */
export const API_TOKEN_SORT: Record<string, string> = {
  CreateDate: 'createDate',
  Title: 'title',
  ExpirationDate: 'expirationDate',
};

/** The Web API's get_all query: paged, by default newest first (sortfield CreateDate, descending true). */
export const WebApiTokenQuery = sortable(pagingQuery('CreateDate'), API_TOKEN_SORT);
