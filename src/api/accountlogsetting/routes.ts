import type { App } from '../../http/types.js';
import { changesOf, forwarding, type AuditRecord } from '../../domain/audit.js';
import { Duplicate, NotFound } from '../../errors.js';
import { audited } from '../../http/audit.js';
import { Done } from '../../http/paging.js';
import type { LogSettingValues } from '../../store/audit.js';
import type { AccountLogSetting as SettingRow } from '../../store/types.js';
import { AccountLogSetting, SettingQuery, SetupLogSettingBody, UpdateLogSettingBody } from './schema.js';

const tags = ['AccountLogSetting'];

/** The token as shown: masked but for its last 4 characters (none of a short one). */
export const maskToken = (token: string) =>
  token.length > 8 ? `${'*'.repeat(token.length - 4)}${token.slice(-4)}` : '*'.repeat(token.length);

export function presentLogSetting(row: SettingRow) {
  return {
    id: row.id,
    token: maskToken(row.token),
    serverAddress: row.server_address,
    servicePort: row.service_port,
    active: row.active === 1,
    provider: row.provider,
  };
}

/** What the audit log keeps of a setting: everything but the token (a credential), and whether it changed. */
const auditedFields = (row: SettingRow) => ({
  serverAddress: row.server_address,
  servicePort: row.service_port,
  active: row.active === 1,
  provider: row.provider,
});
const settingChange = (before: SettingRow | undefined, after: SettingRow | undefined): AuditRecord => {
  const changes = changesOf(before ? auditedFields(before) : null, after ? auditedFields(after) : null);
  if (before && after && before.token !== after.token) changes.tokenChanged = { before: false, after: true };
  return { recordType: 'AccountLogSetting', recordId: (after ?? before)!.id, changes };
};

const valuesOf = (body: { token: string; serverAddress: string; servicePort: string; active: boolean; provider: number }) =>
  ({
    token: body.token,
    server_address: body.serverAddress.trim(),
    service_port: body.servicePort,
    active: body.active ? 1 : 0,
    provider: body.provider,
  }) satisfies LogSettingValues;

/**
 * The account's log setting (AMOVE-API.md section 8.4; admins only; one per account): while active, every
 * audit entry is forwarded to the Splunk HTTP Event Collector it names (domain/logForwarding.ts).
 */
export async function accountLogSettingRoutes(app: App): Promise<void> {
  const { store } = app.ctx;

  app.post(
    '/setup',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Creates the account's log setting (one per account): forwards the audit log to Splunk while active.",
        querystring: SettingQuery,
        body: SetupLogSettingBody,
        response: { 200: AccountLogSetting },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const row = await audited(
        request,
        async (tx) => {
          if (await tx.audit.findLogSetting(tx.db, accountId)) {
            throw new Duplicate('The account already has a log setting; change it with update, or delete it first.');
          }
          try {
            return await tx.audit.insertLogSetting(tx.db, accountId, valuesOf(request.body));
          } catch (err) {
            if (store.isUniqueViolation(err)) throw new Duplicate('The account already has a log setting.');
            throw err;
          }
        },
        (row) => settingChange(undefined, row),
      );
      if (row.active) forwarding.active = true;
      return presentLogSetting(row);
    },
  );

  app.get(
    '/get',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "The account's log setting, its token masked.",
        querystring: SettingQuery,
        response: { 200: AccountLogSetting },
      },
    },
    async (request) => {
      const row = await store.audit.findLogSetting(store.db, request.principal.accountId);
      if (!row) throw new NotFound('Account log setting');
      return presentLogSetting(row);
    },
  );

  app.put(
    '/update',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Replaces the log setting (a masked token as `get` shows it keeps the stored one).',
        querystring: SettingQuery,
        body: UpdateLogSettingBody,
        response: { 200: AccountLogSetting },
      },
    },
    async (request) => {
      const { accountId } = request.principal;
      const { id } = request.body;
      const [, after] = await audited(
        request,
        async (tx) => {
          const before = await tx.audit.findLogSetting(tx.db, accountId);
          if (!before || before.id !== id) throw new NotFound('Account log setting', id);
          const values = valuesOf(request.body);
          // The masked token `get` returned, sent back unchanged, keeps the stored one.
          if (values.token === maskToken(before.token)) values.token = before.token;
          const after = await tx.audit.updateLogSetting(tx.db, accountId, id, values);
          if (!after) throw new NotFound('Account log setting', id);
          return [before, after] as const;
        },
        ([before, after]) => settingChange(before, after),
      );
      if (after.active) forwarding.active = true;
      return presentLogSetting(after);
    },
  );

  app.delete(
    '/delete',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Deletes the account's log setting: forwarding stops, entries not yet sent are dropped.",
        querystring: SettingQuery,
        response: Done,
      },
    },
    async (request, reply) => {
      const { accountId } = request.principal;
      await audited(
        request,
        async (tx) => {
          const before = await tx.audit.findLogSetting(tx.db, accountId);
          if (!before || !(await tx.audit.deleteLogSetting(tx.db, accountId))) throw new NotFound('Account log setting');
          return before;
        },
        (before) => settingChange(before, undefined),
      );
      return reply.code(200).send();
    },
  );
}
