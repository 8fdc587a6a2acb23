import { audited, auditActor } from '../../http/audit.js';
import { changed, created, deletedFlag, updated, writeAudit } from '../../domain/audit.js';
import { Type, type Static } from 'typebox';
import type { App } from '../../http/types.js';
import { acceptInvitation, deleteUser, editUser, invitationOf, inviteUser, resendInvitation } from '../../domain/users.js';
import { collection, Done, parseListOptions, TokenQuery, sortable } from '../../http/paging.js';
import { NotFound } from '../../errors.js';
import { ifMatchOf } from '../../http/etag.js';
import * as records from '../../records/index.js';
import { userDetails } from '../../domain/details.js';
import { userEffectiveAccessRoutes } from '../sharedclouddrive/effective.js';
import {
  EditUserBody,
  IdQuery,
  InsertUserBody,
  ListUsersQuery,
  ResendBody,
  SignupBody,
  SignupInfo,
  SignupInfoQuery,
  User,
  USER_SORT,
  UserDetailsList,
  UserList,
} from './schema.js';

const tags = ['User'];

export async function userRoutes(app: App): Promise<void> {
  const ctx = app.ctx;
  const { store } = ctx;
  const { db } = store;

  const listUsers = (accountId: string, query: Static<typeof ListUsersQuery>) => {
    const options = parseListOptions(query, USER_SORT, { sortfield: 'CreateDate', descending: true });
    const status = query.userStatus ?? 7;
    const userType = query.userType ? query.userType : undefined;
    return {
      options,
      page: store.users.listUsers(db, accountId, {
        ...options,
        status: status === 0 ? 7 : status,
        userType,
        username: query.username,
      }),
    };
  };

  app.get(
    '/get_all_users',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "The paginated list of the account's users, newest first by default.",
        querystring: sortable(ListUsersQuery, USER_SORT),
        response: { 200: UserList },
      },
    },
    async (request) => {
      const { options, page } = listUsers(request.principal.accountId, request.query);
      const { rows, total } = await page;
      return collection(rows.map(records.user.present), total, options);
    },
  );

  app.get(
    '/get_all_users_with_details',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Users with their groups and their directly granted projects and shared cloud drives inlined.',
        description:
          'Each user carries the Click keys (userGroups, projects, sharedCloudDrives) and the Web API keys (groups, projectsData, drivesData) with the same content.',
        querystring: sortable(ListUsersQuery, USER_SORT),
        response: { 200: UserDetailsList },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const { options, page } = listUsers(accountId, request.query);
      const { rows, total } = await page;
      return collection(await userDetails(store, accountId, rows), total, options);
    },
  );

  app.get(
    '/get',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'One user of the account, with its ETag (for If-Match on edit_user).',
        querystring: IdQuery('The user.'),
        response: { 200: User },
      },
    },
    async (request) => {
      const user = await store.users.findUser(db, request.principal.accountId, request.query.id);
      if (!user) throw new NotFound('User', request.query.id);
      return records.user.present(user);
    },
  );

  app.post(
    '/insert_user',
    {
      config: { access: 'admin', etag: true },
      schema: {
        tags,
        summary: 'Creates a user in Pending status and sends an invitation with a token valid for 7 days.',
        querystring: Type.Object(TokenQuery),
        body: InsertUserBody,
        response: { 200: User },
      },
    },
    async (request) => {
      const { firstname = '', lastname = '', username, email, userType } = request.body;
      const actor = auditActor(request);
      const user = await inviteUser(
        ctx,
        request.principal.accountId,
        { firstname, lastname, username, email, userType },
        (tx, user) => writeAudit(tx, actor, created('User', records.user.present(user))),
      );
      return records.user.present(user);
    },
  );

  app.put(
    '/edit_user',
    {
      config: { access: 'admin', etag: true, ifMatch: true },
      schema: {
        tags,
        summary: 'Changes a user: the fields given are replaced, the others kept.',
        description:
          "The owner's userType and status cannot change, and only the owner changes the owner's username or email (499 ACCESS). status may be set to 1 Active or 2 Inactive; a pending user activates by accepting the invitation.",
        querystring: Type.Object(TokenQuery),
        body: EditUserBody,
        response: { 200: User },
      },
    },
    async (request) => {
      const { id } = request.body;
      const { accountId } = request.principal;
      const ifMatch = ifMatchOf(request);
      const [, after] = await audited(
        request,
        async (tx) => {
          // Locked first when there is an If-Match (editUser compares under that lock): the audit's before
          // is then the record the check saw.
          if (ifMatch) await tx.rowLocks.lockRecord(tx.db, 'users', accountId, id);
          const before = await tx.users.findUser(tx.db, accountId, id);
          const after = records.user.present(await editUser(tx, request.principal, { ...request.body, ifMatch }));
          return [before && records.user.present(before), after] as const;
        },
        ([before, after]) => updated('User', id, before, after),
      );
      return after;
    },
  );

  app.delete(
    '/delete_user',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Soft-deletes a user, ending its sessions and removing its group memberships and permissions.',
        description: 'The owner cannot be deleted, nor can callers delete themselves (499 ACCESS).',
        querystring: IdQuery('The user to delete.'),
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => deleteUser(tx, request.principal, id),
        () => deletedFlag('User', id, true),
      );
      return reply.code(200).send();
    },
  );

  app.post(
    '/resend_user_email',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Sends a pending user a new invitation; the previous token stops working.',
        description:
          'The body is a User object; its id (or else its username) names the user. A user that is not pending: 499 DEFAULT.',
        querystring: Type.Object(TokenQuery),
        body: ResendBody,
        response: Done,
      },
    },
    async (request, reply) => {
      const actor = auditActor(request);
      await resendInvitation(ctx, request.principal.accountId, request.body, (tx, user) =>
        writeAudit(tx, actor, { recordType: 'User', recordId: user.id, changes: changed('invitationSent', false, true) }),
      );
      return reply.code(200).send();
    },
  );

  app.get(
    '/signupinfo',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The invited user behind an invitation token (no session needed).',
        description: 'An unknown, expired or used token: 499 TOKEN.',
        querystring: SignupInfoQuery,
        response: { 200: SignupInfo },
      },
    },
    async (request) => {
      const { invitation, user } = await invitationOf(store, request.query.token);
      return {
        userId: user.id,
        accountId: user.account_id,
        accountName: invitation.account_name,
        username: user.username,
        email: user.email,
        firstname: user.firstname,
        lastname: user.lastname,
        userType: user.user_type,
      };
    },
  );

  app.post(
    '/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accepts an invitation: sets the password (at least 8 characters) and activates the user.',
        description: 'An unknown, expired or used token: 499 TOKEN. The token works once.',
        body: SignupBody,
        response: Done,
      },
    },
    async (request, reply) => {
      await acceptInvitation(store, request.body, (tx, user) =>
        writeAudit(tx, auditActor(request, { accountId: user.account_id, userId: user.id }), {
          recordType: 'User',
          recordId: user.id,
          changes: { ...changed('status', user.status, 1), ...changed('passwordChanged', false, true) },
        }),
      );
      return reply.code(200).send();
    },
  );

  await userEffectiveAccessRoutes(app);
}
