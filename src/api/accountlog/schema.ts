import { Type } from 'typebox';
import { CollectionOf, pagingQuery, Uuid } from '../../http/paging.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description });

/** One audit entry (DECISIONS.md section 9). */
export const AuditEntry = Type.Object(
  {
    id: Uuid('The entry.'),
    createDate: Type.String({ format: 'date-time', description: 'When the change was committed.' }),
    userId: Nullable(Type.String(), 'Who made it.'),
    username: Nullable(Type.String(), 'Their username at the time.'),
    apiTokenId: Nullable(Type.String(), 'The API token used, when the session was one.'),
    ip: Nullable(Type.String(), 'The client address.'),
    userAgent: Nullable(Type.String(), "The client's User-Agent header."),
    action: Type.String({
      description: 'The endpoint, as `projects/insert`; a failed sign-in is `authentication/login_failed`.',
    }),
    recordType: Nullable(Type.String(), 'The kind of record changed (`Project`, `SharedCloudDrive`, `User`, ...).'),
    recordId: Nullable(Type.String(), 'The record changed; null for a bulk change (its records are in `changes`).'),
    changes: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() }), {
      description: 'The changed fields with their values before and after (never secrets).',
    }),
  },
  { $id: 'AuditEntry' },
);

export const AUDIT_SORT = { CreateDate: 'audit_log.create_date' };

const IsoDate = (description: string) =>
  Type.String({
    maxLength: 40,
    pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:?\\d{2})?)?$',
    description: `${description} An ISO-8601 date-time, or a date (midnight UTC).`,
  });

export const ListAuditQuery = pagingQuery('CreateDate', {
  userId: Type.Optional(Uuid('Only the entries of this user.')),
  recordId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only the entries about this record.' })),
  recordType: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Only this kind of record (`Project`, ...).' }),
  ),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this endpoint, as `projects/insert`.' })),
  from: Type.Optional(IsoDate('From this date, inclusive.')),
  to: Type.Optional(IsoDate('Until this date, exclusive.')),
});

export const AuditList = CollectionOf(AuditEntry);
