import type { Db } from '../../store/db.js';
import { permissions } from '../../store/index.js';
import type { GrantKind } from '../../store/permissions.js';
import * as records from '../../records/index.js';
import { presentGrant, type PermissionOf } from '../../records/index.js';

/** The grant kinds on each side of a details view: users', then groups'. */
const kindsOn = {
  projects: ['userProject', 'userGroupProject'],
  shared_cloud_drives: ['userSharedCloudDrive', 'userGroupSharedCloudDrive'],
} as const satisfies Record<string, readonly [GrantKind, GrantKind]>;
type KindsOn = typeof kindsOn;

export interface GrantsData<U extends GrantKind, G extends GrantKind> {
  usersData: { user: ReturnType<typeof records.user.present>; permission: PermissionOf<U> }[];
  groupsData: { userGroup: ReturnType<typeof records.userGroup.present>; permission: PermissionOf<G> }[];
}

/**
 * The usersData and groupsData of a page of projects (or drives) for the details views: four queries
 * whatever the page size (the grants of each kind on the page's ids, then the users and groups they name).
 */
export async function grantsDataOf<Of extends keyof KindsOn>(
  db: Db,
  accountId: string,
  of: Of,
  targetIds: readonly string[],
): Promise<(targetId: string) => GrantsData<KindsOn[Of][0], KindsOn[Of][1]>> {
  type Data = GrantsData<KindsOn[Of][0], KindsOn[Of][1]>;
  const [userKind, groupKind] = kindsOn[of] as readonly [KindsOn[Of][0], KindsOn[Of][1]];
  const userGrants = await permissions.grantsOnTargets(db, accountId, userKind, targetIds);
  const users = await permissions.liveRecords(
    db,
    accountId,
    'users',
    userGrants.map((g) => g.subject_id),
  );
  const groupGrants = await permissions.grantsOnTargets(db, accountId, groupKind, targetIds);
  const groups = await permissions.liveRecords(
    db,
    accountId,
    'user_groups',
    groupGrants.map((g) => g.subject_id),
  );

  const userById = new Map(users.map((u) => [u.id, u]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const byTarget = new Map<string, Data>();
  const entry = (id: string) => {
    let data = byTarget.get(id);
    if (!data) byTarget.set(id, (data = { usersData: [], groupsData: [] }));
    return data;
  };
  for (const g of userGrants) {
    const user = userById.get(g.subject_id);
    if (user) entry(g.target_id).usersData.push({ user: records.user.present(user), permission: presentGrant(userKind, g) });
  }
  for (const g of groupGrants) {
    const group = groupById.get(g.subject_id);
    if (group)
      entry(g.target_id).groupsData.push({
        userGroup: records.userGroup.present(group),
        permission: presentGrant(groupKind, g),
      });
  }
  return (targetId) => byTarget.get(targetId) ?? { usersData: [], groupsData: [] };
}
