import type { Store } from '../store/store.js';
import type { AppContext, Principal } from '../context.js';
import { AccessDenied, Duplicate, Invalid, NotFound, TokenInvalid } from '../errors.js';
import type { User, UserUpdate } from '../store/types.js';
import { UserStatus, UserType } from '../store/values.js';
import { checkPassword } from './accounts.js';
import { sendMail } from './mail.js';
import { hashPassword } from './passwords.js';
import * as records from '../records/index.js';
import { requireMatch } from './versions.js';
import { randomToken, sha256 } from './secrets.js';

/** An invitation is valid for seven days; resend_user_email issues a fresh one. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Provider and reseller roles belong to Amove's own tenants, never to a user an account admin creates. */
const PROVIDER_TYPES = UserType.ProviderAdmin | UserType.ResellerAdmin;

export interface NewUserInput {
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  userType: number;
}

export const duplicateUsername = () => new Duplicate('A user with this username already exists.');

export function checkUserType(userType: number, field = 'userType'): void {
  if ((userType & PROVIDER_TYPES) !== 0) {
    throw new Invalid(
      `'${field}' may combine AccountAdmin (4), AccountUser (8), DesktopAdmin (16), DesktopCreativeUser (32) and DesktopStandardUser (64); ProviderAdmin (1) and ResellerAdmin (2) cannot be given.`,
    );
  }
}

/** The column values of a new, pending user: no password until the invitation is accepted. */
export function pendingUser(accountId: string, input: NewUserInput) {
  return {
    account_id: accountId,
    username: input.username.trim(),
    email: input.email.trim(),
    firstname: input.firstname.trim(),
    lastname: input.lastname.trim(),
    user_type: input.userType,
    status: UserStatus.Pending,
    owner: 0 as const,
    mfa: 0 as const,
    mfa_secret: null,
    mfa_pending_secret: null,
    password_hash: null,
    auth_provider: 0,
    migration: 0 as const,
    deleted: 0 as const,
    signup_date: null,
  };
}

/** A fresh invitation token for each user; only their hashes are stored. Runs in the caller's transaction. */
export async function issueInvitationTokens(store: Store, invited: readonly User[]): Promise<Map<string, string>> {
  const { db } = store;
  const tokens = new Map(invited.map((u) => [u.id, randomToken()]));
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS).toISOString();
  await store.invitations.issueInvitations(
    db,
    invited.map((u) => ({ accountId: u.account_id, userId: u.id, tokenHash: sha256(tokens.get(u.id)!), expiresAt })),
  );
  return tokens;
}

/** Writes one invitation message per user to the outbox (after the transaction that created them). */
export async function sendInvitations(ctx: AppContext, accountId: string, invited: readonly User[], tokens: Map<string, string>) {
  if (invited.length === 0) return;
  const account = await ctx.store.users.findAccount(ctx.store.db, accountId);
  for (const user of invited) {
    const token = tokens.get(user.id)!;
    sendMail(ctx, {
      to: user.email,
      subject: `You are invited to ${account?.name ?? 'an account'} on clickd`,
      text: [
        `You have been invited to join ${account?.name ?? 'an account'} on clickd as ${user.username}.`,
        '',
        `Invitation token (valid 7 days): ${token}`,
        '',
        `See the invitation: GET /user/signupinfo?token=${token}`,
        `Accept it: POST /user/signup {"firstname": "...", "lastname": "...", "password": "at least 8 characters", "token": "${token}"}`,
      ].join('\n'),
    });
  }
}

/** Creates a pending user and its invitation in one transaction, then sends the invitation. */
export async function inviteUser(
  ctx: AppContext,
  accountId: string,
  input: NewUserInput,
  /** Runs in the same transaction once the user exists (its audit entry). */
  then?: (tx: Store, user: User) => Promise<void>,
): Promise<User> {
  checkUserType(input.userType);
  let created: { user: User; tokens: Map<string, string> };
  try {
    created = await ctx.store.transaction(async (tx) => {
      const trx = tx.db;
      if (await ctx.store.users.findUserByUsername(trx, input.username)) throw duplicateUsername();
      const [user] = await ctx.store.users.insertUsers(trx, [pendingUser(accountId, input)]);
      await then?.(tx, user!);
      return { user: user!, tokens: await issueInvitationTokens(tx, [user!]) };
    });
  } catch (err) {
    if (ctx.store.isUniqueViolation(err)) throw duplicateUsername();
    throw err;
  }
  await sendInvitations(ctx, accountId, [created.user], created.tokens);
  return created.user;
}

/** Issues a new invitation token to a pending user of the account (the old one stops working). */
export async function resendInvitation(
  ctx: AppContext,
  accountId: string,
  which: { id?: string; username?: string },
  then?: (tx: Store, user: User) => Promise<void>,
) {
  let user: User | undefined;
  if (which.id !== undefined) user = await ctx.store.users.findUser(ctx.store.db, accountId, which.id);
  else if (which.username !== undefined) {
    const found = await ctx.store.users.findUserByUsername(ctx.store.db, which.username);
    user = found?.account_id === accountId ? found : undefined;
  } else throw new Invalid("'id' or 'username' is required: name the user to invite again.");
  if (!user) throw new NotFound('User', which.id ?? which.username);
  if (user.status !== UserStatus.Pending) {
    throw new Invalid(
      `User ${user.username} is not pending: only a user who has not accepted the invitation can be sent it again.`,
    );
  }
  const pending = user;
  const tokens = await ctx.store.transaction(async (tx) => {
    const issued = await issueInvitationTokens(tx, [pending]);
    await then?.(tx, pending);
    return issued;
  });
  await sendInvitations(ctx, accountId, [pending], tokens);
}

export interface UserEdit {
  id: string;
  firstname?: string;
  lastname?: string;
  username?: string;
  email?: string;
  userType?: number;
  status?: number;
  /** The ETags the caller read the user with (If-Match): PRECONDITION if the user has changed since. */
  ifMatch?: readonly string[];
}

/**
 * Applies an admin's changes to a user; fields not given keep their values. The owner's userType and
 * status never change, and only the owner changes the owner's username or email (499 ACCESS); an admin
 * cannot deactivate themselves; a pending user becomes active only by accepting the invitation.
 */
export async function editUser(store: Store, principal: Principal, edit: UserEdit): Promise<User> {
  const { accountId } = principal;
  try {
    return await store.transaction(async ({ db: trx }) => {
      // With If-Match, the user is locked before it is read: the check and the change are one step.
      if (edit.ifMatch) await store.rowLocks.lockRecord(trx, 'users', accountId, edit.id);
      const user = await store.users.findUser(trx, accountId, edit.id);
      if (!user) throw new NotFound('User', edit.id);
      if (edit.ifMatch) requireMatch(edit.ifMatch, records.user.present(user));
      const changes: UserUpdate = {};
      if (edit.firstname !== undefined) changes.firstname = edit.firstname.trim();
      if (edit.lastname !== undefined) changes.lastname = edit.lastname.trim();
      if (edit.email !== undefined) changes.email = edit.email.trim();
      if (edit.username !== undefined && edit.username.trim() !== user.username) {
        const username = edit.username.trim();
        const holder = await store.users.findUserByUsername(trx, username);
        if (holder && holder.id !== user.id) throw duplicateUsername();
        changes.username = username;
        changes.username_key = username.toLowerCase();
      }
      if (user.owner === 1 && principal.userId !== user.id && (changes.username !== undefined || changes.email !== undefined)) {
        throw new AccessDenied("Only the account owner may change the owner's username or email.");
      }
      if (edit.userType !== undefined && edit.userType !== user.user_type) {
        if (user.owner === 1) throw new AccessDenied("The account owner's userType cannot be changed.");
        checkUserType(edit.userType);
        changes.user_type = edit.userType;
      }
      if (edit.status !== undefined && edit.status !== user.status) {
        if (edit.status === UserStatus.Pending)
          throw new Invalid("'status' may be set to Active (1) or Inactive (2), not Pending (4).");
        if (user.owner === 1) throw new AccessDenied("The account owner's status cannot be changed.");
        if (user.status === UserStatus.Pending) {
          throw new Invalid('A pending user becomes active by accepting the invitation; its status cannot be set until then.');
        }
        if (user.id === principal.userId) throw new AccessDenied('You cannot deactivate yourself.');
        changes.status = edit.status;
      }
      if (Object.keys(changes).length > 0) await store.users.updateUser(trx, accountId, user.id, changes);
      // A deactivated user is signed out at once (authentication refuses inactive users anyway).
      if (changes.status === UserStatus.Inactive) await store.sessions.endUserSessions(trx, user.id);
      return (await store.users.findUser(trx, accountId, user.id))!;
    });
  } catch (err) {
    if (store.isUniqueViolation(err)) throw duplicateUsername();
    throw err;
  }
}

/**
 * Soft-deletes a user and, in the same transaction, ends its sessions, drops its group memberships,
 * its permissions and its unused invitation. The owner and the caller themselves cannot be deleted.
 */
export async function deleteUser(store: Store, principal: Principal, userId: string): Promise<void> {
  const { accountId } = principal;
  await store.transaction(async ({ db: trx }) => {
    const user = await store.users.findUser(trx, accountId, userId);
    if (!user) throw new NotFound('User', userId);
    if (user.owner === 1) throw new AccessDenied('The account owner cannot be deleted.');
    if (user.id === principal.userId) throw new AccessDenied('You cannot delete yourself.');
    await store.users.softDeleteUser(trx, accountId, userId);
    await store.sessions.endUserSessions(trx, userId);
    await store.userGroupMembers.deleteMembershipsOf(trx, accountId, { userId });
    await store.permissions.deletePermissionsOf(trx, accountId, 'users', userId);
    await store.invitations.revokeInvitations(trx, accountId, userId);
  });
}

/** The invited user and account behind a live invitation token; 499 TOKEN if it is unknown, expired or used. */
export async function invitationOf(store: Store, token: string | undefined) {
  const { db } = store;
  const invitation = token ? await store.invitations.findLiveInvitation(db, sha256(token), UserStatus.Pending) : undefined;
  const user = invitation ? await store.users.findUser(db, invitation.account_id, invitation.user_id) : undefined;
  if (!invitation || !user) throw new TokenInvalid('The invitation token is invalid, expired or already used.');
  return { invitation, user };
}

/** Accepts an invitation: sets the password (and names, when given), activates the user, consumes the token. */
export async function acceptInvitation(
  store: Store,
  input: { token: string; password: string; firstname?: string; lastname?: string },
  /** Runs in the same transaction, with the user before the change (the audit entry of the sign-up). */
  then?: (tx: Store, user: User) => Promise<void>,
): Promise<void> {
  checkPassword(input.password);
  const { invitation, user } = await invitationOf(store, input.token);
  const passwordHash = await hashPassword(input.password);
  await store.transaction(async (tx) => {
    const trx = tx.db;
    // Two sign-ups racing on one token: only the first consumes it.
    if (!(await store.invitations.consumeInvitation(trx, invitation.invitation_id))) {
      throw new TokenInvalid('The invitation token is invalid, expired or already used.');
    }
    const changes: UserUpdate = { password_hash: passwordHash, status: UserStatus.Active, signup_date: new Date().toISOString() };
    if (input.firstname !== undefined) changes.firstname = input.firstname.trim();
    if (input.lastname !== undefined) changes.lastname = input.lastname.trim();
    await store.users.updateUser(trx, user.account_id, user.id, changes);
    await then?.(tx, user);
  });
}
