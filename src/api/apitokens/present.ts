import type { ApiToken } from '../../store/apiTokens.js';

/** The listed shape: the token value is never stored, let alone shown here. */
export function presentApiToken(row: ApiToken) {
  return {
    id: row.id,
    title: row.title,
    expirationDate: row.expiration_date,
    createDate: row.create_date,
  };
}
