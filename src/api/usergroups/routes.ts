import { audited, auditActor } from '../../http/audit.js';
import { changed, created, deletedFlag, removed, updated, writeAudit } from '../../domain/audit.js';
import { Type, type Static } from 'typebox';
import type { App } from '../../http/types.js';
import { cleanName } from '../../domain/names.js';
import { assignUsers, deleteUserGroup, importUsers } from '../../domain/userGroups.js';
import { NotFound } from '../../errors.js';
import { ifMatchOf } from '../../http/etag.js';
import { updateIfMatch } from '../../domain/versions.js';
import { collection, Done, parseListOptions, sendCollectionJson, TokenQuery, sortable } from '../../http/paging.js';
import type { UserGroup as UserGroupRow } from '../../store/types.js';
import type { UserUserGroup as MembershipRow } from '../../store/userGroupMembers.js';
import * as records from '../../records/index.js';
import { userGroupDetails } from '../../domain/details.js';
import {
  AssignedUserGroupsQuery,
  AssignedUsersQuery,
  AssignUsersBody,
  IdQuery,
  ImportUsersBody,
  InsertUserGroupBody,
  ListUserGroupsQuery,
  MEMBERSHIP_SORT,
  MembershipList,
  UpdateUserGroupBody,
  USER_GROUP_SORT,
  UserGroup,
  UserGroupDetailsList,
  UserGroupList,
} from './schema.js';

const tags = ['UserGroup'];

export async function userGroupRoutes(app: App): Promise<void> {
  const ctx = app.ctx;
  const { store } = ctx;
  const { db } = store;

  const listQuery = (query: Static<typeof ListUserGroupsQuery>) => {
    const options = parseListOptions(query, USER_GROUP_SORT, { sortfield: 'Name' });
    return {
      options,
      query: { ...options, name: query.name },
    };
  };
  const listGroups = (accountId: string, query: Static<typeof ListUserGroupsQuery>) => {
    const { options, query: listing } = listQuery(query);
    return { options, page: store.userGroups.list(db, accountId, listing) };
  };

  app.get(
    '/get_all',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'The paginated list of user groups in the account.',
        querystring: sortable(ListUserGroupsQuery, USER_GROUP_SORT),
        response: { 200: UserGroupList },
      },
    },
    async (request, reply) => {
      const { options, query } = listQuery(request.query);
      return sendCollectionJson(
        reply,
        await store.userGroups.listJson(db, request.principal.accountId, query, records.userGroup.shape),
        options,
      );
    },
  );

  app.get(
    '/get_all_with_details',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'User groups with their members and the projects and shared cloud drives granted to them inlined.',
        querystring: sortable(ListUserGroupsQuery, USER_GROUP_SORT),
        response: { 200: UserGroupDetailsList },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const { options, page } = listGroups(accountId, request.query);
      const { rows, total } = await page;
      return collection(await userGroupDetails(store, accountId, rows), total, options);
    },
  );

  app.get(
    '/get',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'One user group, with its ETag (for If-Match on update).',
        querystring: IdQuery('The user group.'),
        response: { 200: UserGroup },
      },
    },
    async (request) => {
      const row = await store.userGroups.find(db, request.principal.accountId, request.query.id);
      if (!row) throw new NotFound('User group', request.query.id);
      return records.userGroup.present(row);
    },
  );

  app.post(
    '/insert',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'Creates a user group in the account.',
        querystring: Type.Object(TokenQuery),
        body: InsertUserGroupBody,
        response: { 200: UserGroup },
      },
    },
    async (request) => {
      const { name, description = '', active = true } = request.body;
      const values = { name: cleanName(name), description, active: active ? 1 : 0 };
      return audited(
        request,
        async (tx) => records.userGroup.present(await tx.userGroups.insert(tx.db, request.principal.accountId, values)),
        (group) => created('UserGroup', group),
      );
    },
  );

  app.put(
    '/update',
    {
      config: { access: 'admin', etag: true, ifMatch: true },
      schema: {
        tags,
        summary: 'Updates a user group: the fields given are replaced, the others kept.',
        querystring: Type.Object(TokenQuery),
        body: UpdateUserGroupBody,
        response: { 200: UserGroup },
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
          let before: Awaited<ReturnType<typeof tx.userGroups.find>>;
          const row = await updateIfMatch(tx, { table: 'user_groups', accountId, id }, ifMatchOf(request), {
            read: async (t) => (before = await t.userGroups.find(t.db, accountId, id)),
            present: (found) => records.userGroup.present(found),
            write: async (t) => {
              before ??= await t.userGroups.find(t.db, accountId, id);
              return t.userGroups.update(t.db, accountId, id, changes);
            },
          });
          if (!before || !row) throw new NotFound('User group', id);
          return [records.userGroup.present(before), records.userGroup.present(row)] as const;
        },
        ([before, after]) => updated('UserGroup', id, before, after),
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
        summary: 'Soft-deletes a user group, with its memberships and the permissions granted to it.',
        querystring: IdQuery('The user group to delete.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => deleteUserGroup(tx, request.principal.accountId, id),
        () => deletedFlag('UserGroup', id, true),
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
        summary: 'Brings a deleted user group back (its former members and permissions are not restored).',
        querystring: IdQuery('The deleted user group to restore.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        async (tx) => {
          if (!(await tx.userGroups.restore(tx.db, request.principal.accountId, id)))
            throw new NotFound('Deleted user group', id);
        },
        () => deletedFlag('UserGroup', id, false),
      );
      return reply.code(200).send();
    },
  );

  app.get(
    '/get_assigned_users',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'The users of a group (deleted users are never listed).',
        querystring: sortable(AssignedUsersQuery, MEMBERSHIP_SORT),
        response: { 200: MembershipList },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const { userGroupId } = request.query;
      const options = parseListOptions(request.query, MEMBERSHIP_SORT, { sortfield: 'User.Username' });
      const group = await store.userGroups.find(db, accountId, userGroupId);
      if (!group) throw new NotFound('User group', userGroupId);
      const page = await store.userGroupMembers.listMemberships(
        db,
        accountId,
        { userGroupId },
        { ...options, filter: request.query.username },
      );
      const members = await store.users.findUsers(
        db,
        accountId,
        page.rows.map((r) => r.user_id),
      );
      return collection(joinMemberships(page.rows, members, [group]), page.total, options);
    },
  );

  app.get(
    '/get_assigned_usergroups',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'The groups a user belongs to (deleted groups are never listed).',
        querystring: sortable(AssignedUserGroupsQuery, MEMBERSHIP_SORT),
        response: { 200: MembershipList },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const { userId } = request.query;
      const options = parseListOptions(request.query, MEMBERSHIP_SORT, { sortfield: 'UserGroup.Name' });
      const user = await store.users.findUser(db, accountId, userId);
      if (!user) throw new NotFound('User', userId);
      const page = await store.userGroupMembers.listMemberships(
        db,
        accountId,
        { userId },
        { ...options, filter: request.query.name },
      );
      const groups = await store.userGroups.findMany(
        db,
        accountId,
        page.rows.map((r) => r.user_group_id),
      );
      return collection(joinMemberships(page.rows, [user], groups), page.total, options);
    },
  );

  app.post(
    '/assign_users',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Adds users to groups, all or nothing; existing memberships are skipped silently.',
        querystring: Type.Object(TokenQuery),
        body: AssignUsersBody,
        response: Done,
      },
    },
    async (request, reply) => {
      await audited(
        request,
        (tx) => assignUsers(tx, request.principal.accountId, request.body),
        () => ({ recordType: 'UserUserGroup', changes: changed('memberships', null, request.body) }),
      );
      return reply.code(200).send();
    },
  );

  app.delete(
    '/unassign_user',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Removes a user from a group, by the id of the UserUserGroup membership record.',
        querystring: IdQuery('Id of the UserUserGroup record to remove.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        async (tx) => {
          if (!(await tx.userGroupMembers.deleteMembership(tx.db, request.principal.accountId, id))) {
            throw new NotFound('User group membership', id);
          }
        },
        () => removed('UserUserGroup', id),
      );
      return reply.code(200).send();
    },
  );

  app.post(
    '/import_users',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Imports users into groups in one transaction; missing groups are created, new users invited.',
        description:
          'A username already in the account reuses that user; a username of another account is skipped silently; any other username becomes a Pending user with an invitation. Groups are matched by id, else by name case-insensitively. There is no billing: never 402.',
        querystring: Type.Object(TokenQuery),
        body: ImportUsersBody,
        response: Done,
      },
    },
    async (request, reply) => {
      const actor = auditActor(request);
      await importUsers(ctx, request.principal.accountId, request.body, (tx, result) =>
        writeAudit(tx, actor, { recordType: 'User', changes: changed('import', null, { ...result, items: request.body }) }),
      );
      return reply.code(200).send();
    },
  );
}

/** The UserUserGroupDTO items of a page of memberships. */
function joinMemberships(
  rows: MembershipRow[],
  userRows: Parameters<typeof records.user.present>[0][],
  groupRows: UserGroupRow[],
) {
  const userById = new Map(userRows.map((u) => [u.id, u]));
  const groupById = new Map(groupRows.map((g) => [g.id, g]));
  return rows.flatMap((row) => {
    const user = userById.get(row.user_id);
    const group = groupById.get(row.user_group_id);
    if (!user || !group) return [];
    return [
      {
        user: records.user.present(user),
        userGroup: records.userGroup.present(group),
        userUserGroup: records.userUserGroup.present(row),
      },
    ];
  });
}
