import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { effectiveSharedCloudDrives } from '../../domain/access.js';
import { TokenQuery } from '../../http/paging.js';
import { PermissionTypeField } from '../userspermission/records.js';
import * as records from '../../records/index.js';
import { SharedCloudDrive } from './schema.js';

const Named = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });

const AccessPath = Type.Object({
  via: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('project'), Type.Literal('groupProject')], {
    description:
      'direct: granted to the user; group: granted to a group of theirs; project: assigned to a project granted to them; groupProject: assigned to a project granted to a group of theirs.',
  }),
  userGroup: Type.Optional(Type.Object(Named.properties, { description: 'The group, for group and groupProject.' })),
  project: Type.Optional(Type.Object(Named.properties, { description: 'The project, for project and groupProject.' })),
  permissionType: PermissionTypeField,
});

const EffectiveSharedCloudDrive = Type.Object({
  sharedCloudDrive: SharedCloudDrive,
  permissionType: Type.Integer({ enum: [1, 2], description: 'The strongest permission among the paths: 1 Read, 2 ReadWrite.' }),
  paths: Type.Array(AccessPath, { description: 'Every way by which the caller reaches the drive.' }),
});

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
    async (request) => {
      const items = await effectiveSharedCloudDrives(store, request.principal);
      return items.map((item) => ({ ...item, sharedCloudDrive: records.sharedCloudDrive.present(item.sharedCloudDrive) }));
    },
  );
}
