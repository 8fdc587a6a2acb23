import type { Store } from '../store/store.js';
import type { AppContext } from '../context.js';
import { ApiError, Invalid, NotFound } from '../errors.js';
import { nameKey } from '../store/listing.js';
import type { User, UserGroup } from '../store/types.js';
import type { Membership } from '../store/userGroupMembers.js';
import {
  checkUserType,
  duplicateUsername,
  issueInvitationTokens,
  pendingUser,
  sendInvitations,
  type NewUserInput,
} from './users.js';

/** Soft-deletes a group with its memberships and the permissions granted to it, in one transaction. */
export async function deleteUserGroup(store: Store, accountId: string, userGroupId: string): Promise<void> {
  await store.transaction(async ({ db: trx }) => {
    if (!(await store.userGroups.softDelete(trx, accountId, userGroupId))) throw new NotFound('User group', userGroupId);
    await store.userGroupMembers.deleteMembershipsOf(trx, accountId, { userGroupId });
    await store.permissions.deletePermissionsOf(trx, accountId, 'user_groups', userGroupId);
  });
}

/**
 * Adds users to groups, all or nothing: every id must name a live record of the account, or nothing is
 * written and the error lists the ids not found. Pairs that exist already, or repeat, are skipped.
 */
export async function assignUsers(store: Store, accountId: string, pairs: readonly Membership[]): Promise<void> {
  const userIds = [...new Set(pairs.map((p) => p.userId))];
  const groupIds = [...new Set(pairs.map((p) => p.userGroupId))];
  await store.transaction(async ({ db: trx }) => {
    const knownUsers = new Set((await store.users.findUsers(trx, accountId, userIds)).map((u) => u.id));
    const knownGroups = new Set((await store.userGroups.findMany(trx, accountId, groupIds)).map((g) => g.id));
    const missing = [
      ...userIds.filter((id) => !knownUsers.has(id)).map((id) => `User ${id} not found.`),
      ...groupIds.filter((id) => !knownGroups.has(id)).map((id) => `User group ${id} not found.`),
    ];
    if (missing.length > 0) throw new ApiError('NOT_FOUND', missing);
    const unique = new Map(pairs.map((p) => [`${p.userId}/${p.userGroupId}`, p]));
    await store.userGroupMembers.insertMemberships(trx, accountId, [...unique.values()]);
  });
}

export interface ImportItem {
  user: { username: string; email: string; userType: number; firstname?: string; lastname?: string };
  userGroups?: { id?: string; name: string }[];
}

export interface ImportResult {
  /** Users created (pending, invited). */
  created: number;
  /** Users of the caller's account that were reused. */
  reused: number;
  /** Groups created because no group had their name. */
  groupsCreated: number;
}

/**
 * Imports users into groups in one transaction. A username already in the caller's account reuses that
 * user; one that belongs to another account is skipped without a word (its groups are not touched);
 * any other is created Pending and invited. Groups are found by id, else by name case-insensitively,
 * and created when missing. There is no billing, so never 402.
 */
export async function importUsers(
  ctx: AppContext,
  accountId: string,
  items: readonly ImportItem[],
  /** Runs in the same transaction, with the result (the audit entry of the import). */
  then?: (tx: Store, result: ImportResult & { userIds: string[] }) => Promise<void>,
): Promise<ImportResult> {
  const problems: string[] = [];
  items.forEach((item, i) => {
    try {
      checkUserType(item.user.userType, `[${i}].user.userType`);
    } catch (err) {
      problems.push((err as Error).message);
    }
    (item.userGroups ?? []).forEach((group, j) => {
      if (group.name.trim() === '') problems.push(`'[${i}].userGroups[${j}].name' must not be blank.`);
    });
  });
  if (problems.length > 0) throw new Invalid(problems);

  const keyOf = (item: ImportItem) => item.user.username.trim().toLowerCase();
  let outcome: { result: ImportResult; created: User[]; tokens: Map<string, string> };
  try {
    outcome = await ctx.store.transaction(async (tx) => {
      const trx = tx.db;
      const existing = new Map(
        (await ctx.store.users.findUsersByUsernameKeys(trx, items.map(keyOf))).map((u) => [u.username_key, u]),
      );
      const kept = items.filter((item) => {
        const found = existing.get(keyOf(item));
        return !found || found.account_id === accountId;
      });

      const toCreate = new Map<string, NewUserInput>();
      for (const { user } of kept) {
        if (existing.has(keyOf({ user })) || toCreate.has(keyOf({ user }))) continue;
        toCreate.set(keyOf({ user }), { firstname: '', lastname: '', ...user });
      }
      const created = await ctx.store.users.insertUsers(
        trx,
        [...toCreate.values()].map((input) => pendingUser(accountId, input)),
      );
      const tokens = await issueInvitationTokens(tx, created);
      const userByKey = new Map([...existing.values(), ...created].map((u) => [u.username_key, u]));

      const refs = kept.flatMap((item) => item.userGroups ?? []);
      const found = await ctx.store.userGroupMembers.findGroupsByNameOrId(
        trx,
        accountId,
        refs.map((r) => nameKey(r.name)),
        refs.flatMap((r) => (r.id ? [r.id] : [])),
      );
      const groupById = new Map(found.map((g) => [g.id, g]));
      const groupByName = new Map(found.map((g) => [g.name_key, g]));
      let groupsCreated = 0;
      const groupOf = async (ref: { id?: string; name: string }): Promise<UserGroup> => {
        const known = (ref.id ? groupById.get(ref.id) : undefined) ?? groupByName.get(nameKey(ref.name));
        if (known) return known;
        const group = await ctx.store.userGroups.insert(trx, accountId, { name: ref.name.trim(), description: '', active: 1 });
        groupsCreated++;
        groupByName.set(group.name_key, group);
        return group;
      };

      const memberships: Membership[] = [];
      for (const item of kept) {
        const user = userByKey.get(keyOf(item))!;
        for (const ref of item.userGroups ?? []) memberships.push({ userId: user.id, userGroupId: (await groupOf(ref)).id });
      }
      const unique = new Map(memberships.map((m) => [`${m.userId}/${m.userGroupId}`, m]));
      await ctx.store.userGroupMembers.insertMemberships(trx, accountId, [...unique.values()]);
      const reused = new Set(kept.map(keyOf).filter((k) => existing.has(k))).size;
      await then?.(tx, { created: created.length, reused, groupsCreated, userIds: created.map((u) => u.id) });
      return { result: { created: created.length, reused, groupsCreated }, created, tokens };
    });
  } catch (err) {
    // Another request created one of these usernames meanwhile.
    if (ctx.store.isUniqueViolation(err)) throw duplicateUsername();
    throw err;
  }
  await sendInvitations(ctx, accountId, outcome.created, outcome.tokens);
  return outcome.result;
}
