import type { Db } from './db.js';

/** Removes every user and group permission on a project (part of deleting it). */
export async function deletePermissionsOnProject(db: Db, accountId: string, projectId: string): Promise<void> {
  await db
    .deleteFrom('user_project_permissions')
    .where('account_id', '=', accountId)
    .where('project_id', '=', projectId)
    .execute();
  await db
    .deleteFrom('user_group_project_permissions')
    .where('account_id', '=', accountId)
    .where('project_id', '=', projectId)
    .execute();
}

/** Removes every user and group permission on a shared cloud drive (part of deleting it). */
export async function deletePermissionsOnSharedCloudDrive(db: Db, accountId: string, driveId: string): Promise<void> {
  await db
    .deleteFrom('user_shared_cloud_drive_permissions')
    .where('account_id', '=', accountId)
    .where('shared_cloud_drive_id', '=', driveId)
    .execute();
  await db
    .deleteFrom('user_group_shared_cloud_drive_permissions')
    .where('account_id', '=', accountId)
    .where('shared_cloud_drive_id', '=', driveId)
    .execute();
}
