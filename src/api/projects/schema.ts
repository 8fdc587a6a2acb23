import { Type } from 'typebox';
import { BooleanQuery, CollectionOf, TokenQuery, Uuid, pagingQuery } from '../../http/paging.js';
import { project, PROJECT_NAME_MAX, projectSharedCloudDrive, sharedCloudDrive } from '../../records/index.js';
import { ProjectGroupsData, ProjectUsersData } from '../userspermission/records.js';

/** Sort fields of a project list: API name → column. */
export const PROJECT_SORT = {
  Name: 'name_key',
  Description: 'description',
  Active: 'active',
  CreateDate: 'create_date',
  UpdateDate: 'update_date',
  Id: 'id',
};

export { PROJECT_NAME_MAX };
export const DESCRIPTION_MAX = 1000;

export const Project = project.schema;
export const ProjectSharedCloudDrive = projectSharedCloudDrive.schema;

export const SharedCloudDriveProjectDTO = Type.Object({
  sharedCloudDrive: sharedCloudDrive.schema,
  project: Project,
  projectSharedCloudDrive: ProjectSharedCloudDrive,
});

export const ProjectWithDetails = Type.Object({
  ...Project.properties,
  usersData: ProjectUsersData,
  groupsData: ProjectGroupsData,
  drivesData: Type.Array(
    Type.Object({ sharedCloudDrive: sharedCloudDrive.schema, projectSharedCloudDrive: ProjectSharedCloudDrive }),
    {
      description: 'The shared cloud drives assigned to this project.',
    },
  ),
});

export const ProjectList = CollectionOf(Project);
export const ProjectDetailsList = CollectionOf(ProjectWithDetails);
export const AssignmentList = CollectionOf(SharedCloudDriveProjectDTO);

export const ListProjectsQuery = pagingQuery('Name', {
  name: Type.Optional(Type.String({ description: 'Case-insensitive substring filter on the project name.' })),
  deleted: Type.Optional(BooleanQuery('List the soft-deleted projects instead of the live ones.')),
});

export const ProjectName = Type.String({
  minLength: 1,
  maxLength: PROJECT_NAME_MAX,
  description: 'Trimmed; unique in the account.',
});
export const Description = Type.String({ maxLength: DESCRIPTION_MAX });

export const InsertProjectBody = Type.Object({
  name: ProjectName,
  description: Type.Optional(Description),
  active: Type.Optional(Type.Boolean({ default: true })),
});

export const UpdateProjectBody = Type.Object({
  id: Uuid('The project to update.'),
  name: Type.Optional(ProjectName),
  description: Type.Optional(Description),
  active: Type.Optional(Type.Boolean()),
});

export const IdQuery = (description: string) => Type.Object({ ...TokenQuery, id: Uuid(description) });

export const AssignedDrivesQuery = pagingQuery('SharedCloudDrive.Name', { projectId: Uuid('The project.') });
export const AssignedProjectsQuery = pagingQuery('Project.Name', { sharedCloudDriveId: Uuid('The shared cloud drive.') });

export const ASSIGN_MAX = 1000;
export const AssignBody = Type.Array(
  Type.Object({ projectId: Uuid('The project.'), sharedCloudDriveId: Uuid('The shared cloud drive to assign to it.') }),
  { minItems: 1, maxItems: ASSIGN_MAX },
);

export const Empty = Type.Null({ description: 'HTTP 200 with no body.' });
