// The Groups page (account admins): user groups in a paged table (create, edit, delete, restore), and a
// group's page with its members (add users, remove them).

import { api, ApiError, fetchAll, findWithDetails } from './api.js';
import { announce, confirmDialog, errorBox, formatDate, formDialog, h, hidden, nextId, yesNo } from './dom.js';
import { grantsSection } from './grants.js';
import { listState, pagedTable } from './table.js';
import { fullName } from './users.js';

const state = listState('Name');
const seenNames = new Map();

function groupForm(group, onSaved) {
  const editing = Boolean(group);
  formDialog({
    title: editing ? `Edit group “${group.name}”` : 'New group',
    submitLabel: editing ? 'Save changes' : 'Create group',
    fields: [
      { name: 'name', label: 'Name', required: true, maxlength: 100, value: group?.name ?? '' },
      { name: 'description', label: 'Description', type: 'textarea', maxlength: 1000, value: group?.description ?? '' },
      { name: 'active', label: 'Active', type: 'checkbox', value: group ? group.active : true },
    ],
    submit: async (values) => {
      const saved = editing
        ? await api('PUT', '/usergroup/update', { body: { id: group.id, ...values } })
        : await api('POST', '/usergroup/insert', { body: values });
      seenNames.set(saved.id, saved.name);
      await onSaved(saved);
      announce(editing ? `Group “${saved.name}” saved.` : `Group “${saved.name}” created.`);
    },
  });
}

function deleteGroup(group, onDeleted) {
  return confirmDialog({
    title: `Delete group “${group.name}”?`,
    message:
      'Its members lose what the group gave them (its permissions and memberships are removed). You can restore the group later.',
    confirmLabel: 'Delete group',
    action: async () => {
      await api('DELETE', '/usergroup/delete', { query: { id: group.id } });
      await onDeleted();
      announce(`Group “${group.name}” deleted.`);
    },
  });
}

export function renderGroups(main) {
  const newButton = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => groupForm(undefined, () => table.reload()) },
    'New group',
  );
  const table = pagedTable({
    label: 'Groups',
    noun: ['group', 'groups'],
    state,
    filter: true,
    deletedToggle: true,
    toolbar: [newButton],
    columns: [
      { label: 'Name', sortField: 'Name', cell: (g) => (g.deleted ? g.name : h('a', { href: `#/groups/${g.id}` }, g.name)) },
      { label: 'Description', sortField: 'Description', cell: (g) => g.description, className: 'wrap' },
      { label: 'Active', sortField: 'Active', cell: (g) => yesNo(g.active) },
      { label: 'Created', sortField: 'CreateDate', cell: (g) => formatDate(g.createDate) },
    ],
    load: async (s) => {
      const res = await api('GET', '/usergroup/get_all', {
        query: {
          page: s.page,
          pagesize: s.pageSize,
          sortfield: s.sortField,
          descending: s.descending,
          name: s.name,
          deleted: s.deleted,
        },
      });
      for (const g of res.data) seenNames.set(g.id, g.name);
      return res;
    },
    actions: (g) =>
      g.deleted
        ? [
            h(
              'button',
              { type: 'button', class: 'secondary', dataset: { focusKey: `restore-${g.id}` }, onclick: () => restore(g) },
              'Restore',
              hidden(` ${g.name}`),
            ),
          ]
        : [
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                dataset: { focusKey: `edit-${g.id}` },
                onclick: () => groupForm(g, () => table.reload()),
              },
              'Edit',
              hidden(` ${g.name}`),
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'danger-outline',
                dataset: { focusKey: `delete-${g.id}` },
                onclick: () => deleteGroup(g, () => table.reload()),
              },
              'Delete',
              hidden(` ${g.name}`),
            ),
          ],
  });

  async function restore(group) {
    await api('POST', '/usergroup/restore', { query: { id: group.id } });
    await table.reload();
    announce(`Group “${group.name}” restored.`);
  }

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Groups')),
    h('p', { class: 'lede' }, 'Groups gather users, so that a project or a drive is granted to all of them at once.'),
    table.element,
  );
  void table.reload();
}

/** One group: its members, added and removed here. */
export async function renderGroup(main, id) {
  const errors = errorBox();
  let group;
  try {
    group = await findWithDetails('/usergroup/get_all', id, seenNames.get(id));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    errors.show(error);
  }
  if (!group) {
    main.replaceChildren(
      h('h1', { tabindex: '-1' }, 'Group not found'),
      errors.element,
      h('p', {}, h('a', { href: '#/groups' }, 'Back to the groups')),
    );
    return;
  }
  const grants = grantsSection('group', group);
  const members = pagedTable({
    label: `Members of ${group.name}`,
    noun: ['member', 'members'],
    state: listState('User.Username'),
    toolbar: [h('button', { type: 'button', class: 'primary', onclick: () => addMembers() }, 'Add members')],
    columns: [
      { label: 'Email', sortField: 'User.Username', cell: (m) => m.user.username },
      { label: 'Name', sortField: 'User.Firstname', cell: (m) => fullName(m.user) },
      { label: 'Member since', cell: (m) => formatDate(m.userUserGroup.createDate) },
    ],
    load: (s) =>
      api('GET', '/usergroup/get_assigned_users', {
        query: { userGroupId: group.id, page: s.page, pagesize: s.pageSize, sortfield: s.sortField, descending: s.descending },
      }),
    actions: (m) => [
      h(
        'button',
        {
          type: 'button',
          class: 'danger-outline',
          dataset: { focusKey: `remove-${m.userUserGroup.id}` },
          onclick: () => removeMember(m),
        },
        'Remove',
        hidden(` ${m.user.username} from ${group.name}`),
      ),
    ],
  });

  async function addMembers() {
    const [users, current] = await Promise.all([
      fetchAll('/user/get_all_users'),
      fetchAll('/usergroup/get_assigned_users', { userGroupId: group.id }),
    ]);
    const inGroup = new Set(current.map((m) => m.user.id));
    const candidates = users.filter((u) => !inGroup.has(u.id));
    const selectId = nextId('add-members');
    const dialogErrors = errorBox();
    const select = h(
      'select',
      { id: selectId, multiple: true, size: String(Math.min(8, Math.max(3, candidates.length))) },
      candidates.map((u) => h('option', { value: u.id }, fullName(u) ? `${fullName(u)} (${u.username})` : u.username)),
    );
    formDialog({
      title: `Add members to “${group.name}”`,
      submitLabel: 'Add',
      intro: candidates.length
        ? h(
            'div',
            { class: 'field' },
            h('label', { for: selectId }, 'Users (Ctrl or Shift to pick several)'),
            select,
            dialogErrors.element,
          )
        : h('p', {}, 'Every user of the account is already a member.'),
      fields: [],
      submit: async () => {
        const chosen = [...select.selectedOptions].map((o) => o.value);
        if (chosen.length === 0) throw new ApiError(499, 'DEFAULT', ['Pick at least one user.']);
        await api('POST', '/usergroup/assign_users', { body: chosen.map((userId) => ({ userId, userGroupId: group.id })) });
        await members.reload();
        announce(`${chosen.length} member${chosen.length === 1 ? '' : 's'} added to “${group.name}”.`);
      },
    });
  }

  function removeMember(m) {
    return confirmDialog({
      title: `Remove ${m.user.username} from “${group.name}”?`,
      message: 'They lose what the group gives them; what is granted to them directly stays.',
      confirmLabel: 'Remove member',
      action: async () => {
        await api('DELETE', '/usergroup/unassign_user', { query: { id: m.userUserGroup.id } });
        await members.reload();
        announce(`${m.user.username} removed from “${group.name}”.`);
      },
    });
  }

  main.replaceChildren(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/groups' }, 'Groups'), ' / ', group.name),
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, `Group “${group.name}”`)),
    group.description ? h('p', { class: 'lede' }, group.description) : null,
    h('section', { 'aria-labelledby': 'members-title' }, h('h2', { id: 'members-title' }, 'Members'), members.element),
    grants.element,
  );
  void members.reload();
  void grants.load();
}
