// The Activity page (account admins): the account's audit log, newest first, in a paged table with filters
// (action, record type, record id, dates). Each entry shows who did what, from where, and the changed fields.

import { api } from './api.js';
import { formatDate, h, nextId } from './dom.js';
import { listState, pagedTable } from './table.js';

const state = listState('CreateDate', { descending: true, action: '', recordType: '', recordId: '', from: '', to: '' });

const RECORD_TYPES = [
  'Project',
  'SharedCloudDrive',
  'ProjectSharedCloudDrive',
  'UserGroup',
  'UserUserGroup',
  'User',
  'Session',
  'ApiToken',
  'UserProjectPermission',
  'UserSharedCloudDrivePermission',
  'UserGroupProjectPermission',
  'UserGroupSharedCloudDrivePermission',
  'AccountLogSetting',
  'Account',
];

/** A value as the table shows it: text for scalars, JSON (clipped by the table) for the rest. */
const shown = (value) =>
  value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** The changed fields of an entry: `field: before → after`, one per line. */
function changesCell(entry) {
  const fields = Object.entries(entry.changes ?? {});
  if (fields.length === 0) return '';
  return h(
    'ul',
    { class: 'changes' },
    fields.map(([field, { before, after }]) => h('li', {}, h('strong', {}, field), `: ${shown(before)} → ${shown(after)}`)),
  );
}

/** One labelled filter control that reloads the table when it changes. */
function filterField(label, input, onChange) {
  const id = nextId('activity-filter');
  input.id = id;
  input.addEventListener('change', onChange);
  return h('div', { class: 'field inline' }, h('label', { for: id }, label), input);
}

export function renderActivity(main) {
  const apply = (key) => (event) => {
    state[key] = event.target.value.trim();
    state.page = 1;
    void table.reload();
  };
  const recordType = h(
    'select',
    {},
    h('option', { value: '', selected: state.recordType === '' }, 'Any'),
    RECORD_TYPES.map((type) => h('option', { value: type, selected: state.recordType === type }, type)),
  );
  const filters = h(
    'div',
    { class: 'filters' },
    filterField(
      'Action',
      h('input', { type: 'search', value: state.action, placeholder: 'projects/update', maxlength: 200 }),
      apply('action'),
    ),
    filterField('Record type', recordType, apply('recordType')),
    filterField('Record id', h('input', { type: 'search', value: state.recordId, maxlength: 100 }), apply('recordId')),
    filterField('From', h('input', { type: 'date', value: state.from }), apply('from')),
    filterField('Until', h('input', { type: 'date', value: state.to }), apply('to')),
  );
  const table = pagedTable({
    label: 'Activity',
    noun: ['entry', 'entries'],
    state,
    toolbar: [filters],
    columns: [
      { label: 'When', sortField: 'CreateDate', cell: (e) => formatDate(e.createDate) },
      { label: 'Who', cell: (e) => e.username ?? e.userId ?? '' },
      { label: 'Action', cell: (e) => e.action },
      { label: 'Record', cell: (e) => [e.recordType, e.recordId].filter(Boolean).join(' ') },
      { label: 'Changes', cell: changesCell, className: 'wrap' },
      { label: 'From', cell: (e) => [e.ip, e.apiTokenId ? `API token ${e.apiTokenId}` : ''].filter(Boolean).join(', ') },
    ],
    load: (s) =>
      api('GET', '/accountlog/get_all', {
        query: {
          page: s.page,
          pagesize: s.pageSize,
          sortfield: s.sortField,
          descending: s.descending,
          action: s.action || undefined,
          recordType: s.recordType || undefined,
          recordId: s.recordId || undefined,
          from: s.from || undefined,
          // The chosen day is included: until the start of the next one.
          to: s.to ? new Date(Date.parse(`${s.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : undefined,
        },
      }),
  });
  main.replaceChildren(
    h(
      'section',
      { class: 'card' },
      h('h1', { tabindex: '-1' }, 'Activity'),
      h('p', { class: 'hint' }, 'Every change, sign-in, failed sign-in and sign-out in your account, newest first.'),
      table.element,
    ),
  );
  void table.reload();
}
