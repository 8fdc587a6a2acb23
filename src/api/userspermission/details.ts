import type { Db } from '../../store/db.js';
import { grants } from '../../store/index.js';
import type { GrantKind } from '../../store/grants.js';
import { presentPermission, presentUser, presentUserGroup } from './present.js';

export interface GrantsData {
  usersData: { user: ReturnType<typeof presentUser>; permission: ReturnType<typeof presentPermission> }[];
  groupsData: { userGroup: ReturnType<typeof presentUserGroup>; permission: ReturnType<typeof presentPermission> }[];
}

/**
 * The usersData and groupsData of a page of projects (or drives) for the details views: four queries
 * whatever the page size (the grants of each kind on the page's ids, then the users and groups they name).
 */
export async function grantsDataOf(
  db: Db,
  accountId: string,
  of: 'projects' | 'shared_cloud_drives',
  targetIds: readonly string[],
): Promise<(targetId: string) => GrantsData> {
  const [userKind, groupKind]: [GrantKind, GrantKind] =
    of === 'projects' ? ['userProject', 'userGroupProject'] : ['userSharedCloudDrive', 'userGroupSharedCloudDrive'];
  const userGrants = await grants.grantsOnTargets(db, accountId, userKind, targetIds);
  const users = await grants.liveRecords(
    db,
    accountId,
    'users',
    userGrants.map((g) => g.subject_id),
  );
  const groupGrants = await grants.grantsOnTargets(db, accountId, groupKind, targetIds);
  const groups = await grants.liveRecords(
    db,
    accountId,
    'user_groups',
    groupGrants.map((g) => g.subject_id),
  );

  const userById = new Map(users.map((u) => [u.id, u]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const byTarget = new Map<string, GrantsData>();
  const entry = (id: string) => {
    let data = byTarget.get(id);
    if (!data) byTarget.set(id, (data = { usersData: [], groupsData: [] }));
    return data;
  };
  for (const g of userGrants) {
    const user = userById.get(g.subject_id);
    if (user) entry(g.target_id).usersData.push({ user: presentUser(user), permission: presentPermission(userKind, g) });
  }
  for (const g of groupGrants) {
    const group = groupById.get(g.subject_id);
    if (group)
      entry(g.target_id).groupsData.push({ userGroup: presentUserGroup(group), permission: presentPermission(groupKind, g) });
  }
  return (targetId) => byTarget.get(targetId) ?? { usersData: [], groupsData: [] };
}
