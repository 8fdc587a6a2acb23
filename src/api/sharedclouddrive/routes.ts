import { audited } from '../../http/audit.js';
import { created, deletedFlag, updated } from '../../domain/audit.js';
import { Type, type Static } from 'typebox';
import type { App } from '../../http/types.js';
import { readableScope, requireReadableSharedCloudDrive } from '../../domain/access.js';
import { deleteSharedCloudDrive } from '../../domain/projects.js';
import { NotFound } from '../../errors.js';
import { ifMatchOf } from '../../http/etag.js';
import { updateIfMatch } from '../../domain/versions.js';
import {
  collection,
  CollectionOf,
  Done,
  parseListOptions,
  sendCollectionJson,
  TokenQuery,
  Uuid,
  sortable,
} from '../../http/paging.js';
import type { Principal } from '../../context.js';
import { DriveGroupsData, DriveUsersData } from '../userspermission/records.js';
import { effectiveAccessRoutes } from './effective.js';
import type { SharedCloudDrive as DriveRow } from '../../store/types.js';
import { cleanName } from '../../domain/names.js';
import * as records from '../../records/index.js';
import { driveDetails } from '../../domain/details.js';
import { Project, ProjectSharedCloudDrive } from '../projects/schema.js';
import { driveChanges } from './present.js';
import {
  DriveList,
  InsertDriveBody,
  ListDrivesQuery,
  SHARED_CLOUD_DRIVE_SORT,
  SharedCloudDrive,
  UpdateDriveBody,
} from './schema.js';

const tags = ['SharedCloudDrive'];
const IdQuery = (description: string) => Type.Object({ ...TokenQuery, id: Uuid(description) });

const DriveWithDetails = Type.Object({
  ...SharedCloudDrive.properties,
  projectsData: Type.Array(Type.Object({ project: Project, projectSharedCloudDrive: ProjectSharedCloudDrive }), {
    description: 'The projects this drive is assigned to.',
  }),
  usersData: DriveUsersData,
  groupsData: DriveGroupsData,
});

export async function sharedCloudDriveRoutes(app: App): Promise<void> {
  const { store } = app.ctx;
  const { db } = store;

  const listQuery = (principal: Principal, query: Static<typeof ListDrivesQuery>) => {
    const options = parseListOptions(query, SHARED_CLOUD_DRIVE_SORT, { sortfield: 'Name' });
    const readable = readableScope(store, principal, 'shared_cloud_drives');
    return {
      options,
      query: {
        ...options,
        name: query.name,
        where: readable && (() => readable('shared_cloud_drives.id')),
      },
    };
  };
  const list = async (principal: Principal, query: Static<typeof ListDrivesQuery>) => {
    const { options, query: listing } = listQuery(principal, query);
    return { options, page: await store.sharedCloudDrives.list(db, principal.accountId, listing) };
  };

  app.get(
    '/get_all',
    {
      config: { access: 'member', responseCache: true },
      schema: {
        tags,
        summary: 'The paginated list of shared cloud drives in the account.',
        querystring: sortable(ListDrivesQuery, SHARED_CLOUD_DRIVE_SORT),
        response: { 200: DriveList },
      },
    },
    async (request, reply) => {
      const { options, query } = listQuery(request.principal, request.query);
      const page = await store.sharedCloudDrives.listJson(db, request.principal.accountId, query, records.sharedCloudDrive.shape);
      return sendCollectionJson(reply, page, options);
    },
  );

  app.get(
    '/get_all_with_details',
    {
      config: { access: 'member', responseCache: true },
      schema: {
        tags,
        summary: 'Shared cloud drives with their projects, users and user groups inlined.',
        querystring: sortable(ListDrivesQuery, SHARED_CLOUD_DRIVE_SORT),
        response: { 200: CollectionOf(DriveWithDetails) },
      },
    },
    async (request) => {
      const { options, page } = await list(request.principal, request.query);
      return collection(await driveDetails(store, request.principal, page.rows), page.total, options);
    },
  );

  app.get(
    '/get',
    {
      config: { access: 'member', etag: true },
      schema: {
        tags,
        summary: 'One shared cloud drive, with its ETag (for If-Match on update).',
        querystring: IdQuery('The drive.'),
        response: { 200: SharedCloudDrive },
      },
    },
    async (request) =>
      records.sharedCloudDrive.present(await requireReadableSharedCloudDrive(store, request.principal, request.query.id)),
  );

  app.post(
    '/insert',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'Creates a shared cloud drive record in the account.',
        querystring: Type.Object(TokenQuery),
        body: InsertDriveBody,
        response: { 200: SharedCloudDrive },
      },
    },
    async (request) => {
      const values = {
        cloud_account_id: null,
        prefix: '',
        prefix_id: '',
        storage_id: '',
        storage_name: '',
        objects_per_folder: 10000,
        allow_delete: 0,
        local_cache_encrypted: 0,
        cloud_objects_encrypted: 0,
        drive_type: 1,
        sync_type: 1,
        active: 1,
        ...driveChanges(request.body),
        name: cleanName(request.body.name),
        creator_user_id: request.principal.userId,
      };
      return audited(
        request,
        async (tx) =>
          records.sharedCloudDrive.present(
            (await tx.sharedCloudDrives.insert(tx.db, request.principal.accountId, values)) as DriveRow,
          ),
        (drive) => created('SharedCloudDrive', drive),
      );
    },
  );

  app.put(
    '/update',
    {
      config: { access: 'admin', etag: true, ifMatch: true },
      schema: {
        tags,
        summary: 'Updates a shared cloud drive: the fields given are replaced, the others kept.',
        querystring: Type.Object(TokenQuery),
        body: UpdateDriveBody,
        response: { 200: SharedCloudDrive },
      },
    },
    async (request) => {
      const changes = driveChanges(request.body);
      if (request.body.name !== undefined) changes.name = cleanName(request.body.name);
      const { id } = request.body;
      const { accountId } = request.principal;
      const [, after] = await audited(
        request,
        async (tx) => {
          // The record as it was (the audit's before), read under the If-Match lock when there is one.
          let before: Awaited<ReturnType<typeof tx.sharedCloudDrives.find>>;
          const row = await updateIfMatch(tx, { table: 'shared_cloud_drives', accountId, id }, ifMatchOf(request), {
            read: async (t) => (before = await t.sharedCloudDrives.find(t.db, accountId, id)),
            present: (found) => records.sharedCloudDrive.present(found as DriveRow),
            write: async (t) => {
              before ??= await t.sharedCloudDrives.find(t.db, accountId, id);
              return t.sharedCloudDrives.update(t.db, accountId, id, changes);
            },
          });
          if (!before || !row) throw new NotFound('Shared cloud drive', id);
          return [
            records.sharedCloudDrive.present(before as DriveRow),
            records.sharedCloudDrive.present(row as DriveRow),
          ] as const;
        },
        ([before, after]) => updated('SharedCloudDrive', id, before, after),
      );
      return after;
    },
  );

  app.delete(
    '/delete',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Soft-deletes a shared cloud drive, with its project assignments and permissions.',
        querystring: IdQuery('The drive to delete.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => deleteSharedCloudDrive(tx, request.principal.accountId, id),
        () => deletedFlag('SharedCloudDrive', id, true),
      );
      return reply.code(200).send();
    },
  );

  app.post(
    '/restore',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Brings a deleted shared cloud drive back (its former assignments are not restored).',
        querystring: IdQuery('The deleted drive to restore.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        async (tx) => {
          if (!(await tx.sharedCloudDrives.restore(tx.db, request.principal.accountId, id))) {
            throw new NotFound('Deleted shared cloud drive', id);
          }
        },
        () => deletedFlag('SharedCloudDrive', id, false),
      );
      return reply.code(200).send();
    },
  );

  await effectiveAccessRoutes(app);
}
