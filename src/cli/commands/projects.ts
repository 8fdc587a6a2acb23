import { Option, type Command } from 'commander';
import { CliError, type ApiClient } from '../client.js';
import { shortDate, type Column, type Page } from '../format.js';
import {
  clientCommand,
  group,
  pagingQuery,
  printDone,
  registerGet,
  withIfMatch,
  printPage,
  resolveRecord,
  run,
  signedIn,
  UUID,
  withPaging,
  type ClientOptions,
  type PagingOptions,
} from './common.js';
import { DRIVE, PROJECT, type Assignment, type Project } from '../records.js';

const PROJECTS = { one: 'project', many: 'projects' };

const projectColumns: Column<Project>[] = [
  { header: 'NAME', value: (p) => p.name },
  { header: 'ID', value: (p) => p.id },
  { header: 'ACTIVE', value: (p) => p.active },
  { header: 'DESCRIPTION', value: (p) => p.description, max: 40 },
  { header: 'UPDATED', value: (p) => shortDate(p.updateDate) },
];

/** Finds the assignment of a drive to a project, walking the project's assignment pages. */
async function findAssignment(client: ApiClient, projectId: string, driveId: string): Promise<Assignment | undefined> {
  for (let page = 1; ; page++) {
    const found = await client.get<Page<Assignment>>('/projects/get_assigned_sharedclouddrives', {
      projectId,
      page,
      pagesize: 1000,
    });
    const match = found.data.find((a) => a.projectSharedCloudDrive.sharedCloudDriveId === driveId);
    if (match) return match;
    if (page * 1000 >= found.total) return undefined;
  }
}

export function registerProjectCommands(program: Command): void {
  const projects = group(
    program,
    'projects',
    'List and change projects and the shared cloud drives assigned to them.',
    [
      '  clickd projects list --name campaign',
      '  clickd projects create "Campaign 2026" --description "Q1 creative"',
      '  clickd projects assign "Campaign 2026" "Team Drive"',
      '  clickd projects drives "Campaign 2026"',
      '',
      'A project or drive is named by its id or by its exact name.',
    ].join('\n'),
  );

  withPaging(
    clientCommand(
      projects,
      'list',
      'List the projects of your account, a page at a time.',
      [
        '  clickd projects list',
        '  clickd projects list --name campaign --sort UpdateDate --desc',
        '  clickd projects list --page 2 --pagesize 20',
        '  clickd projects list --deleted          # the soft-deleted ones, to restore',
        '  clickd projects list --json | jq -r ".data[].id"',
      ].join('\n'),
    ),
    'Name',
    { flag: '--name', description: 'only projects whose name contains this text (case-insensitive)' },
  )
    .option('--deleted', 'list the deleted projects instead of the live ones')
    .action(
      run(async (options: ClientOptions & PagingOptions) => {
        const page = await signedIn(options).get<Page<Project>>('/projects/get_all', pagingQuery(options));
        printPage(options, page, projectColumns, PROJECTS);
      }),
    );

  clientCommand(
    projects,
    'create <name>',
    'Create a project.',
    [
      '  clickd projects create "Campaign 2026"',
      '  clickd projects create "Campaign 2026" --description "Q1 creative" --inactive',
    ].join('\n'),
  )
    .option('--description <text>', 'what the project is for')
    .option('--inactive', 'create it inactive (projects are active by default)')
    .action(
      run(async (name: string, options: ClientOptions & { description?: string; inactive?: boolean }) => {
        const project = await signedIn(options).create<Project>('/projects/insert', {
          name,
          description: options.description,
          active: !options.inactive,
        });
        printDone(options, `Created project "${project.name}" (${project.id}).`, project);
      }),
    );

  registerGet(projects, { noun: 'project', group: 'projects', list: PROJECT.list, get: '/projects/get' }, (p: Project) => [
    ['Name', p.name],
    ['Id', p.id],
    ['Description', p.description],
    ['Active', p.active],
    ['Created', shortDate(p.createDate)],
    ['Updated', shortDate(p.updateDate)],
  ]);

  withIfMatch(
    clientCommand(
      projects,
      'update <project>',
      'Change the name, description or active flag of a project.',
      [
        '  clickd projects update "Campaign 2026" --name "Campaign 2027"',
        '  clickd projects update 3f0c...-... --description "" --inactive',
        '  clickd projects update "Campaign 2026" --if-match "$(clickd projects get "Campaign 2026" --etag)" --inactive',
      ].join('\n'),
    ),
    'project',
    'projects',
  )
    .option('--name <name>', 'the new name')
    .option('--description <text>', 'the new description')
    .addOption(new Option('--active', 'mark it active').conflicts('inactive'))
    .addOption(new Option('--inactive', 'mark it inactive').conflicts('active'))
    .action(
      run(
        async (
          reference: string,
          options: ClientOptions & {
            name?: string;
            description?: string;
            active?: boolean;
            inactive?: boolean;
            ifMatch?: string;
          },
        ) => {
          const active = options.active ? true : options.inactive ? false : undefined;
          if (options.name === undefined && options.description === undefined && active === undefined) {
            throw new CliError('nothing to change: give --name, --description, --active or --inactive', 2);
          }
          const client = signedIn(options);
          const { id } = await resolveRecord(client, PROJECT, reference);
          const project = await client.put<Project>(
            '/projects/update',
            { id, name: options.name, description: options.description, active },
            undefined,
            { ifMatch: options.ifMatch },
          );
          printDone(options, `Updated project "${project.name}" (${project.id}).`, project);
        },
      ),
    );

  clientCommand(
    projects,
    'delete <project>',
    'Delete a project (a soft delete: `clickd projects restore` brings it back).',
    ['  clickd projects delete "Campaign 2026"', '  clickd projects delete 3f0c5a8e-0000-4000-8000-000000000000'].join('\n'),
  ).action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<Project>(client, PROJECT, reference);
      await client.delete('/projects/delete', { id });
      printDone(options, `Deleted project ${record ? `"${record.name}" ` : ''}(${id}).`);
    }),
  );

  clientCommand(
    projects,
    'restore <project>',
    'Bring a deleted project back (its former drive assignments are not restored).',
    [
      '  clickd projects restore "Campaign 2026"',
      '  clickd projects list --deleted           # to find what can be restored',
    ].join('\n'),
  ).action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<Project>(client, PROJECT, reference, { deleted: true });
      await client.post('/projects/restore', undefined, { id });
      printDone(options, `Restored project ${record ? `"${record.name}" ` : ''}(${id}).`);
    }),
  );

  withPaging(
    clientCommand(
      projects,
      'drives <project>',
      'List the shared cloud drives assigned to a project.',
      [
        '  clickd projects drives "Campaign 2026"',
        '  clickd projects drives "Campaign 2026" --sort SharedCloudDrive.CreateDate --desc --json',
      ].join('\n'),
    ),
    'SharedCloudDrive.Name',
  ).action(
    run(async (reference: string, options: ClientOptions & PagingOptions) => {
      const client = signedIn(options);
      const { id } = await resolveRecord(client, PROJECT, reference);
      const page = await client.get<Page<Assignment>>('/projects/get_assigned_sharedclouddrives', {
        ...pagingQuery(options),
        projectId: id,
      });
      printPage(
        options,
        page,
        [
          { header: 'DRIVE', value: (a) => a.sharedCloudDrive.name },
          { header: 'DRIVE ID', value: (a) => a.sharedCloudDrive.id },
          { header: 'BUCKET', value: (a) => a.sharedCloudDrive.storageName },
          { header: 'ASSIGNMENT ID', value: (a) => a.projectSharedCloudDrive.id },
          { header: 'ASSIGNED', value: (a) => shortDate(a.projectSharedCloudDrive.createDate) },
        ],
        { one: 'assigned drive', many: 'assigned drives' },
      );
    }),
  );

  clientCommand(
    projects,
    'assign <project> <drives...>',
    'Assign one or more shared cloud drives to a project (already assigned ones are skipped).',
    [
      '  clickd projects assign "Campaign 2026" "Team Drive"',
      '  clickd projects assign "Campaign 2026" "Team Drive" "Archive" 9b1d...-...',
    ].join('\n'),
  ).action(
    run(async (reference: string, driveReferences: string[], options: ClientOptions) => {
      const client = signedIn(options);
      const { id: projectId, record } = await resolveRecord<Project>(client, PROJECT, reference);
      const driveIds: string[] = [];
      for (const drive of driveReferences) driveIds.push((await resolveRecord(client, DRIVE, drive)).id);
      await client.create(
        '/projects/assign_sharedclouddrive',
        driveIds.map((sharedCloudDriveId) => ({ projectId, sharedCloudDriveId })),
      );
      const count = driveIds.length === 1 ? '1 drive' : `${driveIds.length} drives`;
      printDone(options, `Assigned ${count} to project ${record ? `"${record.name}" ` : ''}(${projectId}).`);
    }),
  );

  clientCommand(
    projects,
    'unassign <project|assignment-id> [drive]',
    'Remove a drive from a project: name both, or give the assignment id.',
    [
      '  clickd projects unassign "Campaign 2026" "Team Drive"',
      '  clickd projects unassign 5e2f...-...      # an ASSIGNMENT ID from `clickd projects drives`',
    ].join('\n'),
  ).action(
    run(async (first: string, drive: string | undefined, options: ClientOptions) => {
      const client = signedIn(options);
      let assignmentId: string;
      let done: string;
      if (drive === undefined) {
        if (!UUID.test(first)) throw new CliError('give the project and the drive, or the assignment id alone', 2);
        assignmentId = first;
        done = `Removed assignment ${assignmentId}.`;
      } else {
        const project = await resolveRecord<Project>(client, PROJECT, first);
        const { id: driveId } = await resolveRecord(client, DRIVE, drive);
        const assignment = await findAssignment(client, project.id, driveId);
        if (!assignment) throw new CliError(`NOT_FOUND: drive "${drive}" is not assigned to project "${first}".`);
        assignmentId = assignment.projectSharedCloudDrive.id;
        done = `Unassigned drive "${assignment.sharedCloudDrive.name}" from project "${assignment.project.name}".`;
      }
      await client.delete('/projects/unassign_sharedclouddrive', { id: assignmentId });
      printDone(options, done);
    }),
  );
}
