import { Type } from 'typebox';
import type { Selectable } from 'kysely';
import type { Grant, GrantKind } from '../store/permissions.js';
import type {
  UserGroupProjectPermissionTable,
  UserGroupSharedCloudDrivePermissionTable,
  UserProjectPermissionTable,
  UserSharedCloudDrivePermissionTable,
} from '../store/types.js';
import { DateTime, defineRecord, Uuid } from './define.js';

export const PERMISSION_TYPES = [1, 2] as const;
export const PermissionTypeField = Type.Integer({ enum: [...PERMISSION_TYPES], description: '1 Read, 2 ReadWrite.' });

// The four permission records, in the documented order: id, subject, target, permissionType; then the dates.
const id = { from: 'id', schema: Uuid('Id of the permission record (what PUT and DELETE take).') } as const;
const rest = {
  permissionType: { from: 'permission_type', schema: PermissionTypeField },
  createDate: { from: 'create_date', schema: DateTime() },
  updateDate: { from: 'update_date', schema: DateTime() },
} as const;
const userId = { from: 'user_id', schema: Uuid() } as const;
const userGroupId = { from: 'user_group_id', schema: Uuid() } as const;
const projectId = { from: 'project_id', schema: Uuid() } as const;
const sharedCloudDriveId = { from: 'shared_cloud_drive_id', schema: Uuid() } as const;

export const userProjectPermission = defineRecord<Selectable<UserProjectPermissionTable>>()({
  id,
  userId,
  projectId,
  ...rest,
});
export const userSharedCloudDrivePermission = defineRecord<Selectable<UserSharedCloudDrivePermissionTable>>()({
  id,
  userId,
  sharedCloudDriveId,
  ...rest,
});
export const userGroupProjectPermission = defineRecord<Selectable<UserGroupProjectPermissionTable>>()({
  id,
  userGroupId,
  projectId,
  ...rest,
});
export const userGroupSharedCloudDrivePermission = defineRecord<Selectable<UserGroupSharedCloudDrivePermissionTable>>()({
  id,
  userGroupId,
  sharedCloudDriveId,
  ...rest,
});

/** The permission record of each grant kind (store/permissions.ts), and its subject and target columns. */
export const permissionRecords = {
  userProject: { record: userProjectPermission, subject: 'user_id', target: 'project_id' },
  userSharedCloudDrive: { record: userSharedCloudDrivePermission, subject: 'user_id', target: 'shared_cloud_drive_id' },
  userGroupProject: { record: userGroupProjectPermission, subject: 'user_group_id', target: 'project_id' },
  userGroupSharedCloudDrive: {
    record: userGroupSharedCloudDrivePermission,
    subject: 'user_group_id',
    target: 'shared_cloud_drive_id',
  },
} as const;

/** The permission record of a grant kind, as presented. */
export type PermissionOf<K extends GrantKind> = ReturnType<(typeof permissionRecords)[K]['record']['present']>;

/** A grant of any kind (its subject and target columns named generically) as its permission record. */
export function presentGrant<K extends GrantKind>(kind: K, grant: Grant): PermissionOf<K> {
  const { record, subject, target } = permissionRecords[kind];
  const row = { ...grant, [subject]: grant.subject_id, [target]: grant.target_id };
  return (record.present as (row: unknown) => PermissionOf<K>)(row);
}
