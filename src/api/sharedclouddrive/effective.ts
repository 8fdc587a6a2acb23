import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { effectiveAccessOfUser, effectiveSharedCloudDrives, usersReaching, type EffectiveAccess } from '../../domain/access.js';
import { TokenQuery, Uuid } from '../../http/paging.js';
import { PermissionTypeField } from '../userspermission/records.js';
import * as records from '../../records/index.js';
import { SharedCloudDrive } from './schema.js';

const Named = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });

export const AccessPath = Type.Object({
  via: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('project'), Type.Literal('groupProject')], {
    description:
      'direct: granted to the user; group: granted to a group of theirs; project: assigned to a project granted to them; groupProject: assigned to a project granted to a group of theirs.',
  }),
  userGroup: Type.Optional(Type.Object(Named.properties, { description: 'The group, for group and groupProject.' })),
  project: Type.Optional(Type.Object(Named.properties, { description: 'The project, for project and groupProject.' })),
  permissionType: PermissionTypeField,
});

export const EffectiveSharedCloudDrive = Type.Object({
  sharedCloudDrive: SharedCloudDrive,
  permissionType: Type.Integer({ enum: [1, 2], description: 'The strongest permission among the paths: 1 Read, 2 ReadWrite.' }),
  paths: Type.Array(AccessPath, { description: 'Every way by which the user reaches the drive.' }),
});

const EffectiveUser = Type.Object({
  user: records.user.schema,
  permissionType: Type.Integer({ enum: [1, 2], description: 'The strongest permission among the paths: 1 Read, 2 ReadWrite.' }),
  paths: Type.Array(AccessPath, { description: 'Every way by which the user reaches the drive.' }),
});

const INACTIVE_NOTE =
  'An inactive project or user group grants nothing through it, and a deleted or inactive user reaches nothing.';

/** The API form of a list of drives reached. */
export const presentEffective = (items: EffectiveAccess[]) =>
  items.map((item) => ({ ...item, sharedCloudDrive: records.sharedCloudDrive.present(item.sharedCloudDrive) }));

/** `/sharedclouddrive/get_shared_cloud_drive` (Web API): the caller's effective access to drives. */
export async function effectiveAccessRoutes(app: App): Promise<void> {
  const { store } = app.ctx;
  app.get(
    '/get_shared_cloud_drive',
    {
      config: { access: 'self' },
      schema: {
        tags: ['SharedCloudDrive'],
        summary:
          'Every shared cloud drive the caller reaches (directly, through a group, through a project, or through a project granted to a group), once each; a plain array, not a DTOCollection.',
        querystring: Type.Object(TokenQuery),
        response: { 200: Type.Array(EffectiveSharedCloudDrive) },
      },
    },
    async (request) => presentEffective(await effectiveSharedCloudDrives(store, request.principal)),
  );

  app.get(
    '/get_effective_access',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['SharedCloudDrive'],
        summary: 'Every user who reaches a shared cloud drive, once each, with the strongest permission and every path (admins).',
        description: `A plain array sorted by username; the paths have the kinds of get_shared_cloud_drive. ${INACTIVE_NOTE} An unknown or deleted drive: 499 NOT_FOUND.`,
        querystring: Type.Object({ ...TokenQuery, id: Uuid('The shared cloud drive.') }),
        response: { 200: Type.Array(EffectiveUser) },
      },
    },
    async (request) => {
      const items = await usersReaching(store, request.principal, request.query.id);
      return items.map((item) => ({ ...item, user: records.user.present(item.user) }));
    },
  );
}

/** `/user/get_effective_access` (admins): what any user of the account reaches, in get_shared_cloud_drive's shape. */
export async function userEffectiveAccessRoutes(app: App): Promise<void> {
  const { store } = app.ctx;
  app.get(
    '/get_effective_access',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['User'],
        summary: 'Every shared cloud drive a user reaches, once each, with the strongest permission and every path (admins).',
        description: `The shape of sharedclouddrive/get_shared_cloud_drive, for any user of the account. ${INACTIVE_NOTE} An unknown or deleted user: 499 NOT_FOUND.`,
        querystring: Type.Object({ ...TokenQuery, userId: Uuid('The user.') }),
        response: { 200: Type.Array(EffectiveSharedCloudDrive) },
      },
    },
    async (request) => presentEffective(await effectiveAccessOfUser(store, request.principal, request.query.userId)),
  );
}
