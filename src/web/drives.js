// The Drives page (paged table, create / edit / delete / restore with every drive field) and one drive's
// page (the projects it is assigned to, assign and unassign, and who can reach it).

import { accessSection } from './access.js';
import { grantsSection } from './grants.js';
import { api, ApiError, fetchAll, findWithDetails, session } from './api.js';
import { announce, confirmDialog, errorBox, formatDate, formDialog, h, hidden, nextId, yesNo } from './dom.js';
import { listState, pagedTable } from './table.js';

const state = listState('Name');
const seenNames = new Map();

const DRIVE_TYPES = [
  [1, 'Virtual drive'],
  [2, 'Local path'],
];
const SYNC_TYPES = [
  [1, 'Stream (download on demand)'],
  [2, 'Mirror (full local copy)'],
];
const label = (pairs, value) => pairs.find(([v]) => v === value)?.[1].replace(/ \(.*\)$/, '') ?? String(value ?? '');

function driveForm(drive, onSaved) {
  const editing = Boolean(drive);
  const d = drive ?? {};
  formDialog({
    title: editing ? `Edit drive “${drive.name}”` : 'New drive',
    submitLabel: editing ? 'Save changes' : 'Create drive',
    wide: true,
    fields: [
      { name: 'name', label: 'Name', required: true, maxlength: 50, value: d.name ?? '', full: true },
      {
        name: 'storageName',
        label: 'Bucket',
        maxlength: 1024,
        value: d.storageName ?? '',
        hint: 'The backing bucket, e.g. media-assets.',
      },
      {
        name: 'prefix',
        label: 'Prefix',
        maxlength: 1024,
        value: d.prefix ?? '',
        hint: 'Optional folder inside the bucket, e.g. team/.',
      },
      { name: 'driveType', label: 'Drive type', type: 'select', numeric: true, options: DRIVE_TYPES, value: d.driveType ?? 1 },
      { name: 'syncType', label: 'Sync type', type: 'select', numeric: true, options: SYNC_TYPES, value: d.syncType ?? 1 },
      {
        name: 'objectsPerFolder',
        label: 'Objects per folder',
        type: 'number',
        min: 1,
        max: 1000000,
        value: d.objectsPerFolder ?? 10000,
        hint: 'The most objects listed per folder.',
      },
      {
        name: 'cloudAccountId',
        label: 'Cloud account id',
        maxlength: 36,
        value: d.cloudAccountId ?? '',
        hint: 'Optional: the id (uuid) of the cloud account that holds the bucket.',
      },
      { name: 'storageId', label: 'Storage id', maxlength: 1024, value: d.storageId ?? '' },
      { name: 'prefixId', label: 'Prefix id', maxlength: 1024, value: d.prefixId ?? '' },
      {
        name: 'allowDelete',
        label: 'Allow delete (local deletions reach the cloud)',
        type: 'checkbox',
        value: d.allowDelete ?? false,
      },
      { name: 'localCacheEncrypted', label: 'Encrypt the local cache', type: 'checkbox', value: d.localCacheEncrypted ?? false },
      {
        name: 'cloudObjectsEncrypted',
        label: 'Encrypt objects in the cloud',
        type: 'checkbox',
        value: d.cloudObjectsEncrypted ?? false,
      },
      { name: 'active', label: 'Active', type: 'checkbox', value: d.active ?? true },
    ],
    submit: async (values) => {
      const body = { ...values, cloudAccountId: values.cloudAccountId.trim() || null };
      const saved = editing
        ? await api('PUT', '/sharedclouddrive/update', { body: { id: drive.id, ...body } })
        : await api('POST', '/sharedclouddrive/insert', { body });
      seenNames.set(saved.id, saved.name);
      await onSaved(saved);
      announce(editing ? `Drive “${saved.name}” saved.` : `Drive “${saved.name}” created.`);
    },
  });
}

function deleteDrive(drive, onDeleted) {
  return confirmDialog({
    title: `Delete drive “${drive.name}”?`,
    message:
      'The drive moves to the deleted drives, and its project assignments and permissions are removed. You can restore the drive later; the assignments are not restored.',
    confirmLabel: 'Delete drive',
    action: async () => {
      await api('DELETE', '/sharedclouddrive/delete', { query: { id: drive.id } });
      await onDeleted();
      announce(`Drive “${drive.name}” deleted.`);
    },
  });
}

export function renderDrives(main) {
  const newButton = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => driveForm(undefined, () => table.reload()) },
    'New drive',
  );
  const restoreErrors = errorBox();
  const table = pagedTable({
    label: 'Drives',
    noun: ['drive', 'drives'],
    state,
    filter: true,
    deletedToggle: true,
    toolbar: session.admin ? [newButton] : [],
    columns: [
      { label: 'Name', sortField: 'Name', cell: (d) => (d.deleted ? d.name : h('a', { href: `#/drives/${d.id}` }, d.name)) },
      { label: 'Bucket', sortField: 'StorageName', cell: (d) => d.storageName },
      { label: 'Prefix', sortField: 'Prefix', cell: (d) => d.prefix },
      { label: 'Type', sortField: 'DriveType', cell: (d) => label(DRIVE_TYPES, d.driveType) },
      { label: 'Sync', sortField: 'SyncType', cell: (d) => label(SYNC_TYPES, d.syncType) },
      { label: 'Active', sortField: 'Active', cell: (d) => yesNo(d.active) },
      { label: 'Created', sortField: 'CreateDate', cell: (d) => formatDate(d.createDate) },
    ],
    load: async (s) => {
      const res = await api('GET', '/sharedclouddrive/get_all', {
        query: {
          page: s.page,
          pagesize: s.pageSize,
          sortfield: s.sortField,
          descending: s.descending,
          name: s.name,
          deleted: s.deleted,
        },
      });
      for (const d of res.data) seenNames.set(d.id, d.name);
      return res;
    },
    actions: !session.admin
      ? undefined
      : (d) =>
          d.deleted
            ? [
                h(
                  'button',
                  { type: 'button', class: 'secondary', dataset: { focusKey: `restore-${d.id}` }, onclick: () => restore(d) },
                  'Restore',
                  hidden(` ${d.name}`),
                ),
              ]
            : [
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    dataset: { focusKey: `edit-${d.id}` },
                    onclick: () => driveForm(d, () => table.reload()),
                  },
                  'Edit',
                  hidden(` ${d.name}`),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger-outline',
                    dataset: { focusKey: `delete-${d.id}` },
                    onclick: () => deleteDrive(d, () => table.reload()),
                  },
                  'Delete',
                  hidden(` ${d.name}`),
                ),
              ],
  });

  async function restore(drive) {
    restoreErrors.clear();
    try {
      await api('POST', '/sharedclouddrive/restore', { query: { id: drive.id } });
      await table.reload();
      announce(`Drive “${drive.name}” restored.`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) restoreErrors.show(error);
    }
  }

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Drives')),
    h(
      'p',
      { class: 'lede' },
      'Shared cloud drives describe a bucket (and a prefix in it) that projects give their people access to.',
    ),
    restoreErrors.element,
    table.element,
  );
  void table.reload();
}

export async function renderDrive(main, id, navigate) {
  const heading = h('h1', { tabindex: '-1' }, 'Drive');
  const errors = errorBox();
  main.replaceChildren(
    h(
      'p',
      { class: 'breadcrumb' },
      h('a', { href: '#/drives' }, 'Drives'),
      ' / ',
      h('span', { 'aria-current': 'page' }, 'Drive'),
    ),
    heading,
    errors.element,
    h('p', { class: 'muted', role: 'status' }, 'Loading the drive…'),
  );
  let drive;
  try {
    drive = await findWithDetails('/sharedclouddrive/get_all_with_details', id, seenNames.get(id));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    return;
  }
  if (!drive) {
    main.replaceChildren(
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/drives' }, 'Drives')),
      h('h1', { tabindex: '-1' }, 'Drive not found'),
      h('p', {}, 'This drive does not exist or has been deleted. ', h('a', { href: '#/drives' }, 'Back to the drives')),
    );
    return;
  }
  seenNames.set(drive.id, drive.name);
  heading.textContent = drive.name;
  document.title = `${drive.name} · Drives · clickd console`;
  const crumb = h('span', { 'aria-current': 'page' }, drive.name);

  const facts = h('dl', { class: 'facts' });
  const renderFacts = (d) =>
    facts.replaceChildren(
      ...[
        ['Bucket', d.storageName],
        ['Prefix', d.prefix],
        ['Drive type', label(DRIVE_TYPES, d.driveType)],
        ['Sync type', label(SYNC_TYPES, d.syncType)],
        ['Objects per folder', String(d.objectsPerFolder)],
        ['Allow delete', yesNo(d.allowDelete)],
        ['Local cache encrypted', yesNo(d.localCacheEncrypted)],
        ['Cloud objects encrypted', yesNo(d.cloudObjectsEncrypted)],
        ['Active', yesNo(d.active)],
        ['Cloud account id', d.cloudAccountId ? h('code', {}, d.cloudAccountId) : ''],
        ['Created', formatDate(d.createDate)],
        ['Updated', formatDate(d.updateDate)],
        ['Id', h('code', {}, d.id)],
      ].flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value || h('span', { class: 'muted' }, 'None'))]),
    );
  renderFacts(drive);

  const editButton = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () =>
        driveForm(drive, async (saved) => {
          drive = { ...drive, ...saved };
          heading.textContent = saved.name;
          crumb.textContent = saved.name;
          renderFacts(drive);
        }),
    },
    'Edit drive',
  );
  const deleteButton = h(
    'button',
    {
      type: 'button',
      class: 'danger-outline',
      onclick: async () => {
        if (await deleteDrive(drive, async () => {})) navigate('#/drives');
      },
    },
    'Delete drive',
  );

  const projects = assignedProjects(drive);
  const reach = accessSection('drive');
  const grants = session.admin
    ? grantsSection('drive', drive, async () => {
        const fresh = await findWithDetails('/sharedclouddrive/get_all_with_details', drive.id, drive.name);
        if (fresh) await reach.load(fresh);
      })
    : undefined;
  main.replaceChildren(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/drives' }, 'Drives'), ' / ', crumb),
    h(
      'div',
      { class: 'page-head' },
      heading,
      session.admin ? h('div', { class: 'head-actions' }, editButton, deleteButton) : null,
    ),
    facts,
    projects.element,
    grants?.element ?? null,
    reach.element,
  );
  void projects.load();
  void grants?.load();
  void reach.load(drive);
  projects.onChange = async () => {
    // Who can reach the drive depends on its projects: reload the drive's details.
    const fresh = await findWithDetails('/sharedclouddrive/get_all_with_details', drive.id, drive.name);
    if (fresh) await reach.load(fresh);
  };
}

/** The projects a drive is assigned to, with the form that assigns it to another one. */
function assignedProjects(drive) {
  const headingId = nextId('projects-heading');
  const errors = errorBox();
  const selectId = nextId('assign-project');
  const select = h('select', { id: selectId, required: true });
  const assignButton = h('button', { type: 'submit', class: 'primary' }, 'Assign to project');
  const form = h(
    'form',
    { class: 'inline-form', method: 'post' },
    h('div', { class: 'field' }, h('label', { for: selectId }, 'Project to assign this drive to'), select),
    assignButton,
  );
  const table = pagedTable({
    label: `Projects ${drive.name} is assigned to`,
    noun: ['project', 'projects'],
    state: listState('Project.Name', { pageSize: 10 }),
    columns: [
      {
        label: 'Project',
        sortField: 'Project.Name',
        cell: (a) => h('a', { href: `#/projects/${a.project.id}` }, a.project.name),
      },
      { label: 'Description', sortField: 'Project.Description', cell: (a) => a.project.description, className: 'wrap' },
      { label: 'Assigned', sortField: 'CreateDate', cell: (a) => formatDate(a.projectSharedCloudDrive.createDate) },
    ],
    load: (s) =>
      api('GET', '/projects/get_assigned_projects', {
        query: {
          sharedCloudDriveId: drive.id,
          page: s.page,
          pagesize: s.pageSize,
          sortfield: s.sortField,
          descending: s.descending,
        },
      }),
    actions: !session.admin
      ? undefined
      : (a) => [
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => unassign(a) },
            'Unassign',
            hidden(` from ${a.project.name}`),
          ),
        ],
  });

  async function loadChoices() {
    const [all, assigned] = await Promise.all([
      fetchAll('/projects/get_all', { sortfield: 'Name' }),
      fetchAll('/projects/get_assigned_projects', { sharedCloudDriveId: drive.id }),
    ]);
    const taken = new Set(assigned.map((a) => a.project.id));
    const free = all.filter((p) => !taken.has(p.id));
    select.replaceChildren(
      h(
        'option',
        { value: '' },
        free.length ? 'Choose a project…' : all.length ? 'Assigned to every project' : 'No projects yet',
      ),
      ...free.map((p) => h('option', { value: p.id }, p.name)),
    );
    select.disabled = free.length === 0;
    assignButton.disabled = free.length === 0;
  }

  const result = { element: undefined, load, onChange: async () => {} };

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
    const name = select.selectedOptions[0]?.textContent ?? 'the project';
    assignButton.disabled = true;
    try {
      await api('POST', '/projects/assign_sharedclouddrive', {
        body: [{ projectId: select.value, sharedCloudDriveId: drive.id }],
      });
      await load();
      announce(`${drive.name} assigned to ${name}.`);
      select.focus();
      await result.onChange();
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
      announce(`${drive.name} unassigned from ${assignment.project.name}.`);
      select.focus();
      await result.onChange();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    }
  }

  result.element = h(
    'section',
    { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Projects'),
    errors.element,
    session.admin ? form : null,
    table.element,
  );
  return result;
}
