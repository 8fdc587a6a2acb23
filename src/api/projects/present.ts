import { presenter, shapeOf } from '../../store/shape.js';
import type { Project, ProjectSharedCloudDrive } from '../../store/types.js';

/** A project as the API shows it (the Project DTO). */
export const projectShape = shapeOf<Project>()({
  id: 'id',
  accountId: 'account_id',
  name: 'name',
  description: 'description',
  active: { boolean: 'active' },
  deleted: { boolean: 'deleted' },
  createDate: 'create_date',
  updateDate: 'update_date',
});
export const presentProject = presenter<Project, typeof projectShape>(projectShape);

export function presentProjectSharedCloudDrive(row: ProjectSharedCloudDrive) {
  return {
    id: row.id,
    projectId: row.project_id,
    sharedCloudDriveId: row.shared_cloud_drive_id,
    createDate: row.create_date,
  };
}
