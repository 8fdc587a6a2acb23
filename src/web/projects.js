// The Projects page (paged table, create / edit / delete / restore) and one project's page (its drives,
// assign and unassign, and who can reach it).

import { accessSection } from './access.js';
import { grantsSection } from './grants.js';
import { api, ApiError, fetchAll, findWithDetails, session } from './api.js';
import { announce, confirmDialog, errorBox, formatDate, formDialog, h, hidden, nextId, yesNo } from './dom.js';
import { listState, pagedTable } from './table.js';

const state = listState('Name');
/** Names of projects seen in lists, so a project's page finds its record with one filtered request. */
const seenNames = new Map();

export const PROJECT_LABELS = { name: 'Name', description: 'Description', active: 'Active' };

function projectForm(project, onSaved) {
  const editing = Boolean(project);
  formDialog({
    title: editing ? `Edit project “${project.name}”` : 'New project',
    submitLabel: editing ? 'Save changes' : 'Create project',
    fields: [
      { name: 'name', label: 'Name', required: true, maxlength: 100, value: project?.name ?? '' },
      { name: 'description', label: 'Description', type: 'textarea', maxlength: 1000, value: project?.description ?? '' },
      { name: 'active', label: 'Active', type: 'checkbox', value: project ? project.active : true },
    ],
    submit: async (values) => {
      const saved = editing
        ? await api('PUT', '/projects/update', { body: { id: project.id, ...values } })
        : await api('POST', '/projects/insert', { body: values });
      seenNames.set(saved.id, saved.name);
      await onSaved(saved);
      announce(editing ? `Project “${saved.name}” saved.` : `Project “${saved.name}” created.`);
    },
  });
}

function deleteProject(project, onDeleted) {
  return confirmDialog({
    title: `Delete project “${project.name}”?`,
    message:
      'The project moves to the deleted projects, and its drive assignments and permissions are removed. You can restore the project later; the assignments are not restored.',
    confirmLabel: 'Delete project',
    action: async () => {
      await api('DELETE', '/projects/delete', { query: { id: project.id } });
      await onDeleted();
      announce(`Project “${project.name}” deleted.`);
    },
  });
}

export function renderProjects(main) {
  const newButton = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => projectForm(undefined, () => table.reload()) },
    'New project',
  );
  const table = pagedTable({
    label: 'Projects',
    noun: ['project', 'projects'],
    state,
    filter: true,
    deletedToggle: true,
    toolbar: session.admin ? [newButton] : [],
    columns: [
      {
        label: 'Name',
        sortField: 'Name',
        cell: (p) => (p.deleted ? p.name : h('a', { href: `#/projects/${p.id}` }, p.name)),
      },
      { label: 'Description', sortField: 'Description', cell: (p) => p.description, className: 'wrap' },
      { label: 'Active', sortField: 'Active', cell: (p) => yesNo(p.active) },
      { label: 'Created', sortField: 'CreateDate', cell: (p) => formatDate(p.createDate) },
    ],
    load: async (s) => {
      const res = await api('GET', '/projects/get_all', {
        query: {
          page: s.page,
          pagesize: s.pageSize,
          sortfield: s.sortField,
          descending: s.descending,
          name: s.name,
          deleted: s.deleted,
        },
      });
      for (const p of res.data) seenNames.set(p.id, p.name);
      return res;
    },
    actions: !session.admin
      ? undefined
      : (p) =>
          p.deleted
            ? [
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    dataset: { focusKey: `restore-${p.id}` },
                    onclick: () => restore(p),
                  },
                  'Restore',
                  hidden(` ${p.name}`),
                ),
              ]
            : [
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    dataset: { focusKey: `edit-${p.id}` },
                    onclick: () => projectForm(p, () => table.reload()),
                  },
                  'Edit',
                  hidden(` ${p.name}`),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger-outline',
                    dataset: { focusKey: `delete-${p.id}` },
                    onclick: () => deleteProject(p, () => table.reload()),
                  },
                  'Delete',
                  hidden(` ${p.name}`),
                ),
              ],
  });

  const restoreErrors = errorBox();
  async function restore(project) {
    restoreErrors.clear();
    try {
      await api('POST', '/projects/restore', { query: { id: project.id } });
      await table.reload();
      announce(`Project “${project.name}” restored.`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) restoreErrors.show(error);
    }
  }

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Projects')),
    h('p', { class: 'lede' }, 'Projects group shared cloud drives and the users and groups that may reach them.'),
    restoreErrors.element,
    table.element,
  );
  void table.reload();
}

export async function renderProject(main, id, navigate) {
  const heading = h('h1', { tabindex: '-1' }, 'Project');
  const errors = errorBox();
  main.replaceChildren(
    h(
      'p',
      { class: 'breadcrumb' },
      h('a', { href: '#/projects' }, 'Projects'),
      ' / ',
      h('span', { 'aria-current': 'page' }, 'Project'),
    ),
    heading,
    errors.element,
    h('p', { class: 'muted', role: 'status' }, 'Loading the project…'),
  );
  let project;
  try {
    project = await findWithDetails('/projects/get_all_with_details', id, seenNames.get(id));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    return;
  }
  if (!project) {
    main.replaceChildren(
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/projects' }, 'Projects')),
      h('h1', { tabindex: '-1' }, 'Project not found'),
      h('p', {}, 'This project does not exist or has been deleted. ', h('a', { href: '#/projects' }, 'Back to the projects')),
    );
    return;
  }
  seenNames.set(project.id, project.name);
  heading.textContent = project.name;
  document.title = `${project.name} · Projects · clickd console`;

  const facts = h('dl', { class: 'facts' });
  const renderFacts = (p) =>
    facts.replaceChildren(
      h('dt', {}, 'Description'),
      h('dd', {}, p.description || h('span', { class: 'muted' }, 'None')),
      h('dt', {}, 'Active'),
      h('dd', {}, yesNo(p.active)),
      h('dt', {}, 'Created'),
      h('dd', {}, formatDate(p.createDate)),
      h('dt', {}, 'Updated'),
      h('dd', {}, formatDate(p.updateDate)),
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', {}, p.id)),
    );
  renderFacts(project);

  const editButton = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () =>
        projectForm(project, async (saved) => {
          project = { ...project, ...saved };
          heading.textContent = saved.name;
          crumb.textContent = saved.name;
          renderFacts(project);
        }),
    },
    'Edit project',
  );
  const deleteButton = h(
    'button',
    {
      type: 'button',
      class: 'danger-outline',
      onclick: async () => {
        if (await deleteProject(project, async () => {})) navigate('#/projects');
      },
    },
    'Delete project',
  );

  const drives = assignedDrives(project);
  const reach = accessSection('project');
  const grants = session.admin
    ? grantsSection('project', project, async () => {
        const fresh = await findWithDetails('/projects/get_all_with_details', project.id, project.name);
        if (fresh) await reach.load(fresh);
      })
    : undefined;
  const crumb = h('span', { 'aria-current': 'page' }, project.name);
  main.replaceChildren(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/projects' }, 'Projects'), ' / ', crumb),
    h(
      'div',
      { class: 'page-head' },
      heading,
      session.admin ? h('div', { class: 'head-actions' }, editButton, deleteButton) : null,
    ),
    facts,
    drives.element,
    grants?.element ?? null,
    reach.element,
  );
  void drives.load();
  void grants?.load();
  void reach.load(project);
}

/** The drives assigned to a project, with the form that assigns another one. */
function assignedDrives(project) {
  const headingId = nextId('drives-heading');
  const errors = errorBox();
  const selectId = nextId('assign-drive');
  const select = h('select', { id: selectId, required: true });
  const assignButton = h('button', { type: 'submit', class: 'primary' }, 'Assign drive');
  const form = h(
    'form',
    { class: 'inline-form', method: 'post' },
    h('div', { class: 'field' }, h('label', { for: selectId }, 'Drive to assign'), select),
    assignButton,
  );
  const table = pagedTable({
    label: `Drives assigned to ${project.name}`,
    noun: ['assigned drive', 'assigned drives'],
    state: listState('SharedCloudDrive.Name', { pageSize: 10 }),
    columns: [
      {
        label: 'Drive',
        sortField: 'SharedCloudDrive.Name',
        cell: (a) => h('a', { href: `#/drives/${a.sharedCloudDrive.id}` }, a.sharedCloudDrive.name),
      },
      { label: 'Bucket', sortField: 'SharedCloudDrive.StorageName', cell: (a) => a.sharedCloudDrive.storageName },
      { label: 'Prefix', cell: (a) => a.sharedCloudDrive.prefix },
      { label: 'Assigned', sortField: 'CreateDate', cell: (a) => formatDate(a.projectSharedCloudDrive.createDate) },
    ],
    load: (s) =>
      api('GET', '/projects/get_assigned_sharedclouddrives', {
        query: { projectId: project.id, page: s.page, pagesize: s.pageSize, sortfield: s.sortField, descending: s.descending },
      }),
    actions: !session.admin
      ? undefined
      : (a) => [
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => unassign(a) },
            'Unassign',
            hidden(` ${a.sharedCloudDrive.name}`),
          ),
        ],
  });

  async function loadChoices() {
    const [all, assigned] = await Promise.all([
      fetchAll('/sharedclouddrive/get_all', { sortfield: 'Name' }),
      fetchAll('/projects/get_assigned_sharedclouddrives', { projectId: project.id }),
    ]);
    const taken = new Set(assigned.map((a) => a.sharedCloudDrive.id));
    const free = all.filter((d) => !taken.has(d.id));
    select.replaceChildren(
      h('option', { value: '' }, free.length ? 'Choose a drive…' : all.length ? 'Every drive is assigned' : 'No drives yet'),
      ...free.map((d) => h('option', { value: d.id }, d.storageName ? `${d.name} (${d.storageName})` : d.name)),
    );
    select.disabled = free.length === 0;
    assignButton.disabled = free.length === 0;
  }

  async function load() {
    errors.clear();
    try {
      await Promise.all([table.reload(), session.admin ? loadChoices() : undefined]);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (!select.value) return;
    const name = select.selectedOptions[0]?.textContent ?? 'The drive';
    assignButton.disabled = true;
    try {
      await api('POST', '/projects/assign_sharedclouddrive', {
        body: [{ projectId: project.id, sharedCloudDriveId: select.value }],
      });
      await load();
      announce(`${name} assigned to ${project.name}.`);
      select.focus();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    } finally {
      assignButton.disabled = select.disabled;
    }
  });

  async function unassign(assignment) {
    errors.clear();
    try {
      await api('DELETE', '/projects/unassign_sharedclouddrive', { query: { id: assignment.projectSharedCloudDrive.id } });
      await load();
      announce(`${assignment.sharedCloudDrive.name} unassigned from ${project.name}.`);
      select.focus();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    }
  }

  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Shared cloud drives'),
    errors.element,
    session.admin ? form : null,
    table.element,
  );
  return { element, load };
}
