import { InvalidArgumentError, Option, type Command } from 'commander';
import { CliError, type ApiClient } from '../client.js';
import { table, type Column, type Page } from '../format.js';
import { clientCommand, group, printDone, resolveRecord, run, signedIn, write, writeJson, type ClientOptions } from './common.js';
import { GROUP } from './groups.js';
import { DRIVE, PROJECT } from '../records.js';
import { USER } from './users.js';

interface Grant {
  user?: { username: string };
  userGroup?: { name: string };
  project?: { name: string };
  sharedCloudDrive?: { name: string };
  permission: { id: string; permissionType: number };
}

interface Selection {
  user?: string;
  group?: string;
  project?: string;
  drive?: string;
}

const PERMISSION_TYPES: Record<string, number> = { read: 1, readwrite: 2 };

function permissionType(value: string): number {
  const found = PERMISSION_TYPES[value.toLowerCase().replace(/[^a-z]/g, '')];
  if (found === undefined) throw new InvalidArgumentError('use read or readwrite.');
  return found;
}

/** The documented grant route of each subject and target pair (spelling included). */
const GRANT_ROUTES = {
  'user:project': '/userspermission/users_project_permission',
  'user:drive': '/userspermission/users_sharedclouddrive_permision',
  'group:project': '/userspermission/usergroups_project_permission',
  'group:drive': '/userspermission/usergroup_sharedclouddrive_permission',
};

/** The two lists that show every grant on (or of) one record. */
const LISTS: Record<keyof Selection, { what: typeof PROJECT; lists: [string, string][] }> = {
  project: {
    what: PROJECT,
    lists: [
      ['/userspermission/get_users_assigned_to_project', 'projectId'],
      ['/userspermission/get_usergroups_assigned_to_project', 'projectId'],
    ],
  },
  drive: {
    what: DRIVE,
    lists: [
      ['/userspermission/get_users_assigned_to_sharedclouddrive', 'sharedCloudDriveId'],
      ['/userspermission/get_usergroups_assigned_to_sharedclouddrive', 'sharedCloudDrive'],
    ],
  },
  user: {
    what: USER,
    lists: [
      ['/userspermission/get_projects_assigned_to_user', 'userId'],
      ['/userspermission/get_sharedclouddrive_assigned_to_user', 'userId'],
    ],
  },
  group: {
    what: GROUP,
    lists: [
      ['/userspermission/get_projects_assigned_to_usergroup', 'userGroupId'],
      ['/userspermission/get_sharedclouddrive_assigned_to_usergroup', 'userGroupId'],
    ],
  },
};

const selectOptions = (cmd: Command) =>
  cmd
    .option('--user <user>', 'a user, by username or id')
    .option('--group <group>', 'a user group, by name or id')
    .option('--project <project>', 'a project, by name or id')
    .option('--drive <drive>', 'a shared cloud drive, by name or id');

async function grantsOf(client: ApiClient, side: keyof Selection, reference: string): Promise<Page<Grant>[]> {
  const { what, lists } = LISTS[side];
  const { id } = await resolveRecord(client, what, reference);
  return Promise.all(lists.map(([route, parameter]) => client.get<Page<Grant>>(route, { [parameter]: id, pagesize: 1000 })));
}

export function registerPermissionCommands(program: Command): void {
  const permissions = group(
    program,
    'permissions',
    'Grant users and groups access to projects and drives, and see who has it.',
    [
      '  clickd permissions grant --user bob@example.com --project "Campaign 2026" --permission readwrite',
      '  clickd permissions grant --group Editors --drive "Team Drive"',
      '  clickd permissions list --project "Campaign 2026"',
    ].join('\n'),
  );

  selectOptions(
    clientCommand(
      permissions,
      'grant',
      'Give a user or a group read or read-write access to a project or a drive.',
      [
        '  clickd permissions grant --user bob@example.com --project "Campaign 2026"',
        '  clickd permissions grant --group Editors --drive "Team Drive" --permission readwrite',
      ].join('\n'),
    ),
  )
    .addOption(new Option('--permission <type>', 'read or readwrite').argParser(permissionType).default(1, 'read'))
    .action(
      run(async (options: ClientOptions & Selection & { permission: number }) => {
        const subject = options.user !== undefined ? 'user' : options.group !== undefined ? 'group' : undefined;
        const target = options.project !== undefined ? 'project' : options.drive !== undefined ? 'drive' : undefined;
        if (!subject || !target || (options.user && options.group) || (options.project && options.drive)) {
          throw new CliError('give one of --user or --group, and one of --project or --drive', 2);
        }
        const client = signedIn(options);
        const subjectId = (await resolveRecord(client, subject === 'user' ? USER : GROUP, (options.user ?? options.group)!)).id;
        const targetId = (
          await resolveRecord(client, target === 'project' ? PROJECT : DRIVE, (options.project ?? options.drive)!)
        ).id;
        await client.create(GRANT_ROUTES[`${subject}:${target}`], [
          {
            [subject === 'user' ? 'userId' : 'userGroupId']: subjectId,
            [target === 'project' ? 'projectId' : 'sharedCloudDriveId']: targetId,
            permissionType: options.permission,
          },
        ]);
        const level = options.permission === 2 ? 'read-write' : 'read';
        printDone(
          options,
          `Granted ${subject} ${options.user ?? options.group} ${level} access to ${target} ${options.project ?? options.drive}.`,
        );
      }),
    );

  selectOptions(
    clientCommand(
      permissions,
      'list',
      'List the direct grants on a project or drive, or of a user or group (up to 1000 of each kind).',
      ['  clickd permissions list --project "Campaign 2026"', '  clickd permissions list --user bob@example.com --json'].join(
        '\n',
      ),
    ),
  ).action(
    run(async (options: ClientOptions & Selection) => {
      const given = (['project', 'drive', 'user', 'group'] as const).filter((k) => options[k] !== undefined);
      if (given.length !== 1) throw new CliError('give exactly one of --project, --drive, --user or --group', 2);
      const side = given[0]!;
      const pages = await grantsOf(signedIn(options), side, options[side]!);
      if (options.json) return writeJson(pages);
      const rows = pages.flatMap((p) => p.data);
      if (rows.length === 0) return write('No permissions.\n');
      const columns: Column<Grant>[] = [
        { header: 'WHO', value: (g) => (g.user ? `user ${g.user.username}` : `group ${g.userGroup?.name}`) },
        { header: 'ON', value: (g) => (g.project ? `project ${g.project.name}` : `drive ${g.sharedCloudDrive?.name}`) },
        { header: 'PERMISSION', value: (g) => (g.permission.permissionType === 2 ? 'readwrite' : 'read') },
        { header: 'PERMISSION ID', value: (g) => g.permission.id },
      ];
      write(table(rows, columns));
    }),
  );
}
