import type { Store } from '../store/store.js';
import type { Expression, SqlBool } from 'kysely';
import type { Principal } from '../context.js';
import { AccessDenied, NotFound } from '../errors.js';
import type { DrivePath, Via } from '../store/access.js';
import type { Project, SharedCloudDrive, User } from '../store/types.js';

/**
 * Who may see and change what (DECISIONS.md section 4), in one place.
 *
 * - Admins (the owner, AccountAdmin and DesktopAdmin users) read and change anything in their account.
 * - Other users change nothing (499 ACCESS) and read only what they reach:
 *   a project granted to them or to a group they belong to; a shared cloud drive granted to them, to such
 *   a group, or assigned to a project they reach. A record they do not reach answers like an unknown one.
 * - UsersPermission lists: a non-admin may read only the grants of themselves and of the groups they
 *   belong to; lists about another user or group, or about a project or drive, are 499 ACCESS.
 */

/** Changes to the account's projects, drives, users and groups are for admins (DECISIONS.md section 4). */
export function requireAdmin(principal: Principal): void {
  if (!principal.admin) throw new AccessDenied('Only an account admin may do this.');
}

export type Readable = 'projects' | 'shared_cloud_drives';

/**
 * The restriction to put on a query over projects (or drives) so that it returns only what the caller may
 * read, given the query's id column; undefined for an admin, who reads everything in the account.
 */
export function readableScope(
  store: Store,
  principal: Principal,
  of: Readable,
): ((idColumn: string) => Expression<SqlBool>) | undefined {
  const { db } = store;
  if (principal.admin) return undefined;
  return (idColumn) => store.access.reachableWhere(db, principal.accountId, principal.userId, of, idColumn);
}

/** A test telling which of `ids` the caller may read: one query whatever the count (none for an admin). */
export async function readableAmong(
  store: Store,
  principal: Principal,
  of: Readable,
  ids: readonly string[],
): Promise<(id: string) => boolean> {
  const { db } = store;
  if (principal.admin) return () => true;
  const reachable = await store.access.reachableAmong(db, principal.accountId, principal.userId, of, ids);
  return (id) => reachable.has(id);
}

/** The live project, if the caller may read it; NOT_FOUND otherwise, exactly as for an unknown id. */
export async function requireReadableProject(store: Store, principal: Principal, projectId: string): Promise<Project> {
  const { db } = store;
  const project = await store.projects.find(db, principal.accountId, projectId);
  if (!project || !(await readableAmong(store, principal, 'projects', [projectId]))(projectId)) {
    throw new NotFound('Project', projectId);
  }
  return project;
}

/** The live drive, if the caller may read it; NOT_FOUND otherwise, exactly as for an unknown id. */
export async function requireReadableSharedCloudDrive(
  store: Store,
  principal: Principal,
  driveId: string,
): Promise<SharedCloudDrive> {
  const { db } = store;
  const drive = await store.sharedCloudDrives.find(db, principal.accountId, driveId);
  if (!drive || !(await readableAmong(store, principal, 'shared_cloud_drives', [driveId]))(driveId)) {
    throw new NotFound('Shared cloud drive', driveId);
  }
  return drive;
}

/** What a UsersPermission list is about. */
export type GrantListSubject =
  { userId: string } | { userGroupId: string } | { projectId: string } | { sharedCloudDriveId: string };

/**
 * A non-admin may read the grants of themselves and of the groups they belong to; anything else is ACCESS,
 * decided before existence so that the answer reveals nothing about other records.
 */
export async function requireGrantListReader(store: Store, principal: Principal, about: GrantListSubject): Promise<void> {
  const { db } = store;
  if (principal.admin) return;
  if ('userId' in about && about.userId === principal.userId) return;
  if ('userGroupId' in about && (await store.access.isMemberOf(db, principal.accountId, principal.userId, about.userGroupId)))
    return;
  throw new AccessDenied('Only an account admin may list the permissions of other users, groups, projects or drives.');
}

export const PermissionType = { Read: 1, ReadWrite: 2 } as const;

export interface AccessPath {
  via: Via;
  userGroup?: { id: string; name: string };
  project?: { id: string; name: string };
  permissionType: number;
}

export interface EffectiveAccess {
  sharedCloudDrive: SharedCloudDrive;
  /** The strongest permission among the paths. */
  permissionType: number;
  paths: AccessPath[];
}

const VIA_ORDER: Record<Via, number> = { direct: 0, group: 1, project: 2, groupProject: 3 };

/** A path row's public form. */
function accessPath(p: DrivePath): AccessPath {
  return {
    via: p.via,
    ...(p.user_group_id ? { userGroup: { id: p.user_group_id, name: p.user_group_name ?? '' } } : {}),
    ...(p.project_id ? { project: { id: p.project_id, name: p.project_name ?? '' } } : {}),
    permissionType: Number(p.permission_type),
  };
}

const byPathOrder = (a: AccessPath, b: AccessPath) =>
  VIA_ORDER[a.via] - VIA_ORDER[b.via] ||
  (a.userGroup?.name ?? '').localeCompare(b.userGroup?.name ?? '') ||
  (a.project?.name ?? '').localeCompare(b.project?.name ?? '');

/** Paths grouped by `key` onto the items known, with the strongest permission of each. */
function gather<Item extends { permissionType: number; paths: AccessPath[] }>(
  paths: readonly DrivePath[],
  key: (p: DrivePath) => string,
  items: Map<string, Item>,
): Item[] {
  for (const p of paths) {
    const item = items.get(key(p));
    if (!item) continue;
    const path = accessPath(p);
    item.permissionType = Math.max(item.permissionType, path.permissionType);
    item.paths.push(path);
  }
  const list = [...items.values()];
  for (const item of list) item.paths.sort(byPathOrder);
  return list;
}

/**
 * Every live drive the user reaches (whatever their role: this is what is assigned to them), once, with
 * the strongest permission among the paths and the paths themselves; sorted by drive name. Two queries.
 * An inactive or deleted user reaches nothing; inactive projects and groups lead nowhere.
 */
export async function drivesReachedBy(store: Store, accountId: string, userId: string): Promise<EffectiveAccess[]> {
  const { db } = store;
  const paths = await store.access.drivePaths(db, accountId, { userId });
  const drives = await store.sharedCloudDrives.findMany(db, accountId, [...new Set(paths.map((p) => p.shared_cloud_drive_id))]);
  const items = gather(
    paths,
    (p) => p.shared_cloud_drive_id,
    new Map<string, EffectiveAccess>(drives.map((d) => [d.id, { sharedCloudDrive: d, permissionType: 0, paths: [] }])),
  );
  return items.sort(
    (a, b) =>
      a.sharedCloudDrive.name_key.localeCompare(b.sharedCloudDrive.name_key) ||
      a.sharedCloudDrive.id.localeCompare(b.sharedCloudDrive.id),
  );
}

/** What the caller reaches (`get_shared_cloud_drive`). */
export async function effectiveSharedCloudDrives(store: Store, principal: Principal): Promise<EffectiveAccess[]> {
  return drivesReachedBy(store, principal.accountId, principal.userId);
}

/**
 * What any user of the account reaches, for an admin (`user/get_effective_access`): NOT_FOUND for a user
 * that is not a live user of the account. Three queries.
 */
export async function effectiveAccessOfUser(store: Store, principal: Principal, userId: string): Promise<EffectiveAccess[]> {
  requireAdmin(principal);
  if (!(await store.users.findUser(store.db, principal.accountId, userId))) throw new NotFound('User', userId);
  return drivesReachedBy(store, principal.accountId, userId);
}

export interface UserAccess {
  user: User;
  /** The strongest permission among the paths. */
  permissionType: number;
  paths: AccessPath[];
}

/**
 * Every live user who reaches the drive (inactive ones reach nothing), once, with the strongest permission and the paths; sorted
 * by username (`sharedclouddrive/get_effective_access`, admins only). NOT_FOUND for a drive that is not
 * live in the account. Three queries.
 */
export async function usersReaching(store: Store, principal: Principal, sharedCloudDriveId: string): Promise<UserAccess[]> {
  requireAdmin(principal);
  const { db } = store;
  const { accountId } = principal;
  if (!(await store.sharedCloudDrives.find(db, accountId, sharedCloudDriveId))) {
    throw new NotFound('Shared cloud drive', sharedCloudDriveId);
  }
  const paths = await store.access.drivePaths(db, accountId, { sharedCloudDriveId });
  const users = await store.access.usersWhoMayReachAmong(
    db,
    accountId,
    paths.map((p) => p.user_id),
  );
  const items = gather(
    paths,
    (p) => p.user_id,
    new Map<string, UserAccess>(users.map((u) => [u.id, { user: u, permissionType: 0, paths: [] }])),
  );
  return items.sort((a, b) => a.user.username_key.localeCompare(b.user.username_key) || a.user.id.localeCompare(b.user.id));
}
