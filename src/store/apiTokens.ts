import type { Db } from './db.js';
import { newId, now } from './listing.js';
import type { Selectable } from 'kysely';
import type { ApiTokenTable } from './types.js';

export type ApiToken = Selectable<ApiTokenTable>;

/** Records an API token; its session must already exist (the same transaction opened it). */
export async function insertApiToken(
  db: Db,
  token: {
    accountId: string;
    userId: string;
    sessionId: string;
    title: string;
    tokenHash: string;
    expirationDate: string | null;
  },
): Promise<ApiToken> {
  const row: ApiToken = {
    id: newId(),
    account_id: token.accountId,
    user_id: token.userId,
    session_id: token.sessionId,
    title: token.title,
    token_hash: token.tokenHash,
    expiration_date: token.expirationDate,
    create_date: now(),
  };
  await db.insertInto('api_tokens').values(row).execute();
  return row;
}

/** A user's own tokens, newest first (the Web API's default sort: CreateDate descending). */
export async function listUserApiTokens(db: Db, accountId: string, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .orderBy('create_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** One of the user's own tokens; another user's or account's token is not found. */
export async function findUserApiToken(db: Db, accountId: string, userId: string, id: string): Promise<ApiToken | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteApiToken(db: Db, accountId: string, id: string): Promise<void> {
  await db.deleteFrom('api_tokens').where('account_id', '=', accountId).where('id', '=', id).execute();
}
