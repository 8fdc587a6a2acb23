// Small DOM helpers: elements built with textContent (never innerHTML, so names cannot inject markup),
// announcements for screen readers, and accessible modal dialogs.

import { ApiError, plainMessages } from './api.js';

/** h('button', {type: 'button', onclick}, 'Text', child...): attributes, `on*` listeners, `class`, `dataset`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'checked' || key === 'value' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Text only screen readers read (e.g. which row an "Edit" button belongs to). */
export const hidden = (text) => h('span', { class: 'visually-hidden' }, text);

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** Says `message` through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById('status');
  if (!region) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  setTimeout(() => (region.textContent = message), 30);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return h('time', { datetime: iso }, date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

export const yesNo = (value) => (value ? 'Yes' : 'No');

/** An alert box listing API error messages in plain words; empty and hidden when there are none. */
export function errorBox() {
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return {
    element: box,
    show(error, labels) {
      box.replaceChildren();
      const messages = plainMessages(error, labels);
      if (messages.length === 1) box.append(h('p', {}, messages[0]));
      else
        box.append(
          h(
            'ul',
            {},
            messages.map((m) => h('li', {}, m)),
          ),
        );
      box.hidden = false;
    },
    clear() {
      box.replaceChildren();
      box.hidden = true;
    },
  };
}

/**
 * Opens a modal <dialog>: focus moves into it, Escape or Cancel closes it, and focus returns to the
 * element that opened it (or, if a reload replaced that element, to its successor with the same data-focus-key).
 */
export function openDialog({ title, body, actions, initialFocus, onClose, wide = false }) {
  const opener = document.activeElement;
  const titleId = nextId('dialog-title');
  const dialog = h(
    'dialog',
    { 'aria-labelledby': titleId, class: wide ? 'dialog wide' : 'dialog' },
    h('h2', { id: titleId }, title),
    body,
    actions,
  );
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
    restoreFocus(opener);
  });
  dialog.showModal();
  (initialFocus?.() || dialog.querySelector('input, select, textarea, button'))?.focus();
  return dialog;
}

function restoreFocus(opener) {
  if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) return opener.focus();
  const key = opener?.dataset?.focusKey;
  const successor = key && document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (successor) return successor.focus();
  document.querySelector('main h1')?.focus();
}

/**
 * A form in a dialog. `fields`: [{name, label, type: 'text'|'textarea'|'checkbox'|'number'|'select', value,
 * required, maxlength, min, max, options: [[value, label]], hint}]. `submit(values)` may throw an ApiError:
 * its messages are shown in the dialog and the dialog stays open.
 */
export function formDialog({ title, fields, submitLabel, submit, wide = false, intro }) {
  const errors = errorBox();
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  const inputs = {};
  const rows = fields.map((field) => {
    const id = nextId(`field-${field.name}`);
    const hintId = field.hint ? `${id}-hint` : undefined;
    let input;
    const common = { id, name: field.name, 'aria-describedby': hintId };
    if (field.type === 'checkbox') {
      input = h('input', { ...common, type: 'checkbox', checked: Boolean(field.value) });
      inputs[field.name] = input;
      return h(
        'div',
        { class: `field checkbox${field.full ? ' full' : ''}` },
        input,
        h('label', { for: id }, field.label),
        hintId && h('p', { class: 'hint', id: hintId }, field.hint),
      );
    }
    if (field.type === 'textarea') {
      input = h('textarea', { ...common, rows: 3, maxlength: field.maxlength, required: field.required }, field.value ?? '');
    } else if (field.type === 'select') {
      input = h(
        'select',
        { ...common, required: field.required },
        field.options.map(([value, text]) =>
          h('option', { value: String(value), selected: String(value) === String(field.value) }, text),
        ),
      );
    } else {
      input = h('input', {
        ...common,
        type: field.type || 'text',
        value: field.value ?? '',
        required: field.required,
        maxlength: field.maxlength,
        min: field.min,
        max: field.max,
        inputmode: field.inputmode,
        autocomplete: field.inputmode === 'numeric' ? 'one-time-code' : 'off',
        spellcheck: field.type === 'text' || !field.type ? 'true' : undefined,
      });
    }
    inputs[field.name] = input;
    return h(
      'div',
      { class: `field${field.full ? ' full' : ''}` },
      h('label', { for: id }, field.label, field.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
      input,
      hintId && h('p', { class: 'hint', id: hintId }, field.hint),
    );
  });

  const submitButton = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const cancelButton = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
  const form = h(
    'form',
    { class: wide ? 'form grid' : 'form', method: 'post' },
    errors.element,
    intro ?? null,
    rows,
    h('div', { class: 'actions' }, cancelButton, submitButton),
  );
  let dialog;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    const values = {};
    for (const field of fields) {
      const input = inputs[field.name];
      if (field.type === 'checkbox') values[field.name] = input.checked;
      else if (field.type === 'number') values[field.name] = input.value === '' ? undefined : Number(input.value);
      else if (field.type === 'select' && field.numeric) values[field.name] = Number(input.value);
      else values[field.name] = input.value;
    }
    submitButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    announce('Saving…');
    try {
      await submit(values);
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) {
        errors.show(error, labels);
        markInvalidFields(error, inputs);
        announce('Not saved.');
      }
    } finally {
      submitButton.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  dialog = openDialog({ title, body: form, actions: null, wide });
  return dialog;
}

/** Sets aria-invalid on the inputs an error names (and on the name for a duplicate). */
function markInvalidFields(error, inputs) {
  if (!(error instanceof ApiError)) return;
  let first;
  for (const [name, input] of Object.entries(inputs)) {
    const named = error.messages.some((m) => m.includes(`'${name}'`)) || (error.code === 'DUPLICATE' && name === 'name');
    if (named) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
}

/** Asks for confirmation; resolves true when confirmed. Cancel has the initial focus (the safe choice). */
export function confirmDialog({ title, message, confirmLabel, action }) {
  return new Promise((resolve) => {
    const errors = errorBox();
    let confirmed = false;
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
    const confirm = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    confirm.addEventListener('click', async () => {
      errors.clear();
      confirm.disabled = true;
      try {
        await action();
        confirmed = true;
        dialog.close();
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
        else dialog.close();
      } finally {
        confirm.disabled = false;
      }
    });
    const dialog = openDialog({
      title,
      body: h('div', {}, h('p', {}, message), errors.element),
      actions: h('div', { class: 'actions' }, cancel, confirm),
      initialFocus: () => cancel,
      onClose: () => resolve(confirmed),
    });
  });
}
