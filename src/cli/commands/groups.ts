import type { Command } from 'commander';
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
import { USER, type User } from './users.js';

export interface UserGroup {
  id: string;
  name: string;
  description: string;
  active: boolean;
  updateDate: string;
}

interface Membership {
  user: User;
  userGroup: UserGroup;
  userUserGroup: { id: string; createDate: string };
}

export const GROUP = { noun: 'group', list: '/usergroup/get_all' };

export function registerGroupCommands(program: Command): void {
  const groups = group(
    program,
    'groups',
    'List and change user groups and their members.',
    [
      '  clickd groups create Editors',
      '  clickd groups add-member Editors bob@example.com',
      '  clickd groups members Editors',
    ].join('\n'),
  );

  withPaging(
    clientCommand(
      groups,
      'list',
      'List the user groups of your account.',
      '  clickd groups list\n  clickd groups list --name edit --json',
    ),
    'Name',
    { flag: '--name', description: 'only groups whose name contains this text' },
  ).action(
    run(async (options: ClientOptions & PagingOptions) => {
      const page = await signedIn(options).get<Page<UserGroup>>('/usergroup/get_all', pagingQuery(options));
      const columns: Column<UserGroup>[] = [
        { header: 'NAME', value: (g) => g.name },
        { header: 'ID', value: (g) => g.id },
        { header: 'ACTIVE', value: (g) => g.active },
        { header: 'DESCRIPTION', value: (g) => g.description, max: 40 },
        { header: 'UPDATED', value: (g) => shortDate(g.updateDate) },
      ];
      printPage(options, page, columns, { one: 'group', many: 'groups' });
    }),
  );

  clientCommand(
    groups,
    'create <name>',
    'Create a user group.',
    '  clickd groups create Editors --description "Can edit the campaign drives"',
  )
    .option('--description <text>', 'what the group is for')
    .action(
      run(async (name: string, options: ClientOptions & { description?: string }) => {
        const created = await signedIn(options).create<UserGroup>('/usergroup/insert', {
          name,
          description: options.description,
        });
        printDone(options, `Created group "${created.name}" (${created.id}).`, created);
      }),
    );

  clientCommand(groups, 'delete <group>', 'Delete a user group (by name or id).', '  clickd groups delete Editors').action(
    run(async (reference: string, options: ClientOptions) => {
      const client = signedIn(options);
      const { id, record } = await resolveRecord<UserGroup>(client, GROUP, reference);
      await client.delete('/usergroup/delete', { id });
      printDone(options, `Deleted group ${record ? `"${record.name}" ` : ''}(${id}).`);
    }),
  );

  withPaging(
    clientCommand(groups, 'members <group>', 'List the members of a user group.', '  clickd groups members Editors'),
    'User.Username',
  ).action(
    run(async (reference: string, options: ClientOptions & PagingOptions) => {
      const client = signedIn(options);
      const { id } = await resolveRecord(client, GROUP, reference);
      const page = await client.get<Page<Membership>>('/usergroup/get_assigned_users', {
        ...pagingQuery(options),
        userGroupId: id,
      });
      const columns: Column<Membership>[] = [
        { header: 'USERNAME', value: (m) => m.user.username },
        { header: 'USER ID', value: (m) => m.user.id },
        { header: 'NAME', value: (m) => `${m.user.firstname} ${m.user.lastname}`.trim() },
        { header: 'MEMBERSHIP ID', value: (m) => m.userUserGroup.id },
        { header: 'ADDED', value: (m) => shortDate(m.userUserGroup.createDate) },
      ];
      printPage(options, page, columns, { one: 'member', many: 'members' });
    }),
  );

  clientCommand(
    groups,
    'add-member <group> <users...>',
    'Add users (by username or id) to a group; members already in it are skipped.',
    ['  clickd groups add-member Editors bob@example.com carol@example.com'].join('\n'),
  ).action(
    run(async (reference: string, userReferences: string[], options: ClientOptions) => {
      const client = signedIn(options);
      const { id: userGroupId, record } = await resolveRecord<UserGroup>(client, GROUP, reference);
      const userIds: string[] = [];
      for (const user of userReferences) userIds.push((await resolveRecord(client, USER, user)).id);
      await client.create(
        '/usergroup/assign_users',
        userIds.map((userId) => ({ userId, userGroupId })),
      );
      const count = userIds.length === 1 ? '1 user' : `${userIds.length} users`;
      printDone(options, `Added ${count} to group ${record ? `"${record.name}" ` : ''}(${userGroupId}).`);
    }),
  );
}
