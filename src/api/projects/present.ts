import type { Project, ProjectSharedCloudDrive } from '../../store/types.js';

export function presentProject(row: Project) {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    description: row.description,
    active: row.active === 1,
    deleted: row.deleted === 1,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}

export function presentProjectSharedCloudDrive(row: ProjectSharedCloudDrive) {
  return {
    id: row.id,
    projectId: row.project_id,
    sharedCloudDriveId: row.shared_cloud_drive_id,
    createDate: row.create_date,
  };
}
