import { InvalidArgumentError, Option, type Command } from 'commander';
import { CliError } from '../client.js';
import { shortDate, type Column, type Page } from '../format.js';
import {
  clientCommand,
  group,
  pagingQuery,
  positiveInteger,
  printDone,
  printPage,
  registerGet,
  resolveRecord,
  run,
  signedIn,
  withIfMatch,
  withPaging,
  type ClientOptions,
  type PagingOptions,
} from './common.js';
import { DRIVE, type Assignment, type Drive } from '../records.js';

const DRIVES = { one: 'drive', many: 'drives' };

const DRIVE_TYPES: Record<string, number> = { virtual: 1, local: 2 };
const SYNC_TYPES: Record<string, number> = { stream: 1, mirror: 2 };
const nameOf = (names: Record<string, number>, value: number) =>
  Object.entries(names).find(([, v]) => v === value)?.[0] ?? String(value);

function choice(flag: string, names: Record<string, number>) {
  return (value: string): number => {
    const found = names[value.toLowerCase()] ?? Object.values(names).find((v) => String(v) === value);
    if (found === undefined) throw new InvalidArgumentError(`${flag} must be one of: ${Object.keys(names).join(', ')}.`);
    return found;
  };
}

const driveColumns: Column<Drive>[] = [
  { header: 'NAME', value: (d) => d.name },
  { header: 'ID', value: (d) => d.id },
  { header: 'ACTIVE', value: (d) => d.active },
  { header: 'BUCKET', value: (d) => d.storageName },
  { header: 'PREFIX', value: (d) => d.prefix },
  { header: 'TYPE', value: (d) => nameOf(DRIVE_TYPES, d.driveType) },
  { header: 'SYNC', value: (d) => nameOf(SYNC_TYPES, d.syncType) },
  { header: 'UPDATED', value: (d) => shortDate(d.updateDate) },
];

interface DriveFieldOptions {
  storageName?: string;
  prefix?: string;
  cloudAccount?: string;
  objectsPerFolder?: number;
  allowDelete?: boolean;
  localCacheEncrypted?: boolean;
  cloudObjectsEncrypted?: boolean;
  driveType?: number;
  syncType?: number;
}

/** The options that set a drive's fields; on update each flag has a --no- form, and unset ones are kept. */
function withDriveFields(cmd: Command, { update }: { update: boolean }): Command {
  cmd
    .option('--storage-name <bucket>', 'the backing bucket')
    .option('--prefix <prefix>', 'folder prefix inside the bucket, e.g. "team/"')
    .option('--cloud-account <id>', 'the cloud account (uuid) holding the bucket')
    .addOption(
      new Option('--objects-per-folder <n>', 'objects listed per folder (default 10000)').argParser(
        positiveInteger('--objects-per-folder'),
      ),
    )
    .option('--allow-delete', 'propagate local deletions to the cloud')
    .option('--local-cache-encrypted', 'encrypt the local cache')
    .option('--cloud-objects-encrypted', 'encrypt objects at rest in the cloud')
    .addOption(new Option('--drive-type <type>', 'virtual (default) or local').argParser(choice('--drive-type', DRIVE_TYPES)))
    .addOption(new Option('--sync-type <type>', 'stream (default) or mirror').argParser(choice('--sync-type', SYNC_TYPES)));
  if (update) {
    cmd
      .option('--no-allow-delete', 'stop propagating local deletions')
      .option('--no-local-cache-encrypted', 'stop encrypting the local cache')
      .option('--no-cloud-objects-encrypted', 'stop encrypting objects in the cloud');
  }
  return cmd;
}

function driveFields(options: DriveFieldOptions) {
  return {
    storageName: options.storageName,
    prefix: options.prefix,
    cloudAccountId: options.cloudAccount,
    objectsPerFolder: options.objectsPerFolder,
    allowDelete: options.allowDelete,
    localCacheEncrypted: options.localCacheEncrypted,
    cloudObjectsEncrypted: options.cloudObjectsEncrypted,
    driveType: options.driveType,
    syncType: options.syncType,
  };
}

export function registerDriveCommands(program: Command): void {
  const drives = group(
    program,
    'drives',
    'List and change shared cloud drives (records describing a bucket and prefix).',
    [
      '  clickd drives list',
      '  clickd drives create "Team Drive" --storage-name team-bucket --prefix team/',
      '  clickd drives projects "Team Drive"',
      '',
      'A drive is named by its id or by its exact name.',
    ].join('\n'),
  );

  withPaging(
    clientCommand(
      drives,
      'list',
      'List the shared cloud drives of your account, a page at a time.',
      [
        '  clickd drives list',
        '  clickd drives list --name team --sort StorageName',
        '  clickd drives list --deleted --json',
      ].join('\n'),
    ),
    'Name',
    { flag: '--name', description: 'only drives whose name contains this text (case-insensitive)' },
  )
    .option('--deleted', 'list the deleted drives instead of the live ones')
    .action(
      run(async (options: ClientOptions & PagingOptions) => {
        const page = await signedIn(options).get<Page<Drive>>('/sharedclouddrive/get_all', pagingQuery(options));
        printPage(options, page, driveColumns, DRIVES);
      }),
    );

  withDriveFields(
    clientCommand(
      drives,
      'create <name>',
      'Create a shared cloud drive.',
      [
        '  clickd drives create "Team Drive" --storage-name team-bucket',
        '  clickd drives create Archive --storage-name archive --prefix 2026/ --sync-type mirror --allow-delete',
      ].join('\n'),
    ),
    { update: false },
  )
    .option('--inactive', 'create it inactive (drives are active by default)')
    .action(
      run(async (name: string, options: ClientOptions & DriveFieldOptions & { inactive?: boolean }) => {
        const drive = await signedIn(options).create<Drive>('/sharedclouddrive/insert', {
          name,
          ...driveFields(options),
          active: !options.inactive,
        });
        printDone(options, `Created drive "${drive.name}" (${drive.id}).`, drive);
      }),
    );

  registerGet(drives, { noun: 'drive', group: 'drives', list: DRIVE.list, get: '/sharedclouddrive/get' }, (d: Drive) => [
    ['Name', d.name],
    ['Id', d.id],
    ['Storage name', d.storageName],
    ['Prefix', d.prefix],
    ['Active', d.active],
    ['Created', shortDate(d.createDate)],
    ['Updated', shortDate(d.updateDate)],
  ]);

  withIfMatch(
    withDriveFields(
      clientCommand(
        drives,
        'update <drive>',
        'Change a shared cloud drive: the options given replace those fields, the others are kept.',
        [
          '  clickd drives update "Team Drive" --name "Team Drive 2" --prefix shared/',
          '  clickd drives update "Team Drive" --no-allow-delete --inactive',
          '  clickd drives update "Team Drive" --if-match "$(clickd drives get "Team Drive" --etag)" --prefix shared/',
        ].join('\n'),
      ),
      { update: true },
    ),
    'drive',
    'drives',
  )
    .option('--name <name>', 'the new name')
    .addOption(new Option('--active', 'mark it active').conflicts('inactive'))
    .addOption(new Option('--inactive', 'mark it inactive').conflicts('active'))
    .action(
      run(
        async (
          reference: string,
          options: ClientOptions & DriveFieldOptions & { name?: string; active?: boolean; inactive?: boolean; ifMatch?: string },
        ) => {
          const body = {
            name: options.name,
            ...driveFields(options),
            active: options.active ? true : options.inactive ? false : undefined,
          };
          if (Object.values(body).every((v) => v === undefined))
            throw new CliError('nothing to change: give at least one option (see --help)', 2);
          const client = signedIn(options);
          const { id } = await resolveRecord(client, DRIVE, reference);
          const drive = await client.put<Drive>('/sharedclouddrive/update', { id, ...body }, undefined, {
            ifMatch: options.ifMatch,
          });
          printDone(options, `Updated drive "${drive.name}" (${drive.id}).`, drive);
        },
      ),
    );

  clientCommand(
    drives,
    'delete <drive>',
    'Delete a drive (a soft delete), with its project assignments and permissions.',
    ['  clickd drives delete "Team Drive"'].join('\n'),
  ).action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<Drive>(client, DRIVE, reference);
      await client.delete('/sharedclouddrive/delete', { id });
      printDone(options, `Deleted drive ${record ? `"${record.name}" ` : ''}(${id}).`);
    }),
  );

  clientCommand(
    drives,
    'restore <drive>',
    'Bring a deleted drive back (its former assignments are not restored).',
    ['  clickd drives restore "Team Drive"'].join('\n'),
  ).action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<Drive>(client, DRIVE, reference, { deleted: true });
      await client.post('/sharedclouddrive/restore', undefined, { id });
      printDone(options, `Restored drive ${record ? `"${record.name}" ` : ''}(${id}).`);
    }),
  );

  withPaging(
    clientCommand(
      drives,
      'projects <drive>',
      'List the projects a drive is assigned to.',
      ['  clickd drives projects "Team Drive"', '  clickd drives projects "Team Drive" --sort Project.CreateDate --desc'].join(
        '\n',
      ),
    ),
    'Project.Name',
  ).action(
    run(async (reference: string, options: ClientOptions & PagingOptions) => {
      const client = signedIn(options);
      const { id } = await resolveRecord(client, DRIVE, reference);
      const page = await client.get<Page<Assignment>>('/projects/get_assigned_projects', {
        ...pagingQuery(options),
        sharedCloudDriveId: id,
      });
      printPage(
        options,
        page,
        [
          { header: 'PROJECT', value: (a) => a.project.name },
          { header: 'PROJECT ID', value: (a) => a.project.id },
          { header: 'ACTIVE', value: (a) => a.project.active },
          { header: 'ASSIGNMENT ID', value: (a) => a.projectSharedCloudDrive.id },
          { header: 'ASSIGNED', value: (a) => shortDate(a.projectSharedCloudDrive.createDate) },
        ],
        { one: 'project', many: 'projects' },
      );
    }),
  );
}
