// Grants (account admins): which users and groups may reach a project or a drive, with Read or Read and
// write, managed from any of the four sides: a project's page, a drive's page, a user's page and a
// group's page. One section, over the UsersPermission endpoints.

import { api, ApiError, fetchAll } from './api.js';
import { announce, confirmDialog, errorBox, formDialog, h, hidden, nextId } from './dom.js';

const KINDS = {
  userProject: {
    action: 'users_project_permission',
    subject: 'userId',
    target: 'projectId',
    subjectKey: 'user',
    targetKey: 'project',
  },
  userDrive: {
    action: 'users_sharedclouddrive_permision',
    subject: 'userId',
    target: 'sharedCloudDriveId',
    subjectKey: 'user',
    targetKey: 'sharedCloudDrive',
  },
  groupProject: {
    action: 'usergroups_project_permission',
    subject: 'userGroupId',
    target: 'projectId',
    subjectKey: 'userGroup',
    targetKey: 'project',
  },
  groupDrive: {
    action: 'usergroup_sharedclouddrive_permission',
    subject: 'userGroupId',
    target: 'sharedCloudDriveId',
    subjectKey: 'userGroup',
    targetKey: 'sharedCloudDrive',
  },
};

/** For each side: the two lists it shows, and what the other side is. */
const SIDES = {
  project: {
    lists: [
      ['userProject', 'get_users_assigned_to_project', 'projectId'],
      ['groupProject', 'get_usergroups_assigned_to_project', 'projectId'],
    ],
    other: 'subject',
  },
  drive: {
    lists: [
      ['userDrive', 'get_users_assigned_to_sharedclouddrive', 'sharedCloudDriveId'],
      ['groupDrive', 'get_usergroups_assigned_to_sharedclouddrive', 'sharedCloudDrive'],
    ],
    other: 'subject',
  },
  user: {
    lists: [
      ['userProject', 'get_projects_assigned_to_user', 'userId'],
      ['userDrive', 'get_sharedclouddrive_assigned_to_user', 'userId'],
    ],
    other: 'target',
  },
  group: {
    lists: [
      ['groupProject', 'get_projects_assigned_to_usergroup', 'userGroupId'],
      ['groupDrive', 'get_sharedclouddrive_assigned_to_usergroup', 'userGroupId'],
    ],
    other: 'target',
  },
};

const PERMISSION_OPTIONS = [
  [1, 'Read'],
  [2, 'Read and write'],
];

const KIND_LABEL = { user: 'User', userGroup: 'Group', project: 'Project', sharedCloudDrive: 'Drive' };

function nameOf(key, record) {
  if (!record) return '';
  if (key === 'user') {
    const full = [record.firstname, record.lastname].filter(Boolean).join(' ');
    return full ? `${full} (${record.username})` : record.username;
  }
  return record.name;
}

/** The grants section of one project, drive, user or group (`side`), for account admins. */
export function grantsSection(side, record, onChange) {
  const { lists, other } = SIDES[side];
  const errors = errorBox();
  const headingId = nextId('grants');
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'Nothing granted yet.');
  const table = h(
    'table',
    { class: 'data fixed' },
    h('caption', { class: 'visually-hidden' }, `Permissions of ${record.name ?? record.username}`),
    h('colgroup', {}, h('col'), h('col', { class: 'w-7_5rem' }), h('col', { class: 'w-13rem' }), h('col', { class: 'w-9rem' })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, other === 'subject' ? 'User or group' : 'Project or drive'),
        h('th', { scope: 'col' }, 'Kind'),
        h('th', { scope: 'col' }, 'Permission'),
        h('th', { scope: 'col', class: 'actions-col' }, 'Actions'),
      ),
    ),
    body,
  );
  const grantButton = h('button', { type: 'button', class: 'primary', onclick: () => grant() }, 'Grant access');
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': headingId },
    h('div', { class: 'toolbar' }, h('h2', { id: headingId }, 'Permissions'), h('div', { class: 'spacer' }), grantButton),
    errors.element,
    h('div', { class: 'table-wrap' }, table),
    empty,
  );

  async function rows() {
    const all = [];
    for (const [kind, action, param] of lists) {
      const data = await fetchAll(`/userspermission/${action}`, { [param]: record.id });
      const k = KINDS[kind];
      for (const row of data) {
        const key = other === 'subject' ? k.subjectKey : k.targetKey;
        const otherRecord = row[key] ?? (key === 'sharedCloudDrive' ? row.sharedClouDrive : undefined);
        all.push({ kind, k, key, other: otherRecord, permission: row.permission, row });
      }
    }
    return all;
  }

  async function load() {
    try {
      const found = await rows();
      errors.clear();
      body.replaceChildren(...found.map(renderRow));
      empty.hidden = found.length > 0;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    }
  }

  function renderRow(entry) {
    const name = nameOf(entry.key, entry.other);
    const selectId = nextId('permission');
    const select = h(
      'select',
      {
        id: selectId,
        onchange: () => change(entry, Number(select.value), name),
      },
      PERMISSION_OPTIONS.map(([value, text]) =>
        h('option', { value: String(value), selected: value === entry.permission.permissionType }, text),
      ),
    );
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('span', { class: 'clip', title: name }, name)),
      h('td', {}, KIND_LABEL[entry.key]),
      h('td', {}, h('label', { for: selectId, class: 'visually-hidden' }, `Permission of ${name}`), select),
      h(
        'td',
        { class: 'actions-col' },
        h(
          'div',
          { class: 'row-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'danger-outline',
              dataset: { focusKey: `revoke-${entry.permission.id}` },
              onclick: () => revoke(entry, name),
            },
            'Revoke',
            hidden(` ${name}`),
          ),
        ),
      ),
    );
  }

  async function change(entry, permissionType, name) {
    try {
      const k = entry.k;
      const self = other === 'subject' ? k.target : k.subject;
      const them = other === 'subject' ? k.subject : k.target;
      await api('PUT', `/userspermission/${k.action}`, {
        body: [{ id: entry.permission.id, [self]: record.id, [them]: entry.other.id, permissionType }],
      });
      announce(`${name} now has ${permissionType === 2 ? 'read and write' : 'read'} access.`);
      await load();
      await onChange?.();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    }
  }

  function revoke(entry, name) {
    return confirmDialog({
      title: `Revoke the access of ${name}?`,
      message: 'What was granted here is removed; access given another way (a group, a project) stays.',
      confirmLabel: 'Revoke',
      action: async () => {
        await api('DELETE', `/userspermission/${entry.k.action}`, { query: { id: entry.permission.id } });
        await load();
        await onChange?.();
        announce(`Access of ${name} revoked.`);
      },
    });
  }

  async function grant() {
    // The candidates: on a project or a drive, users and groups; on a user or a group, projects and drives.
    const [firstKind, secondKind] = lists.map(([kind]) => kind);
    const groups =
      other === 'subject'
        ? [
            ['User', firstKind, (await fetchAll('/user/get_all_users')).map((u) => [u.id, nameOf('user', u)])],
            ['Group', secondKind, (await fetchAll('/usergroup/get_all')).map((g) => [g.id, g.name])],
          ]
        : [
            ['Project', firstKind, (await fetchAll('/projects/get_all')).map((p) => [p.id, p.name])],
            ['Drive', secondKind, (await fetchAll('/sharedclouddrive/get_all')).map((d) => [d.id, d.name])],
          ];
    const options = groups.flatMap(([label, kind, items]) => items.map(([id, name]) => [`${kind}:${id}`, `${label}: ${name}`]));
    formDialog({
      title: `Grant access ${other === 'subject' ? 'to' : 'for'} ${record.name ?? record.username}`,
      submitLabel: 'Grant',
      fields: [
        {
          name: 'who',
          label: other === 'subject' ? 'User or group' : 'Project or drive',
          type: 'select',
          required: true,
          options,
        },
        { name: 'permissionType', label: 'Permission', type: 'select', numeric: true, value: 1, options: PERMISSION_OPTIONS },
      ],
      submit: async (values) => {
        const [kind, id] = values.who.split(':');
        const k = KINDS[kind];
        const self = other === 'subject' ? k.target : k.subject;
        const them = other === 'subject' ? k.subject : k.target;
        await api('POST', `/userspermission/${k.action}`, {
          body: [{ [self]: record.id, [them]: id, permissionType: values.permissionType }],
        });
        await load();
        await onChange?.();
        announce('Access granted.');
      },
    });
  }

  return { element, load };
}
