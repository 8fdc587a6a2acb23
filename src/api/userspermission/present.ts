import type { Grant, GrantKind } from '../../store/grants.js';

// One presenter per record: users and groups are presented by their own controllers.
export { presentUser } from '../users/present.js';
export { presentUserGroup } from '../usergroups/present.js';

const fieldNames: Record<GrantKind, { subject: 'userId' | 'userGroupId'; target: 'projectId' | 'sharedCloudDriveId' }> = {
  userProject: { subject: 'userId', target: 'projectId' },
  userSharedCloudDrive: { subject: 'userId', target: 'sharedCloudDriveId' },
  userGroupProject: { subject: 'userGroupId', target: 'projectId' },
  userGroupSharedCloudDrive: { subject: 'userGroupId', target: 'sharedCloudDriveId' },
};

/** A permission record: {id, userId|userGroupId, projectId|sharedCloudDriveId, permissionType, createDate, updateDate}. */
export function presentPermission(kind: GrantKind, row: Grant) {
  const names = fieldNames[kind];
  return {
    id: row.id,
    [names.subject]: row.subject_id,
    [names.target]: row.target_id,
    permissionType: row.permission_type,
    createDate: row.create_date,
    updateDate: row.update_date,
  };
}
