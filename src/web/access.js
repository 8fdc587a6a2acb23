// "Who can reach this": the users and groups granted a project or a drive, the members of those groups,
// and, for a drive, everyone who reaches it through a project it is assigned to. Built from the
// get_all_with_details lists (usersData, groupsData, projectsData) and the user groups' member lists.
// Inactive projects and groups grant nothing, and only active users reach anything (DECISIONS.md section 9).

import { api, ApiError, findWithDetails } from './api.js';
import { errorBox, h } from './dom.js';

const PERMISSIONS = { 1: 'Read', 2: 'Read and write' };
const INACTIVE_USER = 2;

/** An inactive user reaches nothing (a pending one will, once signed up). */
const reachesNothing = (user) => user?.status === INACTIVE_USER;

export function permissionName(permission) {
  const type = permission?.permissionType;
  return PERMISSIONS[type] ?? (type === undefined ? '' : `Type ${type}`);
}

export function userName(user) {
  if (!user) return 'Unknown user';
  const full = [user.firstname ?? user.firstName, user.lastname ?? user.lastName].filter(Boolean).join(' ');
  const login = user.username ?? user.email ?? user.id;
  return full ? `${full} (${login})` : login;
}

/** Members of a user group; {hidden: reason} when this caller may not list them. */
async function membersOf(groupId) {
  try {
    const res = await api('GET', '/usergroup/get_assigned_users', { query: { userGroupId: groupId, pagesize: 1000 } });
    return { members: res.data.map((item) => item.user ?? item).filter(Boolean) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { members: [], hidden: 'this agent has no user group API' };
    if (error instanceof ApiError && error.code === 'ACCESS') return { members: [], hidden: 'only account admins may list them' };
    throw error;
  }
}

/**
 * Rows {who, kind, permission, path} from one record's usersData/groupsData; `project` is set when the
 * grants are those of a project the drive is assigned to.
 */
async function grantRows(record, project) {
  const rows = [];
  let hidden;
  const onProject = project ? ` project “${project.name}”` : ' directly';
  for (const entry of record.usersData ?? []) {
    rows.push({
      who: userName(entry.user),
      kind: 'User',
      permission: permissionName(entry.permission),
      path: reachesNothing(entry.user) ? 'Inactive user: reaches nothing' : `Granted${onProject}`,
    });
  }
  for (const entry of record.groupsData ?? []) {
    const group = entry.userGroup ?? entry.group ?? {};
    const permission = permissionName(entry.permission);
    if (group.active === false) {
      rows.push({ who: group.name ?? group.id, kind: 'Group', permission, path: 'Inactive group: grants nothing' });
      continue;
    }
    rows.push({ who: group.name ?? group.id, kind: 'Group', permission, path: `Granted${onProject}` });
    const members = group.id ? await membersOf(group.id) : { members: [] };
    hidden ??= members.hidden;
    const path = project
      ? `Member of group “${group.name}”, granted project “${project.name}”`
      : `Member of group “${group.name}”`;
    for (const member of members.members) {
      if (!reachesNothing(member)) rows.push({ who: userName(member), kind: 'User', permission, path });
    }
  }
  return { rows, hidden };
}

/**
 * A section listing who can reach `record` (a project or a drive, as returned by get_all_with_details).
 * Returns {element, load(record)}.
 */
export function accessSection(kind) {
  const headingId = `reach-${kind}`;
  const errors = errorBox();
  const content = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, `Who can reach this ${kind}`),
    h(
      'p',
      { class: 'hint' },
      `The account owner and account admins can reach every ${kind}. Below: the users and groups granted this ${kind}`,
      kind === 'drive' ? ', directly or through a project it is assigned to.' : '.',
    ),
    errors.element,
    content,
  );

  async function load(record) {
    errors.clear();
    content.setAttribute('aria-busy', 'true');
    content.replaceChildren(h('p', { class: 'muted' }, 'Loading who can reach it…'));
    try {
      const { rows, hidden } = await grantRows(record);
      let membersHidden = hidden;
      if (kind === 'drive') {
        for (const { project } of record.projectsData ?? []) {
          // An inactive project grants nothing through it.
          if (!project || project.active === false) continue;
          const details = await findWithDetails('/projects/get_all_with_details', project.id, project.name);
          if (!details) continue;
          const through = await grantRows(details, project);
          rows.push(...through.rows);
          membersHidden ??= through.hidden;
        }
      }
      content.replaceChildren(
        kind === 'project' && record.active === false
          ? h(
              'p',
              { class: 'hint' },
              `This ${kind} is inactive: nobody reaches it through these grants until it is active again.`,
            )
          : '',
        render(rows, kind),
        membersHidden ? h('p', { class: 'hint' }, `Group members are not listed: ${membersHidden}.`) : '',
      );
    } catch (error) {
      content.replaceChildren();
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
    } finally {
      content.setAttribute('aria-busy', 'false');
    }
  }

  return { element, load };
}

function render(rows, kind) {
  if (rows.length === 0) return h('p', { class: 'empty' }, `No user or group has been granted this ${kind}.`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h('caption', { class: 'visually-hidden' }, `Users and groups who can reach this ${kind}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Who', 'Kind', 'Permission', 'How'].map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, row.who),
            h('td', {}, row.kind),
            h('td', {}, row.permission),
            h('td', {}, row.path),
          ),
        ),
      ),
    ),
  );
}
