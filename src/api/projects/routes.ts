import type { Store } from '../../store/store.js';
import type { App } from '../../http/types.js';
import { readableScope, requireReadableProject, requireReadableSharedCloudDrive } from '../../domain/access.js';
import { assignSharedCloudDrives, deleteProject } from '../../domain/projects.js';
import { NotFound } from '../../errors.js';
import { ifMatchOf } from '../../http/etag.js';
import { updateIfMatch } from '../../domain/versions.js';
import { collection, Done, parseListOptions, sendCollectionJson, TokenQuery, sortable } from '../../http/paging.js';
import type { Principal } from '../../context.js';
import type { Project as ProjectRow, SharedCloudDrive as DriveRow } from '../../store/types.js';
import * as records from '../../records/index.js';
import { SHARED_CLOUD_DRIVE_SORT } from '../sharedclouddrive/schema.js';
import { cleanName } from '../../domain/names.js';
import { changed, created, deletedFlag, removed, updated } from '../../domain/audit.js';
import { audited } from '../../http/audit.js';
import {
  AssignBody,
  AssignedDrivesQuery,
  AssignedProjectsQuery,
  AssignmentList,
  IdQuery,
  InsertProjectBody,
  ListProjectsQuery,
  Project,
  PROJECT_SORT,
  ProjectDetailsList,
  ProjectList,
  UpdateProjectBody,
} from './schema.js';
import { Type } from 'typebox';

/** Sort fields of an assignment list: the joined drive's and project's fields, and the assignment's own. */
const ASSIGNMENT_SORT: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(SHARED_CLOUD_DRIVE_SORT).map(([f, c]) => [`SharedCloudDrive.${f}`, `shared_cloud_drives.${c}`]),
  ),
  ...Object.fromEntries(Object.entries(PROJECT_SORT).map(([f, c]) => [`Project.${f}`, `projects.${c}`])),
  CreateDate: 'project_shared_cloud_drives.create_date',
  Id: 'project_shared_cloud_drives.id',
};
const ASSIGNMENT_ALIASES = { 'SharedClouDrive.Name': 'SharedCloudDrive.Name' };

const tags = ['Projects'];

/** The records a project's details are made of. */
const projectDetailsShapes = {
  project: records.project.shape,
  user: records.user.shape,
  userGroup: records.userGroup.shape,
  userPermission: records.userProjectPermission.shape,
  userGroupPermission: records.userGroupProjectPermission.shape,
  drive: records.sharedCloudDrive.shape,
  assignment: records.projectSharedCloudDrive.shape,
};

export async function projectRoutes(app: App): Promise<void> {
  const { store } = app.ctx;
  const { db } = store;
  /** A project with its usersData, groupsData and drivesData, written as JSON by the database (an admin's: every drive). */
  const projectDetailsJson = { id: 'project-details', sql: store.projectDetailsSql(projectDetailsShapes) };

  app.get(
    '/get_all',
    {
      config: { access: 'member', responseCache: true },
      schema: {
        tags,
        summary: 'The paginated list of projects in the account.',
        querystring: sortable(ListProjectsQuery, PROJECT_SORT),
        response: { 200: ProjectList },
      },
    },
    async (request, reply) => {
      const options = parseListOptions(request.query, PROJECT_SORT, { sortfield: 'Name' });
      const readable = readableScope(store, request.principal, 'projects');
      const query = {
        ...options,
        name: request.query.name,
        where: readable && (() => readable('projects.id')),
      };
      return sendCollectionJson(
        reply,
        await store.projects.listJson(db, request.principal.accountId, query, records.project.shape),
        options,
      );
    },
  );

  app.get(
    '/get_all_with_details',
    {
      config: { access: 'member', responseCache: true },
      schema: {
        tags,
        summary: 'Projects with their assigned users, user groups and shared cloud drives inlined.',
        querystring: sortable(ListProjectsQuery, PROJECT_SORT),
        response: { 200: ProjectDetailsList },
      },
    },
    async (request, reply) => {
      const { accountId } = request.principal;
      const options = parseListOptions(request.query, PROJECT_SORT, { sortfield: 'Name' });
      const readable = readableScope(store, request.principal, 'projects');
      const query = {
        ...options,
        name: request.query.name,
        where: readable && (() => readable('projects.id')),
      };
      // SQLite writes the whole page as JSON; a member's drivesData holds only the drives they reach.
      const readableDrive = readableScope(store, request.principal, 'shared_cloud_drives');
      const object = readableDrive
        ? { id: 'project-details-reachable', sql: store.projectDetailsSql(projectDetailsShapes, readableDrive) }
        : projectDetailsJson;
      return sendCollectionJson(reply, await store.projects.listJsonOf(db, accountId, query, object), options);
    },
  );

  app.get(
    '/get',
    {
      config: { access: 'member', etag: true },
      schema: {
        tags,
        summary: 'One project, with its ETag (for If-Match on update).',
        querystring: IdQuery('The project.'),
        response: { 200: Project },
      },
    },
    async (request) => records.project.present(await requireReadableProject(store, request.principal, request.query.id)),
  );

  app.post(
    '/insert',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'Creates a project in the account.',
        querystring: Type.Object(TokenQuery),
        body: InsertProjectBody,
        response: { 200: Project },
      },
    },
    async (request) => {
      const { name, description = '', active = true } = request.body;
      const values = { name: cleanName(name), description, active: active ? 1 : 0 };
      const project = await audited(
        request,
        async (tx) => records.project.present(await tx.projects.insert(tx.db, request.principal.accountId, values)),
        (project) => created('Project', project),
      );
      return project;
    },
  );

  app.put(
    '/update',
    {
      config: { access: 'admin', etag: true, ifMatch: true },
      schema: {
        tags,
        summary: 'Updates a project: the fields given are replaced, the others kept.',
        querystring: Type.Object(TokenQuery),
        body: UpdateProjectBody,
        response: { 200: Project },
      },
    },
    async (request) => {
      const { id, name, description, active } = request.body;
      const changes: Record<string, unknown> = {};
      if (name !== undefined) changes.name = cleanName(name);
      if (description !== undefined) changes.description = description;
      if (active !== undefined) changes.active = active ? 1 : 0;
      const { accountId } = request.principal;
      const [, after] = await audited(
        request,
        async (tx) => {
          // The record as it was (the audit's before), read under the If-Match lock when there is one.
          let before: Awaited<ReturnType<typeof tx.projects.find>>;
          const row = await updateIfMatch(tx, { table: 'projects', accountId, id }, ifMatchOf(request), {
            read: async (t) => (before = await t.projects.find(t.db, accountId, id)),
            present: (found) => records.project.present(found),
            write: async (t) => {
              before ??= await t.projects.find(t.db, accountId, id);
              return t.projects.update(t.db, accountId, id, changes);
            },
          });
          if (!before || !row) throw new NotFound('Project', id);
          return [records.project.present(before), records.project.present(row)] as const;
        },
        ([before, after]) => updated('Project', id, before, after),
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
        summary: 'Soft-deletes a project, with its drive assignments and permissions.',
        querystring: IdQuery('The project to delete.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => deleteProject(tx, request.principal.accountId, id),
        () => deletedFlag('Project', id, true),
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
        summary: 'Brings a deleted project back (its former assignments are not restored).',
        querystring: IdQuery('The deleted project to restore.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        async (tx) => {
          if (!(await tx.projects.restore(tx.db, request.principal.accountId, id))) throw new NotFound('Deleted project', id);
        },
        () => deletedFlag('Project', id, false),
      );
      return reply.code(200).send();
    },
  );

  app.get(
    '/get_assigned_sharedclouddrives',
    {
      config: { access: 'member' },
      schema: {
        tags,
        summary: 'The shared cloud drives assigned to a project.',
        querystring: sortable(AssignedDrivesQuery, ASSIGNMENT_SORT, ASSIGNMENT_ALIASES),
        response: { 200: AssignmentList },
      },
    },
    async (request) => listAssigned(store, request.principal, 'sharedCloudDrives', request.query.projectId, request.query),
  );

  app.get(
    '/get_assigned_projects',
    {
      config: { access: 'member' },
      schema: {
        tags,
        summary: 'The projects a shared cloud drive is assigned to.',
        querystring: sortable(AssignedProjectsQuery, ASSIGNMENT_SORT, ASSIGNMENT_ALIASES),
        response: { 200: AssignmentList },
      },
    },
    async (request) => listAssigned(store, request.principal, 'projects', request.query.sharedCloudDriveId, request.query),
  );

  app.post(
    '/assign_sharedclouddrive',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Assigns shared cloud drives to projects, all or nothing; existing pairs are skipped silently.',
        querystring: Type.Object(TokenQuery),
        body: AssignBody,
        response: Done,
      },
    },
    async (request, reply) => {
      // One entry for the whole request, with its pairs (not one per pair).
      await audited(
        request,
        (tx) => assignSharedCloudDrives(tx, request.principal.accountId, request.body),
        () => ({ recordType: 'ProjectSharedCloudDrive', changes: changed('pairs', null, request.body) }),
      );
      return reply.code(200).send();
    },
  );

  app.delete(
    '/unassign_sharedclouddrive',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Removes a project-to-drive assignment, by the id of the assignment record.',
        querystring: IdQuery('Id of the ProjectSharedCloudDrive assignment to remove.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        async (tx) => {
          if (!(await tx.assignments.deleteAssignment(tx.db, request.principal.accountId, id))) {
            throw new NotFound('Project shared cloud drive assignment', id);
          }
        },
        () => removed('ProjectSharedCloudDrive', id),
      );
      return reply.code(200).send();
    },
  );
}

/** The two mirror-image assignment lists: the drives of a project, and the projects of a drive. */
const assignedSides = {
  sharedCloudDrives: {
    defaultSort: 'SharedCloudDrive.Name',
    requireParent: requireReadableProject,
    listed: 'shared_cloud_drives',
    listedColumn: 'project_shared_cloud_drives.shared_cloud_drive_id',
  },
  projects: {
    defaultSort: 'Project.Name',
    requireParent: requireReadableSharedCloudDrive,
    listed: 'projects',
    listedColumn: 'project_shared_cloud_drives.project_id',
  },
} as const;

/**
 * One page of the assignments of a project (its drives) or of a drive (its projects), as
 * SharedCloudDriveProjectDTO items, limited to the records the caller may read.
 */
async function listAssigned(
  store: Store,
  principal: Principal,
  of: keyof typeof assignedSides,
  parentId: string,
  query: Parameters<typeof parseListOptions>[0],
) {
  const { db } = store;
  const side = assignedSides[of];
  const { accountId } = principal;
  const options = parseListOptions(query, ASSIGNMENT_SORT, { sortfield: side.defaultSort }, ASSIGNMENT_ALIASES);
  const parent = await side.requireParent(store, principal, parentId);
  const readable = readableScope(store, principal, side.listed);
  const page = await store.assignments.listAssignments(
    db,
    accountId,
    of === 'sharedCloudDrives' ? { projectId: parentId } : { sharedCloudDriveId: parentId },
    { ...options, where: readable?.(side.listedColumn) },
  );
  const [projectRows, driveRows] =
    of === 'sharedCloudDrives'
      ? [
          [parent as ProjectRow],
          await store.sharedCloudDrives.findMany(
            db,
            accountId,
            page.rows.map((r) => r.shared_cloud_drive_id),
          ),
        ]
      : [
          await store.projects.findMany(
            db,
            accountId,
            page.rows.map((r) => r.project_id),
          ),
          [parent as DriveRow],
        ];
  const projectById = new Map(projectRows.map((p) => [p.id, p]));
  const driveById = new Map(driveRows.map((d) => [d.id, d]));
  const items = page.rows.flatMap((row) => {
    const project = projectById.get(row.project_id);
    const drive = driveById.get(row.shared_cloud_drive_id);
    if (!project || !drive) return [];
    return [
      {
        sharedCloudDrive: records.sharedCloudDrive.present(drive),
        project: records.project.present(project),
        projectSharedCloudDrive: records.projectSharedCloudDrive.present(row),
      },
    ];
  });
  return collection(items, page.total, options);
}
