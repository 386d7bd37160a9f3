// THE list: a titled section with actions, filters, a count (role=status), the table, a pager.
// Every list screen (reports, enforcement, locations, work, notifications) is one of these.
import { clearError, errorBox, showError } from '../lib/alerts.js';
import { type Child, h } from '../lib/dom.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { hasRole, type Role } from '../lib/session.js';

export interface Column<T> {
  title: string;
  /** The cell's content, or a whole <td>. */
  cell: (item: T) => Child | HTMLTableCellElement;
  /** Extra class of the column's cells (e.g. "nowrap"). */
  class?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** More than `total` match: the server counts up to the next thousand past the page. */
  totalCapped?: boolean;
  offset: number;
}

export interface ListViewOptions<T> {
  /** Id of the heading (the section is labelled by it). */
  id: string;
  title: string;
  caption: string;
  /** Buttons and links in the title bar, after "Vernieuwen". */
  actions?: Child[];
  /** The primary link to make a new item (after the actions), for those roles only when they are given. */
  create?: { href: string; text: string; roles?: readonly Role[] };
  /** A filter form of its own; call the returned reload() when it changes. */
  filters?: HTMLElement | null;
  /** Or just the filters' controls, each named after a key of `state`: kept there, reloading on a change (filterForm). */
  filterBy?: Child[];
  columns: Column<T>[];
  rowClass?: (item: T) => string | null;
  load: (offset: number, limit: number) => Promise<Page<T>>;
  /** The list's offset, kept by the caller between visits. */
  state: { offset: number };
  pageSize?: number;
  /** "Meldingen" → "Meldingen 1–25 van 300". */
  noun: string;
  empty: string;
  /** Extra content under the table (e.g. a legend). */
  footer?: Child;
  /** Called after each load with the page shown. */
  onLoaded?: (page: Page<T>) => void;
}

export interface ListView {
  element: HTMLElement;
  reload(): Promise<void>;
}

/**
 * A list's filters, kept in its state: every control is named after a key of the state (a
 * checkbox holds a boolean, any other control its value). A change writes them all to the state,
 * goes back to the first page and calls onChange (the list's reload).
 */
function filterForm(state: { offset: number }, onChange: () => void, ...controls: Child[]): HTMLFormElement {
  const form = h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev: Event) => ev.preventDefault() }, ...controls);
  form.addEventListener('change', () => {
    const values: Record<string, string | boolean> = {};
    for (const el of Array.from(form.elements)) {
      if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !el.name || !(el.name in state)) continue;
      values[el.name] = el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value;
    }
    Object.assign(state, values, { offset: 0 });
    onChange();
  });
  return form;
}

export function listView<T>(o: ListViewOptions<T>): ListView {
  const pageSize = o.pageSize ?? 25;
  const count = h('p', { class: 'count', role: 'status' });
  const errors = errorBox();
  const tbody = h('tbody');
  const table = h('table', { class: `list ${o.id}` },
    h('caption', { class: 'visually-hidden' }, o.caption),
    h('thead', {}, h('tr', {}, o.columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    tbody);
  const previous = h('button', { type: 'button', onclick: () => page(-1) }, 'Vorige');
  const next = h('button', { type: 'button', onclick: () => page(1) }, 'Volgende');
  const element = h('section', { class: 'list-view', 'aria-labelledby': o.id },
    h('div', { class: 'title-bar' },
      h('h1', { id: o.id, tabindex: '-1' }, o.title),
      h('div', { class: 'title-actions' }, h('button', { type: 'button', onclick: () => reload() }, 'Vernieuwen'), ...(o.actions ?? []),
        o.create && (!o.create.roles || hasRole(...o.create.roles)) ? h('a', { class: 'button primary', href: o.create.href }, o.create.text) : null)),
    o.filterBy ? filterForm(o.state, () => void reload(), ...o.filterBy) : o.filters ?? null,
    count,
    errors,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pagina’s' }, previous, next),
    o.footer ?? null);

  let latest = 0;
  async function reload(): Promise<void> {
    const mine = ++latest;
    clearError(errors);
    table.setAttribute('aria-busy', 'true');
    try {
      const result = await o.load(o.state.offset, pageSize);
      if (mine !== latest) return; // a newer selection is on its way
      tbody.replaceChildren(...result.items.map((item) => h('tr', { class: o.rowClass?.(item) ?? null },
        o.columns.map((c) => {
          const content = c.cell(item);
          return content instanceof HTMLTableCellElement ? content : h('td', { class: c.class ?? null }, content);
        }))));
      const from = result.total === 0 ? 0 : result.offset + 1;
      const to = result.offset + result.items.length;
      const of = result.totalCapped ? `meer dan ${result.total}` : `${result.total}`;
      count.textContent = result.total === 0 ? o.empty : `${o.noun} ${from}–${to} van ${of}`;
      previous.disabled = result.offset === 0;
      next.disabled = to >= result.total && !result.totalCapped;
      previous.hidden = next.hidden = result.total <= pageSize && result.offset === 0;
      o.onLoaded?.(result);
    } catch (err) {
      showError(errors, err);
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  function page(direction: number) {
    o.state.offset = Math.max(0, o.state.offset + direction * pageSize);
    void reload();
  }

  return { element, reload };
}

/** A list's deadline cell: the moment, and below it how far off it is. */
export function dueAtCell(dueAt: string): HTMLTableCellElement {
  return h('td', {}, h('time', { datetime: dueAt }, formatDateTime(dueAt)), h('br'), h('small', { class: 'muted' }, formatRelative(dueAt)));
}
