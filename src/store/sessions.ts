import type { Db } from './db.js';
import { newId, now } from './listing.js';
import type { Session, SessionTable } from './types.js';

export async function insertSession(
  db: Db,
  session: { accountId: string; userId: string; kind: SessionTable['kind']; expiresAt: string },
): Promise<Session> {
  const row: Session = {
    id: newId(),
    account_id: session.accountId,
    user_id: session.userId,
    kind: session.kind,
    create_date: now(),
    expires_at: session.expiresAt,
    ended_at: null,
  };
  await db.insertInto('sessions').values(row).execute();
  return row;
}

/** The session with its user, for authenticating a request. */
export async function findSessionWithUser(db: Db, sessionId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.account_id',
      'sessions.user_id',
      'sessions.kind',
      'sessions.expires_at',
      'sessions.ended_at',
      'users.user_type',
      'users.owner',
      'users.status',
      'users.deleted',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: now() }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
}

/** Ends every open session of a user, optionally sparing one (the caller's own). */
export async function endUserSessions(db: Db, userId: string, except?: string): Promise<void> {
  let query = db.updateTable('sessions').set({ ended_at: now() }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (except) query = query.where('id', '!=', except);
  await query.execute();
}
