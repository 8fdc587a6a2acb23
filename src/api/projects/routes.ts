import type { App } from '../../http/types.js';
import { readableAmong, readableScope, requireReadableProject, requireReadableSharedCloudDrive } from '../../domain/access.js';
import { assignSharedCloudDrives, deleteProject } from '../../domain/projects.js';
import { NotFound } from '../../errors.js';
import { collection, Done, parseBoolean, parseListOptions, sortable, sendCollectionJson, TokenQuery } from '../../http/paging.js';
import { assignments, projects, sharedCloudDrives } from '../../store/index.js';
import type { Db } from '../../store/db.js';
import type { Principal } from '../../context.js';
import { grantsDataOf } from '../userspermission/details.js';
import type { Project as ProjectRow, ProjectSharedCloudDrive as AssignmentRow } from '../../store/types.js';
import { presentSharedCloudDrive, sharedCloudDriveShape } from '../sharedclouddrive/present.js';
import { userShape } from '../users/present.js';
import { userGroupShape } from '../usergroups/present.js';
import { projectDetailsObjectSql } from '../../store/projectDetails.js';
import { SHARED_CLOUD_DRIVE_SORT } from '../sharedclouddrive/schema.js';
import { cleanName } from '../../domain/names.js';
import { presentProject, presentProjectSharedCloudDrive, projectShape } from './present.js';
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

/** A project with its usersData, groupsData and drivesData, written as JSON by SQLite (admins). */
const projectDetailsJson = {
  id: 'project-details',
  sql: projectDetailsObjectSql({
    project: projectShape,
    user: userShape,
    userGroup: userGroupShape,
    userPermission: {
      id: 'id',
      userId: 'user_id',
      projectId: 'project_id',
      permissionType: 'permission_type',
      createDate: 'create_date',
      updateDate: 'update_date',
    },
    userGroupPermission: {
      id: 'id',
      userGroupId: 'user_group_id',
      projectId: 'project_id',
      permissionType: 'permission_type',
      createDate: 'create_date',
      updateDate: 'update_date',
    },
    drive: sharedCloudDriveShape,
    assignment: { id: 'id', projectId: 'project_id', sharedCloudDriveId: 'shared_cloud_drive_id', createDate: 'create_date' },
  }),
};

export async function projectRoutes(app: App): Promise<void> {
  const { db } = app.ctx;

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
      const readable = readableScope(db, request.principal, 'projects');
      const query = {
        ...options,
        sortColumn: options.sort.column,
        name: request.query.name,
        deleted: parseBoolean(request.query.deleted, false),
        where: readable && (() => readable('projects.id')),
      };
      return sendCollectionJson(reply, await projects.listJson(db, request.principal.accountId, query, projectShape), options);
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
      const readable = readableScope(db, request.principal, 'projects');
      const query = {
        ...options,
        sortColumn: options.sort.column,
        name: request.query.name,
        deleted: parseBoolean(request.query.deleted, false),
        where: readable && (() => readable('projects.id')),
      };
      // An admin sees every drive: SQLite writes the whole page as JSON. A member's drives are filtered
      // by what they can reach, in JavaScript.
      if (request.principal.admin) {
        return sendCollectionJson(reply, await projects.listJsonOf(db, accountId, query, projectDetailsJson), options);
      }
      const page = await projects.list(db, accountId, query);
      const details = await projectDetails(db, request.principal, page.rows);
      return collection(details, page.total, options);
    },
  );

  app.post(
    '/insert',
    {
      config: { access: 'admin' },
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
      const row = await projects.insert(db, request.principal.accountId, {
        name: cleanName(name),
        description,
        active: active ? 1 : 0,
      });
      return presentProject(row);
    },
  );

  app.put(
    '/update',
    {
      config: { access: 'admin' },
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
      const row = await projects.update(db, request.principal.accountId, id, changes);
      if (!row) throw new NotFound('Project', id);
      return presentProject(row);
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
      await deleteProject(db, request.principal.accountId, request.query.id);
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
      if (!(await projects.restore(db, request.principal.accountId, request.query.id))) {
        throw new NotFound('Deleted project', request.query.id);
      }
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
    async (request) => {
      const { accountId } = request.principal;
      const { projectId } = request.query;
      const options = parseListOptions(
        request.query,
        ASSIGNMENT_SORT,
        { sortfield: 'SharedCloudDrive.Name' },
        ASSIGNMENT_ALIASES,
      );
      const project = await requireReadableProject(db, request.principal, projectId);
      const readable = readableScope(db, request.principal, 'shared_cloud_drives');
      const page = await assignments.listAssignments(
        db,
        accountId,
        { projectId },
        {
          ...options,
          sortColumn: options.sort.column,
          where: readable?.('project_shared_cloud_drives.shared_cloud_drive_id'),
        },
      );
      const drives = await sharedCloudDrives.findMany(
        db,
        accountId,
        page.rows.map((r) => r.shared_cloud_drive_id),
      );
      return collection(joinAssignments(page.rows, [project], drives), page.total, options);
    },
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
    async (request) => {
      const { accountId } = request.principal;
      const { sharedCloudDriveId } = request.query;
      const options = parseListOptions(request.query, ASSIGNMENT_SORT, { sortfield: 'Project.Name' }, ASSIGNMENT_ALIASES);
      const drive = await requireReadableSharedCloudDrive(db, request.principal, sharedCloudDriveId);
      const readable = readableScope(db, request.principal, 'projects');
      const page = await assignments.listAssignments(
        db,
        accountId,
        { sharedCloudDriveId },
        {
          ...options,
          sortColumn: options.sort.column,
          where: readable?.('project_shared_cloud_drives.project_id'),
        },
      );
      const found = await projects.findMany(
        db,
        accountId,
        page.rows.map((r) => r.project_id),
      );
      return collection(joinAssignments(page.rows, found, [drive]), page.total, options);
    },
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
      await assignSharedCloudDrives(db, request.principal.accountId, request.body);
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
      if (!(await assignments.deleteAssignment(db, request.principal.accountId, request.query.id))) {
        throw new NotFound('Project shared cloud drive assignment', request.query.id);
      }
      return reply.code(200).send();
    },
  );
}

/** The SharedCloudDriveProjectDTO items of a page of assignments. */
function joinAssignments(
  rows: AssignmentRow[],
  projectRows: ProjectRow[],
  driveRows: Awaited<ReturnType<typeof sharedCloudDrives.findMany>>,
) {
  const projectById = new Map(projectRows.map((p) => [p.id, p]));
  const driveById = new Map(driveRows.map((d) => [d.id, d]));
  return rows.flatMap((row) => {
    const project = projectById.get(row.project_id);
    const drive = driveById.get(row.shared_cloud_drive_id);
    if (!project || !drive) return [];
    return [
      {
        sharedCloudDrive: presentSharedCloudDrive(drive),
        project: presentProject(project),
        projectSharedCloudDrive: presentProjectSharedCloudDrive(row),
      },
    ];
  });
}

/**
 * Projects with their granted users and groups and their drives (those the caller may read), in a fixed
 * number of queries whatever the page size: one per child kind, over the page's ids.
 */
async function projectDetails(db: Db, principal: Principal, rows: ProjectRow[]) {
  const { accountId } = principal;
  const ids = rows.map((r) => r.id);
  const assigned = await assignments.assignmentsOf(db, accountId, { projectIds: ids });
  const driveIds = [...new Set(assigned.map((a) => a.shared_cloud_drive_id))];
  const drives = await sharedCloudDrives.findMany(db, accountId, driveIds);
  const readableDrive = await readableAmong(db, principal, 'shared_cloud_drives', driveIds);
  const grantsData = await grantsDataOf(db, accountId, 'projects', ids);
  const driveById = new Map(drives.filter((d) => readableDrive(d.id)).map((d) => [d.id, d]));
  const drivesByProject = new Map<
    string,
    {
      sharedCloudDrive: ReturnType<typeof presentSharedCloudDrive>;
      projectSharedCloudDrive: ReturnType<typeof presentProjectSharedCloudDrive>;
    }[]
  >();
  for (const a of assigned) {
    const drive = driveById.get(a.shared_cloud_drive_id);
    if (!drive) continue;
    const list = drivesByProject.get(a.project_id) ?? [];
    list.push({ sharedCloudDrive: presentSharedCloudDrive(drive), projectSharedCloudDrive: presentProjectSharedCloudDrive(a) });
    drivesByProject.set(a.project_id, list);
  }
  return rows.map((row) => ({
    ...presentProject(row),
    ...grantsData(row.id),
    drivesData: drivesByProject.get(row.id) ?? [],
  }));
}
