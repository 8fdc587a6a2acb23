// The clickd console: sign-in (with the MFA challenge), then the Projects and Drives pages. Pages are
// chosen by the URL hash (#/projects, #/drives/<id>); the token never appears in it.

import { api, ApiError, getToken, session, setToken, setUnauthorizedHandler, setUser } from './api.js';
import { announce, errorBox, h, nextId } from './dom.js';
import { renderAccount } from './account.js';
import { renderActivity } from './activity.js';
import { renderDrive, renderDrives } from './drives.js';
import { renderProject, renderProjects } from './projects.js';
import { renderUser, renderUsers } from './users.js';
import { renderGroup, renderGroups } from './groups.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const account = document.getElementById('account');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');

let user;

function navigate(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

/** Shows the page the hash names; the sign-in form while there is no session. */
async function route() {
  if (!getToken() || !user) return;
  closeDialogs(); // Back or a link while a dialog is open
  const [, section = 'projects', id] = location.hash.replace(/^#\/?/, '#/').split('/');
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (section === 'groups' && session.admin) {
    document.title = 'Groups · clickd console';
    if (id) await renderGroup(main, id);
    else renderGroups(main);
  } else if (section === 'users' && session.admin) {
    document.title = 'Users · clickd console';
    if (id) await renderUser(main, id);
    else renderUsers(main);
  } else if (section === 'activity' && session.admin) {
    document.title = 'Activity · clickd console';
    renderActivity(main);
  } else if (section === 'account') {
    document.title = 'My account · clickd console';
    await renderAccount(main, refreshUser);
  } else if (section === 'drives') {
    document.title = 'Drives · clickd console';
    if (id) await renderDrive(main, id, navigate);
    else renderDrives(main);
  } else {
    document.title = 'Projects · clickd console';
    if (id) await renderProject(main, id, navigate);
    else renderProjects(main);
  }
  main.querySelector('h1')?.focus();
}

function showSignedIn() {
  who.textContent = '';
  who.append('Signed in as ', h('strong', {}, displayName(user)));
  nav.hidden = false;
  account.hidden = false;
  // Users and groups are managed by account admins; the API refuses them to others.
  for (const link of nav.querySelectorAll('[data-admin]')) link.hidden = !session.admin;
}

function displayName(u) {
  const full = [u.firstName, u.lastName].filter(Boolean).join(' ');
  return full || u.username;
}

function showSignedOut() {
  user = undefined;
  setUser(undefined);
  nav.hidden = true;
  account.hidden = true;
  who.textContent = '';
}

/** The sign-in form; `message` says why it is shown (signed out, session ended). */
function renderSignIn(message) {
  showSignedOut();
  document.title = 'Sign in · clickd console';
  const errors = errorBox();
  const userId = nextId('username');
  const passwordId = nextId('password');
  const username = h('input', {
    id: userId,
    name: 'username',
    type: 'email',
    autocomplete: 'username',
    required: true,
    maxlength: 256,
  });
  const password = h('input', {
    id: passwordId,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 256,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'form', method: 'post', 'aria-labelledby': 'signin-title' },
    errors.element,
    h('div', { class: 'field' }, h('label', { for: userId }, 'Email'), username),
    h('div', { class: 'field' }, h('label', { for: passwordId }, 'Password'), password),
    h('div', { class: 'actions' }, submit),
  );
  const card = h(
    'section',
    { class: 'card signin' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to clickd'),
    message ? h('p', { class: 'notice' }, message) : null,
    form,
    h('p', { class: 'hint' }, 'No account yet? Create one with ', h('code', {}, 'clickd account create'), '.'),
  );
  main.replaceChildren(card);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    announce('Signing in…');
    try {
      const login = await api('POST', '/authentication/login', {
        auth: false,
        body: { username: username.value.trim(), password: password.value },
      });
      if (login.challenge && !login.jwtToken) return renderMfa(card, login.session, username.value.trim());
      await startSession(login.jwtToken);
    } catch (error) {
      errors.show(error, { username: 'Email', password: 'Password' });
      announce('Sign-in failed.');
      password.select();
      password.focus();
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  (message ? card.querySelector('h1') : username).focus();
}

/** Login answered a challenge (1 = TOTP): ask for the code and answer it through mfa_respond. */
function renderMfa(card, session, username) {
  const errors = errorBox();
  const codeId = nextId('code');
  const code = h('input', {
    id: codeId,
    name: 'userCode',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 6,
    required: true,
    'aria-describedby': `${codeId}-hint`,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Verify');
  const back = h('button', { type: 'button', class: 'secondary', onclick: () => renderSignIn() }, 'Back');
  const form = h(
    'form',
    { class: 'form', method: 'post' },
    errors.element,
    h(
      'div',
      { class: 'field' },
      h('label', { for: codeId }, 'Verification code'),
      code,
      h('p', { class: 'hint', id: `${codeId}-hint` }, `Enter the 6-digit code from the authenticator app of ${username}.`),
    ),
    h('div', { class: 'actions' }, back, submit),
  );
  card.replaceChildren(h('h1', { tabindex: '-1' }, 'Two-step verification'), form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      const answer = await api('POST', '/authentication/mfa_respond', {
        auth: false,
        body: { userCode: code.value.trim(), session },
      });
      if (!answer.jwtToken) throw new ApiError(499, 'TOTP', ['The verification code was not accepted.']);
      await startSession(answer.jwtToken);
    } catch (error) {
      errors.show(error, { userCode: 'Verification code' });
      code.select();
      code.focus();
    } finally {
      submit.disabled = false;
    }
  });
  code.focus();
  announce('Enter your verification code.');
}

/** Reads the signed-in user again (after a change to their MFA, for instance). */
async function refreshUser() {
  user = await api('GET', '/authentication/user');
  setUser(user);
}

async function startSession(token) {
  setToken(token);
  user = await api('GET', '/authentication/user');
  setUser(user);
  showSignedIn();
  announce(`Signed in as ${displayName(user)}.`);
  if (!location.hash || location.hash === '#') navigate('#/projects');
  else await route();
}

async function signOut() {
  const token = getToken();
  signOutButton.disabled = true;
  try {
    if (token) await api('POST', '/authentication/logout', { auth: false, body: { jwtToken: token } });
  } catch {
    // The session ends on this side whatever the agent answered.
  } finally {
    signOutButton.disabled = false;
  }
  setToken('');
  closeDialogs();
  renderSignIn('You have signed out.');
  announce('You have signed out.');
}

function closeDialogs() {
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
}

setUnauthorizedHandler((message) => {
  if (!user) return; // already on the sign-in form
  closeDialogs();
  renderSignIn(message);
  announce(message);
});

signOutButton.addEventListener('click', () => void signOut());
window.addEventListener('hashchange', () => void route());

async function start() {
  if (!getToken()) return renderSignIn();
  try {
    user = await api('GET', '/authentication/user');
    setUser(user);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return renderSignIn('Your session has ended. Sign in again to continue.');
    return renderSignIn(error.messages?.[0]);
  }
  showSignedIn();
  await route();
}

void start();
