import type { Store } from '../store/store.js';
import type { Principal } from '../context.js';
import * as records from '../records/index.js';
import { presentGrant, type PermissionOf } from '../records/index.js';
import type { GrantKind } from '../store/permissions.js';
import type { SharedCloudDrive as DriveRow, User as UserRow, UserGroup as UserGroupRow } from '../store/types.js';
import { readableAmong } from './access.js';

// The details views built in JavaScript (users, groups, drives), each in a fixed number of queries
// whatever the page size; the projects' details are written by SQLite (store/sqlite/projectDetails.ts).

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
  store: Store,
  accountId: string,
  of: Of,
  targetIds: readonly string[],
): Promise<(targetId: string) => GrantsData<KindsOn[Of][0], KindsOn[Of][1]>> {
  const { db } = store;
  type Data = GrantsData<KindsOn[Of][0], KindsOn[Of][1]>;
  const [userKind, groupKind] = kindsOn[of] as readonly [KindsOn[Of][0], KindsOn[Of][1]];
  const userGrants = await store.permissions.grantsOnTargets(db, accountId, userKind, targetIds);
  const users = await store.permissions.liveRecords(
    db,
    accountId,
    'users',
    userGrants.map((g) => g.subject_id),
  );
  const groupGrants = await store.permissions.grantsOnTargets(db, accountId, groupKind, targetIds);
  const groups = await store.permissions.liveRecords(
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

/** Items built from `items`, listed by key; items whose parts are gone (deleted meanwhile) are left out. */
function groupBy<T, R>(items: readonly T[], key: (item: T) => string, build: (item: T) => R | undefined): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const item of items) {
    const built = build(item);
    if (built === undefined) continue;
    const list = map.get(key(item)) ?? [];
    list.push(built);
    map.set(key(item), list);
  }
  return map;
}

/**
 * Drives with their projects (those the caller may read) and their granted users and groups, in a fixed
 * number of queries whatever the page size: one per child kind, over the page's ids.
 */
export async function driveDetails(store: Store, principal: Principal, rows: DriveRow[]) {
  const { db } = store;
  const { accountId } = principal;
  const ids = rows.map((r) => r.id);
  const assigned = await store.assignments.assignmentsOf(db, accountId, { sharedCloudDriveIds: ids });
  const projectIds = [...new Set(assigned.map((a) => a.project_id))];
  const found = await store.projects.findMany(db, accountId, projectIds);
  const readableProject = await readableAmong(store, principal, 'projects', projectIds);
  const grantsData = await grantsDataOf(store, accountId, 'shared_cloud_drives', ids);
  const projectById = new Map(found.filter((p) => readableProject(p.id)).map((p) => [p.id, p]));
  const byDrive = new Map<
    string,
    {
      project: ReturnType<typeof records.project.present>;
      projectSharedCloudDrive: ReturnType<typeof records.projectSharedCloudDrive.present>;
    }[]
  >();
  for (const a of assigned) {
    const project = projectById.get(a.project_id);
    if (!project) continue;
    const entries = byDrive.get(a.shared_cloud_drive_id) ?? [];
    entries.push({
      project: records.project.present(project),
      projectSharedCloudDrive: records.projectSharedCloudDrive.present(a),
    });
    byDrive.set(a.shared_cloud_drive_id, entries);
  }
  return rows.map((row) => ({
    ...records.sharedCloudDrive.present(row),
    projectsData: byDrive.get(row.id) ?? [],
    ...grantsData(row.id),
  }));
}

/** Users with their groups and direct grants, in a fixed number of queries whatever the page size. */
export async function userDetails(store: Store, accountId: string, rows: UserRow[]) {
  const { db } = store;
  const ids = rows.map((r) => r.id);
  const memberships = await store.userGroupMembers.membershipsOf(db, accountId, { userIds: ids });
  const projectGrants = await store.permissions.grantsOfSubjects(db, accountId, 'userProject', ids);
  const driveGrants = await store.permissions.grantsOfSubjects(db, accountId, 'userSharedCloudDrive', ids);
  const groupById = new Map(
    (await store.userGroups.findMany(db, accountId, [...new Set(memberships.map((m) => m.user_group_id))])).map((g) => [g.id, g]),
  );
  const projectById = new Map(
    (await store.projects.findMany(db, accountId, [...new Set(projectGrants.map((p) => p.project_id))])).map((p) => [p.id, p]),
  );
  const driveById = new Map(
    (await store.sharedCloudDrives.findMany(db, accountId, [...new Set(driveGrants.map((d) => d.shared_cloud_drive_id))])).map(
      (d) => [d.id, d],
    ),
  );

  const presented = new Map(rows.map((r) => [r.id, records.user.present(r)]));
  const groupsOf = groupBy(
    memberships,
    (m) => m.user_id,
    (m) => {
      const group = groupById.get(m.user_group_id);
      return (
        group && {
          user: presented.get(m.user_id)!,
          userGroup: records.userGroup.present(group),
          userUserGroup: records.userUserGroup.present(m),
        }
      );
    },
  );
  const projectsOf = groupBy(
    projectGrants,
    (p) => p.user_id,
    (p) => {
      const project = projectById.get(p.project_id);
      return project && { project: records.project.present(project), permission: records.userProjectPermission.present(p) };
    },
  );
  const drivesOf = groupBy(
    driveGrants,
    (d) => d.user_id,
    (d) => {
      const drive = driveById.get(d.shared_cloud_drive_id);
      return (
        drive && {
          sharedCloudDrive: records.sharedCloudDrive.present(drive),
          permission: records.userSharedCloudDrivePermission.present(d),
        }
      );
    },
  );
  return rows.map((row) => {
    const userGroupsOfRow = groupsOf.get(row.id) ?? [];
    const projectsOfRow = projectsOf.get(row.id) ?? [];
    const drivesOfRow = drivesOf.get(row.id) ?? [];
    return {
      ...presented.get(row.id)!,
      userGroups: userGroupsOfRow,
      projects: projectsOfRow,
      sharedCloudDrives: drivesOfRow,
      groups: userGroupsOfRow,
      projectsData: projectsOfRow,
      drivesData: drivesOfRow,
    };
  });
}

/** Groups with their members and grants, in a fixed number of queries whatever the page size. */
export async function userGroupDetails(store: Store, accountId: string, rows: UserGroupRow[]) {
  const { db } = store;
  const ids = rows.map((r) => r.id);
  const memberships = await store.userGroupMembers.membershipsOf(db, accountId, { userGroupIds: ids });
  const projectGrants = await store.permissions.grantsOfSubjects(db, accountId, 'userGroupProject', ids);
  const driveGrants = await store.permissions.grantsOfSubjects(db, accountId, 'userGroupSharedCloudDrive', ids);
  const userById = new Map(
    (
      await store.users.findUsers(
        db,
        accountId,
        memberships.map((m) => m.user_id),
      )
    ).map((u) => [u.id, u]),
  );
  const projectById = new Map(
    (await store.projects.findMany(db, accountId, [...new Set(projectGrants.map((p) => p.project_id))])).map((p) => [p.id, p]),
  );
  const driveById = new Map(
    (await store.sharedCloudDrives.findMany(db, accountId, [...new Set(driveGrants.map((d) => d.shared_cloud_drive_id))])).map(
      (d) => [d.id, d],
    ),
  );

  const usersData = groupBy(
    memberships,
    (m) => m.user_group_id,
    (m) => {
      const user = userById.get(m.user_id);
      return user && { user: records.user.present(user), userUserGroup: records.userUserGroup.present(m) };
    },
  );
  const projectsData = groupBy(
    projectGrants,
    (p) => p.user_group_id,
    (p) => {
      const project = projectById.get(p.project_id);
      return project && { project: records.project.present(project), permission: records.userGroupProjectPermission.present(p) };
    },
  );
  const drivesData = groupBy(
    driveGrants,
    (d) => d.user_group_id,
    (d) => {
      const drive = driveById.get(d.shared_cloud_drive_id);
      return (
        drive && {
          sharedCloudDrive: records.sharedCloudDrive.present(drive),
          permission: records.userGroupSharedCloudDrivePermission.present(d),
        }
      );
    },
  );
  return rows.map((row) => ({
    ...records.userGroup.present(row),
    projectsData: projectsData.get(row.id) ?? [],
    usersData: usersData.get(row.id) ?? [],
    drivesData: drivesData.get(row.id) ?? [],
  }));
}
