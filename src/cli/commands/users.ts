import { InvalidArgumentError, Option, type Command } from 'commander';
import { shortDate, type Column, type Page } from '../format.js';
import {
  clientCommand,
  group,
  pagingQuery,
  printDone,
  printPage,
  resolveRecord,
  run,
  signedIn,
  withPaging,
  type ClientOptions,
  type PagingOptions,
} from './common.js';
import { USER_TYPES, userTypeNames } from './auth.js';

export interface User {
  id: string;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  userType: number;
  status: number;
  mfa: boolean;
  owner: boolean;
  createDate: string;
}

export const USER = {
  noun: 'user',
  list: '/user/get_all_users',
  nameParameter: 'username',
  nameOf: (u: User) => u.username,
};

const STATUS: Record<number, string> = { 1: 'active', 2: 'inactive', 4: 'pending' };

/** A user type by its documented name (case-insensitive) or its number. */
function userType(value: string): number {
  const byName = USER_TYPES.find(([, name]) => name.toLowerCase() === value.toLowerCase());
  const n = byName?.[0] ?? Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 127) {
    throw new InvalidArgumentError(`use a number or one of: ${USER_TYPES.map(([, name]) => name).join(', ')}.`);
  }
  return n;
}

export function registerUserCommands(program: Command): void {
  const users = group(
    program,
    'users',
    'List, invite and delete the users of your account.',
    ['  clickd users list', '  clickd users invite bob@example.com --first-name Bob --type DesktopCreativeUser'].join('\n'),
  );

  withPaging(
    clientCommand(
      users,
      'list',
      'List the users of your account.',
      ['  clickd users list', '  clickd users list --username example.com --sort Username'].join('\n'),
    ),
    'CreateDate',
    { flag: '--username', description: 'only users whose username contains this text' },
  ).action(
    run(async (options: ClientOptions & PagingOptions & { username?: string }) => {
      const page = await signedIn(options).get<Page<User>>('/user/get_all_users', {
        ...pagingQuery(options),
        username: options.username,
      });
      const columns: Column<User>[] = [
        { header: 'USERNAME', value: (u) => u.username },
        { header: 'ID', value: (u) => u.id },
        { header: 'NAME', value: (u) => `${u.firstname} ${u.lastname}`.trim() },
        { header: 'TYPE', value: (u) => userTypeNames(u.userType) },
        { header: 'STATUS', value: (u) => STATUS[u.status] ?? u.status },
        { header: 'OWNER', value: (u) => u.owner },
        { header: 'CREATED', value: (u) => shortDate(u.createDate) },
      ];
      printPage(options, page, columns, { one: 'user', many: 'users' });
    }),
  );

  clientCommand(
    users,
    'invite <email>',
    'Invite a user to your account: they get an email to choose a password.',
    [
      '  clickd users invite bob@example.com',
      '  clickd users invite carol@example.com --first-name Carol --type DesktopAdmin',
    ].join('\n'),
  )
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .addOption(
      new Option('--type <type>', `user type: ${USER_TYPES.map(([, n]) => n).join(', ')}, or a number`)
        .argParser(userType)
        .default(64, 'DesktopStandardUser'),
    )
    .action(
      run(async (email: string, options: ClientOptions & { firstName?: string; lastName?: string; type: number }) => {
        const user = await signedIn(options).create<User>('/user/insert_user', {
          username: email,
          email,
          firstname: options.firstName,
          lastname: options.lastName,
          userType: options.type,
        });
        printDone(options, `Invited ${user.username} (${user.id}).`, user);
      }),
    );

  clientCommand(
    users,
    'delete <user>',
    'Delete a user (by username or id); their sessions end.',
    '  clickd users delete bob@example.com',
  ).action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<User>(client, USER, reference);
      await client.delete('/user/delete_user', { id });
      printDone(options, `Deleted user ${record ? `${record.username} ` : ''}(${id}).`);
    }),
  );
}
