import { audited } from '../../http/audit.js';
import { changed, removed } from '../../domain/audit.js';
import type { App } from '../../http/types.js';
import { requireGrantListReader, type GrantListSubject } from '../../domain/access.js';
import { changePermissions, grantPermissions, revokePermission } from '../../domain/permissions.js';
import { Invalid, NotFound } from '../../errors.js';
import { collection, Done, parseListOptions, sortable } from '../../http/paging.js';
import type { Grant, RecordTable } from '../../store/permissions.js';
import type { Project, SharedCloudDrive, User, UserGroup } from '../../store/types.js';
import * as records from '../../records/index.js';
import { presentGrant } from '../../records/index.js';
import {
  changeBody,
  grantBody,
  IdQuery,
  kindDefinitions,
  listDefinitions,
  listOf,
  listQuery,
  sortFieldsOf,
  type KindDefinition,
  type ListDefinition,
} from './schema.js';

const tags = ['UsersPermission'];

const labels: Record<RecordTable, string> = {
  users: 'User',
  user_groups: 'User group',
  projects: 'Project',
  shared_cloud_drives: 'Shared cloud drive',
};

/** Any record a grant links, presented in its documented shape. */
function presentRecord(table: RecordTable, row: unknown) {
  switch (table) {
    case 'users':
      return records.user.present(row as User);
    case 'user_groups':
      return records.userGroup.present(row as UserGroup);
    case 'projects':
      return records.project.present(row as Project);
    case 'shared_cloud_drives':
      return records.sharedCloudDrive.present(row as SharedCloudDrive);
  }
}

/** The UsersPermission controller: `/userspermission/<action>`, twenty endpoints in four groups of five. */
export async function usersPermissionRoutes(app: App): Promise<void> {
  for (const definition of kindDefinitions) registerWrites(app, definition);
  for (const definition of listDefinitions) {
    registerList(
      app,
      definition,
      kindDefinitions.find((k) => k.kind === definition.kind)!,
    );
  }
}

function registerWrites(app: App, definition: KindDefinition): void {
  const url = `/${definition.action}`;
  const { kind, subjectField, targetField } = definition;
  /** The audit log's name of the grant kind: UserProjectPermission, ... */
  const recordType = `${kind[0]!.toUpperCase()}${kind.slice(1)}Permission`;

  app.post(
    url,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: `userspermission_${definition.action}_add`,
        summary: `Grants permissions (${definition.title}), all or nothing; a pair that has a grant already keeps it.`,
        body: grantBody(definition),
        response: Done,
      },
    },
    async (request, reply) => {
      const items = request.body as Record<string, string | number>[];
      const grants = items.map((item) => ({
        subjectId: item[subjectField] as string,
        targetId: item[targetField] as string,
        permissionType: item.permissionType as number,
      }));
      await audited(
        request,
        (tx) => grantPermissions(tx, request.principal.accountId, kind, grants),
        () => ({ recordType, changes: changed('grants', null, items) }),
      );
      return reply.code(200).send();
    },
  );

  app.put(
    url,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: `userspermission_${definition.action}_edit`,
        summary: `Changes the permission type of existing permissions (${definition.title}), all or nothing.`,
        body: changeBody(definition),
        response: Done,
      },
    },
    async (request, reply) => {
      const items = request.body as { id: string; permissionType: number }[];
      const changes = items.map((item) => ({ id: item.id, permissionType: item.permissionType }));
      await audited(
        request,
        async (tx) => {
          const before = await tx.permissions.findGrants(tx.db, request.principal.accountId, kind, [
            ...new Set(changes.map((c) => c.id)),
          ]);
          await changePermissions(tx, request.principal.accountId, kind, changes);
          return before;
        },
        (before) => {
          const after = new Map(changes.map((c) => [c.id, c.permissionType]));
          return before.map((grant) => ({
            recordType,
            recordId: grant.id,
            changes: changed('permissionType', grant.permission_type, after.get(grant.id) ?? grant.permission_type),
          }));
        },
      );
      return reply.code(200).send();
    },
  );

  app.delete(
    url,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: `userspermission_${definition.action}_delete`,
        summary: `Removes a permission (${definition.title}) by the id of its record.`,
        querystring: IdQuery,
        response: Done,
      },
    },
    async (request, reply) => {
      const { id } = request.query;
      await audited(
        request,
        (tx) => revokePermission(tx, request.principal.accountId, kind, id),
        () => removed(recordType, id),
      );
      return reply.code(200).send();
    },
  );
}

function registerList(app: App, list: ListDefinition, definition: KindDefinition): void {
  const { store } = app.ctx;
  const { db } = store;
  const info = store.permissions.grantKinds[list.kind];
  const sortFields = sortFieldsOf(definition, info.table);
  const [parentTable, otherTable] =
    list.side === 'subject' ? [info.subjectTable, info.targetTable] : [info.targetTable, info.subjectTable];

  app.get(
    `/${list.action}`,
    {
      // Any signed-in user; requireGrantListReader limits a non-admin to lists about themselves and their groups.
      config: { access: 'member' },
      schema: {
        tags,
        summary: list.summary,
        querystring: sortable(listQuery(list), sortFields),
        response: { 200: listOf(definition) },
      },
    },
    async (request) => {
      const query = request.query as Record<string, string | undefined> & Parameters<typeof parseListOptions>[0];
      const options = parseListOptions(query, sortFields, { sortfield: list.defaultSort });
      const parentId = query[list.param] ?? (list.param === 'sharedCloudDrive' ? query.sharedCloudDriveId : undefined);
      if (!parentId) throw new Invalid(`'${list.param}' is required.`);
      const { principal } = request;
      await requireGrantListReader(store, principal, aboutOf(list, parentId));

      const [parent] = await store.permissions.liveRecords(db, principal.accountId, parentTable, [parentId]);
      if (!parent) throw new NotFound(labels[parentTable], parentId);
      const page = await store.permissions.listGrants(
        db,
        principal.accountId,
        list.kind,
        { side: list.side, id: parentId },
        { ...options, filter: query[list.filter] },
      );
      const others = await store.permissions.liveRecords(
        db,
        principal.accountId,
        otherTable,
        page.rows.map((g) => (list.side === 'subject' ? g.target_id : g.subject_id)),
      );
      const otherById = new Map(others.map((r) => [r.id, r]));
      const items = page.rows.flatMap((grant: Grant) => {
        const other = otherById.get(list.side === 'subject' ? grant.target_id : grant.subject_id);
        if (!other) return [];
        const [subject, target] = list.side === 'subject' ? [parent, other] : [other, parent];
        const presentedTarget = presentRecord(info.targetTable, target);
        return [
          {
            [definition.subjectKey]: presentRecord(info.subjectTable, subject),
            ...Object.fromEntries(definition.targetKeys.map((key) => [key, presentedTarget])),
            permission: presentGrant(list.kind, grant),
          },
        ];
      });
      return collection(items, page.total, options);
    },
  );
}

function aboutOf(list: ListDefinition, id: string): GrantListSubject {
  switch (list.param) {
    case 'userId':
      return { userId: id };
    case 'userGroupId':
      return { userGroupId: id };
    case 'projectId':
      return { projectId: id };
    default:
      return { sharedCloudDriveId: id };
  }
}
