// The Users page (account admins): the account's users in a paged table; invite one (the agent writes
// the invitation to its outbox or mails it), resend a pending user's invitation, edit names, type and
// status, and delete. The owner's type and status never change and the owner cannot be deleted, nor can
// you delete yourself: those controls are not offered.

import { api, session } from './api.js';
import { announce, confirmDialog, formatDate, formDialog, h, hidden } from './dom.js';
import { grantsSection } from './grants.js';
import { listState, pagedTable } from './table.js';

const state = listState('Username');

/** The user types an admin picks from (UserType flags); a combination already set is kept as it is. */
export const USER_TYPES = [
  [4, 'Account admin'],
  [8, 'Account user'],
  [16, 'Desktop admin'],
  [20, 'Account and desktop admin'],
  [32, 'Desktop creative user'],
  [64, 'Desktop standard user'],
];
const TYPE_FLAGS = [
  [1, 'Provider admin'],
  [2, 'Reseller admin'],
  [4, 'Account admin'],
  [8, 'Account user'],
  [16, 'Desktop admin'],
  [32, 'Desktop creative user'],
  [64, 'Desktop standard user'],
];
export const STATUS = { 1: 'Active', 2: 'Inactive', 4: 'Pending' };

export function typeLabel(userType) {
  const exact = USER_TYPES.find(([value]) => value === userType);
  if (exact) return exact[1];
  const names = TYPE_FLAGS.filter(([flag]) => (userType & flag) !== 0).map(([, name]) => name);
  return names.length ? names.join(', ') : String(userType);
}

export const fullName = (u) => [u.firstname, u.lastname].filter(Boolean).join(' ');

function typeOptions(current) {
  const options = USER_TYPES.map(([value, label]) => [value, label]);
  if (current !== undefined && !options.some(([value]) => value === current)) options.push([current, typeLabel(current)]);
  return options;
}

function inviteForm(onSaved) {
  formDialog({
    title: 'Invite a user',
    submitLabel: 'Send invitation',
    fields: [
      { name: 'email', label: 'Email', type: 'email', required: true, maxlength: 50, hint: 'The user signs in with it.' },
      { name: 'firstname', label: 'First name', maxlength: 50 },
      { name: 'lastname', label: 'Last name', maxlength: 50 },
      { name: 'userType', label: 'Type', type: 'select', numeric: true, value: 32, options: typeOptions() },
    ],
    submit: async (values) => {
      const email = values.email.trim();
      const user = await api('POST', '/user/insert_user', {
        body: { email, username: email, firstname: values.firstname, lastname: values.lastname, userType: values.userType },
      });
      await onSaved();
      announce(`Invitation sent to ${user.username}.`);
    },
  });
}

function editForm(user, onSaved) {
  const fixed = user.owner;
  const fields = [
    { name: 'firstname', label: 'First name', maxlength: 50, value: user.firstname },
    { name: 'lastname', label: 'Last name', maxlength: 50, value: user.lastname },
  ];
  if (!fixed) {
    fields.push({
      name: 'userType',
      label: 'Type',
      type: 'select',
      numeric: true,
      value: user.userType,
      options: typeOptions(user.userType),
    });
    if (user.status !== 4) {
      fields.push({
        name: 'status',
        label: 'Status',
        type: 'select',
        numeric: true,
        value: user.status,
        options: [
          [1, 'Active'],
          [2, 'Inactive (cannot sign in; their sessions end)'],
        ],
      });
    }
  }
  formDialog({
    title: `Edit user ${user.username}`,
    submitLabel: 'Save changes',
    fields,
    submit: async (values) => {
      await api('PUT', '/user/edit_user', { body: { id: user.id, ...values } });
      await onSaved();
      announce(`User ${user.username} saved.`);
    },
  });
}

export function renderUsers(main) {
  const inviteButton = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => inviteForm(() => table.reload()) },
    'Invite user',
  );
  const me = session.user?.userId ?? session.user?.id;
  const table = pagedTable({
    label: 'Users',
    noun: ['user', 'users'],
    state,
    filter: true,
    toolbar: [inviteButton],
    actionsWidth: '16rem',
    columns: [
      { label: 'Email', sortField: 'Username', cell: (u) => h('a', { href: `#/users/${u.id}` }, u.username) },
      { label: 'Name', sortField: 'Firstname', cell: (u) => fullName(u) },
      {
        label: 'Type',
        width: '13rem',
        sortField: 'UserType',
        cell: (u) => (u.owner ? `Owner (${typeLabel(u.userType)})` : typeLabel(u.userType)),
      },
      { label: 'Status', sortField: 'Status', cell: (u) => STATUS[u.status] ?? String(u.status), width: '7.5rem' },
      { label: 'Created', sortField: 'CreateDate', cell: (u) => formatDate(u.createDate) },
    ],
    load: (s) =>
      api('GET', '/user/get_all_users', {
        query: { page: s.page, pagesize: s.pageSize, sortfield: s.sortField, descending: s.descending, username: s.name },
      }),
    actions: (u) => [
      u.status === 4
        ? h(
            'button',
            { type: 'button', class: 'secondary', dataset: { focusKey: `resend-${u.id}` }, onclick: () => resend(u) },
            'Resend',
            hidden(` the invitation of ${u.username}`),
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          dataset: { focusKey: `edit-${u.id}` },
          onclick: () => editForm(u, () => table.reload()),
        },
        'Edit',
        hidden(` ${u.username}`),
      ),
      u.owner || u.id === me
        ? null
        : h(
            'button',
            { type: 'button', class: 'danger-outline', dataset: { focusKey: `delete-${u.id}` }, onclick: () => remove(u) },
            'Delete',
            hidden(` ${u.username}`),
          ),
    ],
  });

  async function resend(user) {
    try {
      await api('POST', '/user/resend_user_email', { body: { id: user.id } });
      announce(`Invitation sent again to ${user.username}.`);
      notice.textContent = `Invitation sent again to ${user.username}.`;
      notice.hidden = false;
    } catch (error) {
      notice.textContent = error.messages?.join(' ') ?? String(error);
      notice.hidden = false;
    }
  }
  const notice = h('p', { class: 'notice', hidden: true });

  function remove(user) {
    return confirmDialog({
      title: `Delete user ${user.username}?`,
      message:
        'The user can no longer sign in, their sessions and API tokens end, and their memberships and permissions are removed.',
      confirmLabel: 'Delete user',
      action: async () => {
        await api('DELETE', '/user/delete_user', { query: { id: user.id } });
        await table.reload();
        announce(`User ${user.username} deleted.`);
      },
    });
  }

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Users')),
    h('p', { class: 'lede' }, 'The people of this account: invite them, set what they are, and remove them.'),
    notice,
    table.element,
  );
  void table.reload();
}

/** One user: who they are, and what is granted to them (projects and drives). */
export async function renderUser(main, id) {
  let user;
  for (let page = 1; !user; page++) {
    const res = await api('GET', '/user/get_all_users', { query: { page, pagesize: 1000 } });
    user = res.data.find((u) => u.id === id);
    if (res.data.length < 1000) break;
  }
  if (!user) {
    main.replaceChildren(
      h('h1', { tabindex: '-1' }, 'User not found'),
      h('p', {}, h('a', { href: '#/users' }, 'Back to the users')),
    );
    return;
  }
  const grants = grantsSection('user', user);
  main.replaceChildren(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/users' }, 'Users'), ' / ', user.username),
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, fullName(user) || user.username)),
    h(
      'p',
      { class: 'lede' },
      `${user.username} · ${user.owner ? 'Owner, ' : ''}${typeLabel(user.userType)} · ${STATUS[user.status] ?? user.status}`,
    ),
    grants.element,
  );
  await grants.load();
}
