// A paged, sortable table over one of the API's list endpoints (DTOCollection answers), with an optional
// debounced name filter and a "Show deleted" toggle. Its state object belongs to the caller, so a view
// keeps its page, sort and filter when the user comes back to it.

import { ApiError } from './api.js';
import { announce, debounce, errorBox, h, nextId } from './dom.js';

export const PAGE_SIZES = [10, 25, 50, 100];

/** Texts longer than this are clipped in tables (two lines at most) and carry the full text as a tooltip. */
const CLIP_AT = 60;

/**
 * A cell's content, clipped to two lines by CSS (.clip); a long text keeps its full value in the title
 * (hover) and can be focused, which shows it whole (keyboard and screen readers read it all anyway).
 */
function clipped(content) {
  if (typeof content === 'string' || typeof content === 'number') {
    const text = String(content);
    if (text.length <= CLIP_AT) return h('span', { class: 'clip' }, text);
    return h('span', { class: 'clip', title: text, tabindex: '0' }, text);
  }
  if (content instanceof Element && !content.matches('button, select, input')) {
    content.classList.add('clip');
    const text = content.textContent ?? '';
    if (text.length > CLIP_AT) content.title = text;
  }
  return content;
}

/** A column's fixed width, so that widths stay put from page to page (table-layout: fixed). */
function widthOf(column) {
  if (column.width) return column.width;
  if (/Date$|^Created|^Assigned|^Updated/.test(column.sortField ?? column.label)) return '10.5rem';
  if (/^(Active|Type|Sync|Permission|Status)$/.test(column.label)) return '7.5rem';
  return undefined;
}

export function listState(sortField, extra = {}) {
  return { page: 1, pageSize: 25, sortField, descending: false, name: '', deleted: false, ...extra };
}

/**
 * columns: [{label, sortField?, cell(row) → node|string, className?}]; load(state) → DTOCollection;
 * actions(row, state) → nodes for the last column; noun: ['project', 'projects'];
 * filter / deletedToggle: show those controls; toolbar: extra nodes (e.g. a "New" button).
 */
export function pagedTable({
  label,
  noun,
  columns,
  load,
  actions,
  state,
  filter = false,
  deletedToggle = false,
  toolbar = [],
  actionsWidth = '13rem',
}) {
  const [one, many] = noun;
  const errors = errorBox();
  const captionText = h('span');
  const caption = h('caption', { class: 'visually-hidden' }, captionText);
  const headRow = h('tr');
  const body = h('tbody');
  const colgroup = h(
    'colgroup',
    {},
    columns.map((column) => h('col', { class: widthOf(column) ? `w-${widthOf(column).replace('.', '_')}` : undefined })),
    actions ? h('col', { class: `w-${actionsWidth.replace('.', '_')}` }) : null,
  );
  const table = h('table', { class: 'data fixed' }, caption, colgroup, h('thead', {}, headRow), body);
  const empty = h('p', { class: 'empty', hidden: true });
  const pageLabel = h('span', { class: 'page-label' });
  const totalLabel = h('span', { class: 'total-label' });
  const prev = h('button', { type: 'button', class: 'secondary', onclick: () => go(state.page - 1) }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary', onclick: () => go(state.page + 1) }, 'Next');
  const sizeId = nextId('page-size');
  const size = h(
    'select',
    {
      id: sizeId,
      onchange: () => {
        state.pageSize = Number(size.value);
        state.page = 1;
        void reload();
      },
    },
    PAGE_SIZES.map((n) => h('option', { value: String(n), selected: n === state.pageSize }, String(n))),
  );
  // Straight to a page: "Go to page [n] Go" (Enter works too), beside Previous and Next.
  const jumpId = nextId('page-jump');
  const jumpInput = h('input', {
    id: jumpId,
    type: 'number',
    min: '1',
    step: '1',
    inputmode: 'numeric',
    class: 'page-jump-input',
    onkeydown: (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        jump();
      }
    },
  });
  const jumpButton = h('button', { type: 'button', class: 'secondary', onclick: () => jump() }, 'Go');
  const jumpBox = h(
    'span',
    { class: 'page-jump', hidden: true },
    h('label', { for: jumpId }, 'Go to page'),
    jumpInput,
    jumpButton,
  );
  let pageCount = 1;
  function jump() {
    const wanted = Number(jumpInput.value);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > pageCount) {
      jumpInput.setAttribute('aria-invalid', 'true');
      announce(`There is no page ${jumpInput.value}: enter a page from 1 to ${pageCount}.`);
      jumpInput.focus();
      return;
    }
    jumpInput.removeAttribute('aria-invalid');
    jumpInput.value = '';
    go(wanted);
  }
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': `Pages of ${many}` },
    h('span', { class: 'page-size' }, h('label', { for: sizeId }, 'Rows per page'), size),
    prev,
    pageLabel,
    next,
    jumpBox,
    totalLabel,
  );

  const controls = [];
  if (filter) {
    const filterId = nextId('filter');
    const input = h('input', {
      id: filterId,
      type: 'search',
      value: state.name,
      autocomplete: 'off',
      placeholder: 'Part of the name',
    });
    const apply = debounce(() => {
      if (input.value.trim() === state.name) return;
      state.name = input.value.trim();
      state.page = 1;
      void reload();
    }, 300);
    input.addEventListener('input', apply);
    // Enter applies the filter at once instead of submitting anything.
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        state.name = input.value.trim();
        state.page = 1;
        void reload();
      }
    });
    controls.push(h('div', { class: 'filter' }, h('label', { for: filterId }, 'Filter by name'), input));
  }
  if (deletedToggle) {
    const toggleId = nextId('show-deleted');
    const toggle = h('input', {
      id: toggleId,
      type: 'checkbox',
      checked: state.deleted,
      onchange: () => {
        state.deleted = toggle.checked;
        state.page = 1;
        void reload();
      },
    });
    controls.push(h('div', { class: 'toggle' }, toggle, h('label', { for: toggleId }, 'Show deleted')));
  }

  const element = h(
    'div',
    { class: 'paged-table' },
    controls.length || toolbar.length ? h('div', { class: 'toolbar' }, controls, h('div', { class: 'spacer' }), toolbar) : null,
    errors.element,
    h('div', { class: 'table-wrap' }, table),
    empty,
    pager,
  );

  function renderHead() {
    const cells = [
      ...columns.map((column) => {
        if (!column.sortField) return h('th', { scope: 'col', class: column.className }, column.label);
        const sorted = state.sortField.toLowerCase() === column.sortField.toLowerCase();
        const direction = sorted ? (state.descending ? 'descending' : 'ascending') : 'none';
        const button = h(
          'button',
          {
            type: 'button',
            class: 'sort',
            dataset: { focusKey: `sort-${label}-${column.sortField}` },
            onclick: () => {
              if (sorted) state.descending = !state.descending;
              else {
                state.sortField = column.sortField;
                state.descending = false;
              }
              state.page = 1;
              void reload(true);
            },
          },
          column.label,
          h('span', { class: `sort-icon ${direction}`, 'aria-hidden': 'true' }, sorted ? (state.descending ? '▼' : '▲') : '↕'),
        );
        // Only the sorted column carries aria-sort (as in the ARIA practices' sortable table).
        return h('th', { scope: 'col', 'aria-sort': sorted ? direction : undefined, class: column.className }, button);
      }),
    ];
    if (actions) cells.push(h('th', { scope: 'col', class: 'actions-col' }, 'Actions'));
    headRow.replaceChildren(...cells);
    const sortedColumn = columns.find((c) => c.sortField && c.sortField.toLowerCase() === state.sortField.toLowerCase());
    captionText.textContent = `${label}${sortedColumn ? `, sorted by ${sortedColumn.label} ${state.descending ? 'descending' : 'ascending'}` : ''}`;
  }

  function go(page) {
    state.page = page;
    void reload();
  }

  let sequence = 0;
  let lastTotal = 0;

  /** Loads the current page; `keepSortFocus` puts focus back on the sort button that was pressed. */
  async function reload(keepSortFocus = false) {
    const mine = ++sequence;
    const active = document.activeElement;
    const focusKey = keepSortFocus ? active?.dataset?.focusKey : undefined;
    renderHead();
    if (focusKey) headRow.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
    table.setAttribute('aria-busy', 'true');
    element.classList.add('loading');
    announce(`Loading ${many}…`);
    let result;
    try {
      result = await load(state);
    } catch (error) {
      if (mine !== sequence) return;
      table.removeAttribute('aria-busy');
      element.classList.remove('loading');
      if (!(error instanceof ApiError) || error.status !== 401) errors.show(error);
      return;
    }
    if (mine !== sequence) return;
    errors.clear();
    const pages = Math.max(1, Math.ceil(result.total / state.pageSize));
    // A page past the end (after deletes) moves back to the last page.
    if (state.page > pages && result.total > 0) {
      state.page = pages;
      return reload(keepSortFocus);
    }
    lastTotal = result.total;
    body.replaceChildren(
      ...result.data.map((row) =>
        h(
          'tr',
          { dataset: { id: row.id ?? '' } },
          columns.map((column, i) =>
            h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : undefined, class: column.className }, clipped(column.cell(row))),
          ),
          actions ? h('td', { class: 'actions-col' }, h('div', { class: 'row-actions' }, actions(row, state))) : null,
        ),
      ),
    );
    table.removeAttribute('aria-busy');
    element.classList.remove('loading');
    const filtered = state.name ? ` matching “${state.name}”` : '';
    const deleted = state.deleted ? 'deleted ' : '';
    empty.hidden = result.data.length > 0;
    empty.textContent = result.total === 0 ? `No ${deleted}${many}${filtered}.` : '';
    pageLabel.textContent = `Page ${state.page} of ${pages}`;
    totalLabel.textContent = `${result.total} ${deleted}${result.total === 1 ? one : many}${filtered}`;
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    pageCount = pages;
    jumpInput.max = String(pages);
    jumpBox.hidden = pages < 3;
    const first = result.total === 0 ? 0 : (state.page - 1) * state.pageSize + 1;
    const last = (state.page - 1) * state.pageSize + result.data.length;
    announce(
      result.total === 0
        ? `No ${deleted}${many}${filtered}.`
        : `Showing ${first} to ${last} of ${result.total} ${deleted}${many}${filtered}, page ${state.page} of ${pages}.`,
    );
    // A pager button that became disabled would drop the focus to the page; hand it to its twin.
    if (active === next && next.disabled && !prev.disabled) prev.focus();
    if (active === prev && prev.disabled && !next.disabled) next.focus();
  }

  return { element, reload, total: () => lastTotal };
}
