import type { Store } from '../store/store.js';
import type { Pair } from '../store/projectSharedCloudDrives.js';
import { ApiError, NotFound } from '../errors.js';

/** Soft-deletes a project with its drive assignments and the permissions on it, in one transaction. */
export async function deleteProject(store: Store, accountId: string, projectId: string): Promise<void> {
  await store.transaction(async ({ db: trx }) => {
    if (!(await store.projects.softDelete(trx, accountId, projectId))) throw new NotFound('Project', projectId);
    await store.assignments.deleteAssignmentsOf(trx, accountId, { projectId });
    await store.permissions.deletePermissionsOn(trx, accountId, 'projects', projectId);
  });
}

/** Soft-deletes a drive with its project assignments and the permissions on it, in one transaction. */
export async function deleteSharedCloudDrive(store: Store, accountId: string, driveId: string): Promise<void> {
  await store.transaction(async ({ db: trx }) => {
    if (!(await store.sharedCloudDrives.softDelete(trx, accountId, driveId))) throw new NotFound('Shared cloud drive', driveId);
    await store.assignments.deleteAssignmentsOf(trx, accountId, { sharedCloudDriveId: driveId });
    await store.permissions.deletePermissionsOn(trx, accountId, 'shared_cloud_drives', driveId);
  });
}

/**
 * Assigns drives to projects, all or nothing: every id must name a live record of the account, or nothing
 * is written and the error lists the ids not found. Pairs that exist already, or repeat, are skipped.
 */
export async function assignSharedCloudDrives(store: Store, accountId: string, pairs: readonly Pair[]): Promise<void> {
  const projectIds = [...new Set(pairs.map((p) => p.projectId))];
  const driveIds = [...new Set(pairs.map((p) => p.sharedCloudDriveId))];
  await store.transaction(async ({ db: trx }) => {
    const knownProjects = await store.projects.existingIds(trx, accountId, projectIds);
    const knownDrives = await store.sharedCloudDrives.existingIds(trx, accountId, driveIds);
    const missing = [
      ...projectIds.filter((id) => !knownProjects.has(id)).map((id) => `Project ${id} not found.`),
      ...driveIds.filter((id) => !knownDrives.has(id)).map((id) => `Shared cloud drive ${id} not found.`),
    ];
    if (missing.length > 0) throw new ApiError('NOT_FOUND', missing);
    const unique = new Map(pairs.map((p) => [`${p.projectId}/${p.sharedCloudDriveId}`, p]));
    await store.assignments.insertAssignments(trx, accountId, [...unique.values()]);
  });
}
