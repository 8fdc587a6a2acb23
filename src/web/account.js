// The signed-in user's own page: their API tokens (create, with the value shown once and a copy button;
// list; delete) and their second factor (MFA: enable with a QR code drawn here, from a secret the agent
// generates; disable with a current code). Every user, admin or not, manages their own.

import { api, ApiError, session } from './api.js';
import { announce, confirmDialog, errorBox, formatDate, formDialog, h, hidden, nextId, openDialog } from './dom.js';
import qrcode from './vendor/qrcode.mjs';

export async function renderAccount(main, refreshUser) {
  const tokensErrors = errorBox();
  const tokensBody = h('tbody');
  const tokensEmpty = h('p', { class: 'empty', hidden: true }, 'No API tokens yet.');
  const tokensTable = h(
    'table',
    { class: 'data fixed' },
    h('caption', { class: 'visually-hidden' }, 'Your API tokens'),
    h('colgroup', {}, h('col'), h('col', { class: 'w-13rem' }), h('col', { class: 'w-13rem' }), h('col', { class: 'w-9rem' })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Title'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Expires'),
        h('th', { scope: 'col', class: 'actions-col' }, 'Actions'),
      ),
    ),
    tokensBody,
  );
  const newToken = h('button', { type: 'button', class: 'primary', onclick: () => createToken() }, 'New API token');

  async function loadTokens() {
    try {
      const tokens = await api('GET', '/apitoken/get_all');
      tokensErrors.clear();
      tokensBody.replaceChildren(
        ...tokens.map((t) =>
          h(
            'tr',
            { dataset: { id: t.id } },
            h('th', { scope: 'row' }, h('span', { class: 'clip', title: t.title }, t.title)),
            h('td', {}, formatDate(t.createDate)),
            h('td', {}, t.expirationDate ? formatDate(t.expirationDate) : 'Never'),
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
                    dataset: { focusKey: `delete-token-${t.id}` },
                    onclick: () => deleteToken(t),
                  },
                  'Delete',
                  hidden(` ${t.title}`),
                ),
              ),
            ),
          ),
        ),
      );
      tokensEmpty.hidden = tokens.length > 0;
      announce(`${tokens.length} API token${tokens.length === 1 ? '' : 's'}.`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) tokensErrors.show(error);
    }
  }

  function createToken() {
    formDialog({
      title: 'New API token',
      submitLabel: 'Create token',
      fields: [
        { name: 'title', label: 'Title', required: true, maxlength: 100, hint: 'What the token is for, e.g. “backup script”.' },
        {
          name: 'expires',
          label: 'Expires on',
          type: 'date',
          hint: 'Optional: without a date the token lasts ten years. It stops working at the start of that day (UTC).',
        },
      ],
      submit: async (values) => {
        const body = { title: values.title };
        if (values.expires) body.expirationDate = new Date(`${values.expires}T00:00:00Z`).toISOString();
        const created = await api('POST', '/apitoken/insert', { body });
        await loadTokens();
        // After the form dialog closes: show the value, once.
        setTimeout(() => showTokenValue(created), 0);
      },
    });
  }

  function showTokenValue(created) {
    const valueId = nextId('token-value');
    const value = h('input', { id: valueId, type: 'text', readonly: true, value: created.token, class: 'token-value' });
    const copied = h('p', { class: 'hint', role: 'status' });
    const copy = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          value.select();
          try {
            await navigator.clipboard.writeText(created.token);
            copied.textContent = 'Copied to the clipboard.';
          } catch {
            copied.textContent = 'Copy it from the field (Ctrl+C): the browser refused the clipboard.';
          }
        },
      },
      'Copy',
    );
    const done = h('button', { type: 'button', class: 'primary', onclick: () => dialog.close() }, 'Done');
    const dialog = openDialog({
      title: `API token “${created.title}”`,
      body: h(
        'div',
        {},
        h('p', { class: 'notice' }, 'Copy the token now: this is the only time it is shown. Only a hash of it is kept.'),
        h('div', { class: 'field' }, h('label', { for: valueId }, 'Token'), h('div', { class: 'copy-row' }, value, copy)),
        copied,
      ),
      actions: h('div', { class: 'actions' }, done),
      initialFocus: () => copy,
    });
    announce(`API token “${created.title}” created. Copy it now: it is shown only once.`);
  }

  function deleteToken(t) {
    return confirmDialog({
      title: `Delete API token “${t.title}”?`,
      message: 'Scripts using it stop working at once.',
      confirmLabel: 'Delete token',
      action: async () => {
        await api('DELETE', '/apitoken/delete', { query: { id: t.id } });
        await loadTokens();
        announce(`API token “${t.title}” deleted.`);
      },
    });
  }

  // MFA
  const mfaSection = h('section', { class: 'card', 'aria-labelledby': 'mfa-title' });
  function renderMfaSection() {
    const on = Boolean(session.user?.mfa);
    const status = h(
      'p',
      {},
      'Two-step verification is ',
      h('strong', {}, on ? 'on' : 'off'),
      on ? ': signing in asks for a code from your authenticator app.' : '.',
    );
    const button = on
      ? h('button', { type: 'button', class: 'danger-outline', onclick: () => disableMfa() }, 'Turn off two-step verification')
      : h('button', { type: 'button', class: 'primary', onclick: () => enableMfa() }, 'Turn on two-step verification');
    mfaSection.replaceChildren(
      h('h2', { id: 'mfa-title' }, 'Two-step verification (MFA)'),
      status,
      h('div', { class: 'actions start' }, button),
    );
  }

  async function enableMfa() {
    let secret;
    try {
      secret = await api('POST', '/user/generate_mfa_token');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) errorBox().show(error);
      return;
    }
    const label = `clickd:${session.user.email ?? session.user.username}`;
    const uri = `otpauth://totp/${encodeURIComponent(label)}?secret=${secret}&issuer=clickd`;
    const canvas = qrCanvas(uri);
    formDialog({
      title: 'Turn on two-step verification',
      submitLabel: 'Turn on',
      intro: h(
        'div',
        { class: 'mfa-setup' },
        h('p', {}, 'Scan this code with your authenticator app, or enter the key by hand, then give the 6-digit code it shows.'),
        canvas,
        h('p', {}, 'Key: ', h('code', { class: 'secret' }, secret)),
      ),
      fields: [{ name: 'userCode', label: 'Verification code', required: true, maxlength: 6, inputmode: 'numeric' }],
      submit: async (values) => {
        await api('POST', '/user/set_mfa', { body: { enabled: true, userCode: values.userCode.trim() } });
        await refreshUser();
        renderMfaSection();
        announce('Two-step verification is on.');
      },
    });
  }

  function disableMfa() {
    formDialog({
      title: 'Turn off two-step verification',
      submitLabel: 'Turn off',
      fields: [
        {
          name: 'userCode',
          label: 'Verification code',
          required: true,
          maxlength: 6,
          inputmode: 'numeric',
          hint: 'A current code from your authenticator app, so that a stolen session alone cannot remove it.',
        },
      ],
      submit: async (values) => {
        await api('POST', '/user/set_mfa', { body: { enabled: false, userCode: values.userCode.trim() } });
        await refreshUser();
        renderMfaSection();
        announce('Two-step verification is off.');
      },
    });
  }

  renderMfaSection();
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, 'My account'),
    h('p', { class: 'lede' }, `Signed in as ${session.user.username}.`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'API tokens'),
      h(
        'p',
        {},
        'Long-lived tokens for scripts: use one as ',
        h('code', {}, 'Authorization: Bearer …'),
        ' or ',
        h('code', {}, '?token='),
        '.',
      ),
      h('div', { class: 'toolbar' }, h('div', { class: 'spacer' }), newToken),
      tokensErrors.element,
      h('div', { class: 'table-wrap' }, tokensTable),
      tokensEmpty,
    ),
    mfaSection,
  );
  await loadTokens();
}

/** The QR code of `text`, drawn on a canvas here (no request leaves the page), with a text alternative. */
function qrCanvas(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const scale = 5;
  const margin = 4;
  const size = (count + margin * 2) * scale;
  const canvas = h('canvas', {
    width: String(size),
    height: String(size),
    role: 'img',
    'aria-label': 'QR code for your authenticator app (the key below is the same, as text)',
    class: 'qr',
  });
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, size, size);
  context.fillStyle = '#000000';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) context.fillRect((col + margin) * scale, (row + margin) * scale, scale, scale);
    }
  }
  return canvas;
}
