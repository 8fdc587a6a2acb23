import type { ProjectSharedCloudDrive as AssignmentRow } from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

/** A project-to-drive assignment (the ProjectSharedCloudDrive join record). */
export const projectSharedCloudDrive = defineRecord<AssignmentRow>()(
  {
    id: { from: 'id', schema: Uuid('Id of the assignment record (what unassign_sharedclouddrive takes).') },
    projectId: { from: 'project_id', schema: Uuid() },
    sharedCloudDriveId: { from: 'shared_cloud_drive_id', schema: Uuid() },
    createDate: { from: 'create_date', schema: DateTime() },
  },
  { $id: 'ProjectSharedCloudDrive' },
);
