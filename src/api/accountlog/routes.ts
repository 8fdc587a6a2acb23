import type { App } from '../../http/types.js';
import { Invalid } from '../../errors.js';
import { presentAuditEntry } from '../../domain/audit.js';
import { collection, parseListOptions, sortable } from '../../http/paging.js';
import { AUDIT_SORT, AuditList, ListAuditQuery } from './schema.js';

const tags = ['AccountLog'];

/** A date filter as the store compares it: ISO-8601 UTC text (a bare date is midnight UTC). */
function isoDate(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new Invalid(`'${field}' is not a valid date: "${value}".`);
  return date.toISOString();
}

/** The audit log, read-only: no endpoint changes or deletes entries. */
export async function accountLogRoutes(app: App): Promise<void> {
  const { store } = app.ctx;

  app.get(
    '/get_all',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "The account's audit log, newest first: every change, sign-in, failed sign-in and sign-out.",
        querystring: sortable(ListAuditQuery, AUDIT_SORT),
        response: { 200: AuditList },
      },
    },
    async (request) => {
      const options = parseListOptions(request.query, AUDIT_SORT, { sortfield: 'CreateDate', descending: true });
      const { userId, recordId, recordType, action } = request.query;
      const page = await store.audit.listAuditEntries(
        store.db,
        request.principal.accountId,
        { userId, recordId, recordType, action, from: isoDate('from', request.query.from), to: isoDate('to', request.query.to) },
        options,
      );
      return collection(page.rows.map(presentAuditEntry), page.total, options);
    },
  );
}
