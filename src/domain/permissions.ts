import type { Store } from '../store/store.js';
import { ApiError, NotFound } from '../errors.js';
import type { GrantKind, NewGrant } from '../store/permissions.js';

/** What each side of a grant is called in messages. */
const labels: Record<'users' | 'user_groups' | 'projects' | 'shared_cloud_drives', string> = {
  users: 'User',
  user_groups: 'User group',
  projects: 'Project',
  shared_cloud_drives: 'Shared cloud drive',
};

/**
 * Grants permissions, all or nothing: every subject and target must be a live record of the account, or
 * nothing is written and the error names each id not found. A pair that already has a grant keeps it
 * (POST skips it silently; PUT changes types), and so does a pair repeated in the request after its first.
 */
export async function grantPermissions(
  store: Store,
  accountId: string,
  kind: GrantKind,
  requested: readonly NewGrant[],
): Promise<void> {
  const info = store.permissions.grantKinds[kind];
  const subjectIds = [...new Set(requested.map((g) => g.subjectId))];
  const targetIds = [...new Set(requested.map((g) => g.targetId))];
  await store.transaction(async ({ db: trx }) => {
    const subjects = new Set(
      (await store.permissions.liveRecords(trx, accountId, info.subjectTable, subjectIds)).map((r) => r.id),
    );
    const targets = new Set((await store.permissions.liveRecords(trx, accountId, info.targetTable, targetIds)).map((r) => r.id));
    const missing = [
      ...subjectIds.filter((id) => !subjects.has(id)).map((id) => `${labels[info.subjectTable]} ${id} not found.`),
      ...targetIds.filter((id) => !targets.has(id)).map((id) => `${labels[info.targetTable]} ${id} not found.`),
    ];
    if (missing.length > 0) throw new ApiError('NOT_FOUND', missing);
    const firstOfPair = new Map<string, NewGrant>();
    for (const g of requested)
      if (!firstOfPair.has(`${g.subjectId}/${g.targetId}`)) firstOfPair.set(`${g.subjectId}/${g.targetId}`, g);
    await store.permissions.insertGrants(trx, accountId, kind, [...firstOfPair.values()]);
  });
}

/**
 * Changes the permission type of existing grants, all or nothing: each id must name a grant of the
 * account between live records, else nothing changes and the error names each id not found.
 */
export async function changePermissions(
  store: Store,
  accountId: string,
  kind: GrantKind,
  changes: readonly { id: string; permissionType: number }[],
): Promise<void> {
  const ids = [...new Set(changes.map((c) => c.id))];
  await store.transaction(async ({ db: trx }) => {
    const found = new Set((await store.permissions.findGrants(trx, accountId, kind, ids)).map((g) => g.id));
    const missing = ids.filter((id) => !found.has(id)).map((id) => `Permission ${id} not found.`);
    if (missing.length > 0) throw new ApiError('NOT_FOUND', missing);
    // A repeated id takes its last type.
    const last = new Map(changes.map((c) => [c.id, c]));
    await store.permissions.setPermissionTypes(trx, accountId, kind, [...last.values()]);
  });
}

/** Removes one grant by its id; NOT_FOUND for an unknown id or one of another account. */
export async function revokePermission(store: Store, accountId: string, kind: GrantKind, id: string): Promise<void> {
  const { db } = store;
  if (!(await store.permissions.deleteGrant(db, accountId, kind, id))) throw new NotFound('Permission', id);
}
