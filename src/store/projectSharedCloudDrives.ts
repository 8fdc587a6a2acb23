import { type Expression, type SqlBool } from 'kysely';
import type { Db } from './db.js';
import { dialectOf } from './dialect.js';
import { fetchPage, LIVE, newId, now, type Page } from './listing.js';
import { pageMemoryOf } from './pageMemory.js';
import type { ProjectSharedCloudDrive } from './types.js';

export interface Pair {
  projectId: string;
  sharedCloudDriveId: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Inserts the pairs that do not exist yet; existing pairs are left alone (the documented silent skip).
 * One statement for the whole list, given as one JSON parameter: prepared once, whatever the count.
 */
export async function insertAssignments(db: Db, accountId: string, pairs: readonly Pair[]): Promise<void> {
  if (pairs.length === 0) return;
  // In the order of the (project, drive) index, whose pages are then visited once each, left to right.
  const sorted = [...pairs].sort(
    (a, b) => compare(a.projectId, b.projectId) || compare(a.sharedCloudDriveId, b.sharedCloudDriveId),
  );
  const rows = JSON.stringify(sorted.map((p) => [newId(), p.projectId, p.sharedCloudDriveId]));
  await dialectOf(db).insertAssignmentRows(db, accountId, rows, now());
}

export async function findAssignment(db: Db, accountId: string, id: string): Promise<ProjectSharedCloudDrive | undefined> {
  return db
    .selectFrom('project_shared_cloud_drives')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteAssignment(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('project_shared_cloud_drives')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAssignmentsOf(
  db: Db,
  accountId: string,
  of: { projectId: string } | { sharedCloudDriveId: string },
): Promise<void> {
  const [column, value] =
    'projectId' in of ? (['project_id', of.projectId] as const) : (['shared_cloud_drive_id', of.sharedCloudDriveId] as const);
  await db.deleteFrom('project_shared_cloud_drives').where('account_id', '=', accountId).where(column, '=', value).execute();
}

/**
 * One page of the assignments of a project (or of a drive), sorted on a column of the joined project,
 * drive or assignment (`sortColumn` qualified, e.g. `shared_cloud_drives.name_key`).
 */
export async function listAssignments(
  db: Db,
  accountId: string,
  of: { projectId: string } | { sharedCloudDriveId: string },
  page: { page: number; pageSize: number; sortColumn: string; descending: boolean; where?: Expression<SqlBool> },
): Promise<Page<ProjectSharedCloudDrive>> {
  let filtered = db
    .selectFrom('project_shared_cloud_drives')
    .innerJoin('projects', 'projects.id', 'project_shared_cloud_drives.project_id')
    .innerJoin('shared_cloud_drives', 'shared_cloud_drives.id', 'project_shared_cloud_drives.shared_cloud_drive_id')
    .where('project_shared_cloud_drives.account_id', '=', accountId)
    .where('projects.deleted', '=', LIVE)
    .where('shared_cloud_drives.deleted', '=', LIVE);
  filtered =
    'projectId' in of
      ? filtered.where('project_shared_cloud_drives.project_id', '=', of.projectId)
      : filtered.where('project_shared_cloud_drives.shared_cloud_drive_id', '=', of.sharedCloudDriveId);
  // e.g. only the projects or drives a non-admin reaches
  if (page.where) filtered = filtered.where(page.where);
  return fetchPage(filtered as never, (q: any) => q.selectAll('project_shared_cloud_drives'), {
    ...page,
    idColumn: 'project_shared_cloud_drives.id',
    memory: pageMemoryOf(db),
    db,
  }) as Promise<Page<ProjectSharedCloudDrive>>;
}

/** Every assignment of the given projects (or drives), for the details views: one query whatever the count. */
export async function assignmentsOf(
  db: Db,
  accountId: string,
  of: { projectIds: readonly string[] } | { sharedCloudDriveIds: readonly string[] },
): Promise<ProjectSharedCloudDrive[]> {
  const [column, ids] =
    'projectIds' in of ? (['project_id', of.projectIds] as const) : (['shared_cloud_drive_id', of.sharedCloudDriveIds] as const);
  if (ids.length === 0) return [];
  return db
    .selectFrom('project_shared_cloud_drives')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(column, 'in', ids)
    .orderBy('create_date')
    .orderBy('id')
    .execute();
}
