import { Type, type TSchema } from 'typebox';
import { CollectionOf, TokenQuery, Uuid, pagingQuery } from '../../http/paging.js';
import type { GrantKind } from '../../store/permissions.js';
import { Project, PROJECT_SORT } from '../projects/schema.js';
import { SharedCloudDrive, SHARED_CLOUD_DRIVE_SORT } from '../sharedclouddrive/schema.js';
import {
  PermissionTypeField,
  PermissionUser,
  PermissionUserGroup,
  UserGroupProjectPermission,
  UserGroupSharedCloudDrivePermission,
  UserProjectPermission,
  UserSharedCloudDrivePermission,
} from './records.js';

export const GRANTS_MAX = 1000;

/** Sort fields of a user and of a user group: API name → column. */
export const USER_SORT = {
  Username: 'username_key',
  Email: 'email',
  Firstname: 'firstname',
  Lastname: 'lastname',
  UserType: 'user_type',
  Status: 'status',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  Id: 'id',
};
export const USER_GROUP_SORT = {
  Name: 'name_key',
  Description: 'description',
  Active: 'active',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  Id: 'id',
};

/** The four kinds of grant: their route, their body field names and the records on each side. */
export interface KindDefinition {
  kind: GrantKind;
  /** The documented action name, spelling included. */
  action: string;
  subjectField: 'userId' | 'userGroupId';
  targetField: 'projectId' | 'sharedCloudDriveId';
  /** What the permission list items call the two sides. */
  subjectKey: 'user' | 'userGroup';
  targetKeys: ('project' | 'sharedCloudDrive' | 'sharedClouDrive')[];
  permission: TSchema;
  title: string;
}

export const kindDefinitions: KindDefinition[] = [
  {
    kind: 'userProject',
    action: 'users_project_permission',
    subjectField: 'userId',
    targetField: 'projectId',
    subjectKey: 'user',
    targetKeys: ['project'],
    permission: UserProjectPermission,
    title: 'users on projects',
  },
  {
    kind: 'userSharedCloudDrive',
    // One "s" in "permision": the documented, real route.
    action: 'users_sharedclouddrive_permision',
    subjectField: 'userId',
    targetField: 'sharedCloudDriveId',
    subjectKey: 'user',
    // The documented key is misspelled; the correct spelling carries the same object.
    targetKeys: ['sharedClouDrive', 'sharedCloudDrive'],
    permission: UserSharedCloudDrivePermission,
    title: 'users on shared cloud drives',
  },
  {
    kind: 'userGroupProject',
    action: 'usergroups_project_permission',
    subjectField: 'userGroupId',
    targetField: 'projectId',
    subjectKey: 'userGroup',
    targetKeys: ['project'],
    permission: UserGroupProjectPermission,
    title: 'user groups on projects',
  },
  {
    kind: 'userGroupSharedCloudDrive',
    action: 'usergroup_sharedclouddrive_permission',
    subjectField: 'userGroupId',
    targetField: 'sharedCloudDriveId',
    subjectKey: 'userGroup',
    targetKeys: ['sharedCloudDrive'],
    permission: UserGroupSharedCloudDrivePermission,
    title: 'user groups on shared cloud drives',
  },
];

const prefixed = (prefix: string, table: string, fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([f, c]) => [`${prefix}.${f}`, `${table}.${c}`]));

/** Sort fields of a kind's lists: both sides' fields, dotted, and the permission record's own. */
export function sortFieldsOf(definition: KindDefinition, table: string): Record<string, string> {
  const subject =
    definition.subjectKey === 'user'
      ? prefixed('User', 'users', USER_SORT)
      : prefixed('UserGroup', 'user_groups', USER_GROUP_SORT);
  const target =
    definition.targetField === 'projectId'
      ? prefixed('Project', 'projects', PROJECT_SORT)
      : {
          ...prefixed('SharedCloudDrive', 'shared_cloud_drives', SHARED_CLOUD_DRIVE_SORT),
          // The documented default of get_sharedclouddrive_assigned_to_user, echoed as spelled.
          'SharedClouDrive.Name': 'shared_cloud_drives.name_key',
        };
  return {
    ...subject,
    ...target,
    PermissionType: `${table}.permission_type`,
    CreateDate: `${table}.create_date`,
    UpdateDate: `${table}.update_date`,
    Id: `${table}.id`,
  };
}

export function grantBody(definition: KindDefinition) {
  return Type.Array(
    Type.Object({
      [definition.subjectField]: Uuid(definition.subjectField === 'userId' ? 'The user granted.' : 'The user group granted.'),
      [definition.targetField]: Uuid(definition.targetField === 'projectId' ? 'The project.' : 'The shared cloud drive.'),
      permissionType: PermissionTypeField,
    }),
    { minItems: 1, maxItems: GRANTS_MAX, description: 'Grants to add, without id; a pair that has one already is skipped.' },
  );
}

export function changeBody(definition: KindDefinition) {
  return Type.Array(
    Type.Object({
      id: Uuid('The permission record to change.'),
      permissionType: PermissionTypeField,
      [definition.subjectField]: Type.Optional(Uuid('Ignored: a permission keeps its subject.')),
      [definition.targetField]: Type.Optional(Uuid('Ignored: a permission keeps its target.')),
    }),
    { minItems: 1, maxItems: GRANTS_MAX, description: 'Permission records with their id; only permissionType changes.' },
  );
}

export const IdQuery = Type.Object({ ...TokenQuery, id: Uuid('Id of the permission record.') });

/** One list row: the subject, the target (under each of its keys) and the permission record. */
export function listItem(definition: KindDefinition) {
  const target = definition.targetField === 'projectId' ? Project : SharedCloudDrive;
  return Type.Object({
    [definition.subjectKey]: definition.subjectKey === 'user' ? PermissionUser : PermissionUserGroup,
    // A schema $id may appear once per response: the second key gets an anonymous copy.
    ...Object.fromEntries(definition.targetKeys.map((key, i) => [key, i === 0 ? target : Type.Object(target.properties)])),
    permission: definition.permission,
  });
}

export const listOf = (definition: KindDefinition) => CollectionOf(listItem(definition));

/** The eight documented lists: the kind, the parent's query parameter, the default sort and the filter. */
export interface ListDefinition {
  action: string;
  kind: GrantKind;
  /** The parent is the grant's subject (a user or group) or its target (a project or drive). */
  side: 'subject' | 'target';
  param: 'projectId' | 'userId' | 'sharedCloudDriveId' | 'userGroupId' | 'sharedCloudDrive';
  defaultSort: string;
  filter: 'username' | 'name';
  summary: string;
}

export const listDefinitions: ListDefinition[] = [
  {
    action: 'get_users_assigned_to_project',
    kind: 'userProject',
    side: 'target',
    param: 'projectId',
    defaultSort: 'User.Username',
    filter: 'username',
    summary: 'The users granted a project directly, with their permission.',
  },
  {
    action: 'get_projects_assigned_to_user',
    kind: 'userProject',
    side: 'subject',
    param: 'userId',
    defaultSort: 'Project.Name',
    filter: 'name',
    summary: 'The projects granted to a user directly, with the permission.',
  },
  {
    action: 'get_users_assigned_to_sharedclouddrive',
    kind: 'userSharedCloudDrive',
    side: 'target',
    param: 'sharedCloudDriveId',
    defaultSort: 'User.Username',
    filter: 'username',
    summary: 'The users granted a shared cloud drive directly, with their permission.',
  },
  {
    action: 'get_sharedclouddrive_assigned_to_user',
    kind: 'userSharedCloudDrive',
    side: 'subject',
    param: 'userId',
    defaultSort: 'SharedClouDrive.Name',
    filter: 'name',
    summary: 'The shared cloud drives granted to a user directly, with the permission.',
  },
  {
    action: 'get_usergroups_assigned_to_project',
    kind: 'userGroupProject',
    side: 'target',
    param: 'projectId',
    defaultSort: 'UserGroup.Name',
    filter: 'name',
    summary: 'The user groups granted a project, with their permission.',
  },
  {
    action: 'get_projects_assigned_to_usergroup',
    kind: 'userGroupProject',
    side: 'subject',
    param: 'userGroupId',
    defaultSort: 'Project.Name',
    filter: 'name',
    summary: 'The projects granted to a user group, with the permission.',
  },
  {
    action: 'get_usergroups_assigned_to_sharedclouddrive',
    kind: 'userGroupSharedCloudDrive',
    side: 'target',
    // Documented without "Id"; sharedCloudDriveId is accepted too.
    param: 'sharedCloudDrive',
    defaultSort: 'UserGroup.Name',
    filter: 'name',
    summary: 'The user groups granted a shared cloud drive, with their permission.',
  },
  {
    action: 'get_sharedclouddrive_assigned_to_usergroup',
    kind: 'userGroupSharedCloudDrive',
    side: 'subject',
    param: 'userGroupId',
    defaultSort: 'SharedCloudDrive.Name',
    filter: 'name',
    summary: 'The shared cloud drives granted to a user group, with the permission.',
  },
];

const paramDescriptions: Record<ListDefinition['param'], string> = {
  projectId: 'The project.',
  userId: 'The user.',
  sharedCloudDriveId: 'The shared cloud drive.',
  userGroupId: 'The user group.',
  sharedCloudDrive: 'The shared cloud drive (the documented name has no "Id"; sharedCloudDriveId works too).',
};

export function listQuery(definition: ListDefinition) {
  const filter = {
    [definition.filter]: Type.Optional(
      Type.String({
        description:
          definition.filter === 'username'
            ? 'Case-insensitive substring filter on the username.'
            : 'Case-insensitive substring filter on the name.',
      }),
    ),
  };
  if (definition.param === 'sharedCloudDrive') {
    return pagingQuery(definition.defaultSort, {
      sharedCloudDrive: Type.Optional(Uuid(paramDescriptions.sharedCloudDrive)),
      sharedCloudDriveId: Type.Optional(Uuid('Alias of sharedCloudDrive.')),
      ...filter,
    });
  }
  return pagingQuery(definition.defaultSort, { [definition.param]: Uuid(paramDescriptions[definition.param]), ...filter });
}
