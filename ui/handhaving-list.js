// The list of enforcement cases (GET /handhaving): filters, paging.
import { clearError, errorBox, showError } from './alerts.js';
import { get, session } from './api.js';
import { checkbox, field, h, select } from './dom.js';
import { blockLabels, caseStatusLabels, formatDateTime, formatRelative, label, stepLabels, teamLabels } from './format.js';

const pageSize = 25;
const starters = ['klantenbeheerder', 'teamcoordinator'];

/** Kept while the user moves between views, so coming back shows the same selection. */
const filters = { status: 'open', step: '', urgent: false, teamId: '', offset: 0 };

function query() {
  const q = { limit: String(pageSize), offset: String(filters.offset) };
  if (filters.status) q.status = filters.status;
  if (filters.step) q.step = filters.step;
  if (filters.urgent) q.urgent = 'true';
  if (filters.teamId) q.teamId = filters.teamId;
  return q;
}

function filterForm(onChange) {
  const form = h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev) => ev.preventDefault() },
    field('Status', select('status', [['', 'alle'], ['open', 'Open'], ['closed', 'Gesloten']], filters.status)),
    field('Stap', select('step', [['', 'alle'], ...Object.entries(stepLabels)], filters.step)),
    field('Team', select('teamId', [['', 'alle teams'], ...Object.entries(teamLabels)], filters.teamId)),
    checkbox('urgent', 'Alleen dringend', { checked: filters.urgent }),
  );
  form.addEventListener('change', () => {
    const els = form.elements;
    Object.assign(filters, { status: els.status.value, step: els.step.value, teamId: els.teamId.value, urgent: els.urgent.checked, offset: 0 });
    onChange();
  });
  return form;
}

function dueCell(c) {
  if (!c.dueAt || c.status === 'closed') return h('td', { class: 'muted' }, '—');
  return h('td', {}, h('time', { datetime: c.dueAt }, formatDateTime(c.dueAt)), h('br'), h('small', { class: 'muted' }, formatRelative(c.dueAt)));
}

function row(c) {
  return h('tr', { class: c.urgent ? 'crisis' : null },
    h('td', {}, h('a', { href: `#/handhaving/${encodeURIComponent(c.id)}` }, c.id),
      c.status === 'closed' ? h('small', { class: 'muted' }, ` (${label(caseStatusLabels, c.status).toLowerCase()})`) : null),
    h('td', {}, c.locationId),
    h('td', {}, c.municipality ?? '—'),
    h('td', {}, c.step ? label(stepLabels, c.step) : '—'),
    h('td', {}, label(blockLabels, c.block)),
    h('td', {}, c.waitingFor ?? h('span', { class: 'muted' }, '—')),
    dueCell(c),
    h('td', {}, c.urgent ? h('span', { class: 'badge crisis' }, 'Dringend') : ''),
  );
}

/** Renders the list view into the container and loads the first page. */
export function renderHandhavingList(container) {
  const count = h('p', { class: 'count', role: 'status' });
  const errors = errorBox();
  const tbody = h('tbody');
  const table = h('table', { class: 'handhaving' },
    h('caption', { class: 'visually-hidden' }, 'Handhavingsdossiers'),
    h('thead', {}, h('tr', {}, ['Dossier', 'Locatie', 'Gemeente', 'Stap', 'Blok', 'Wacht op', 'Uiterlijk', 'Dringend'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const previous = h('button', { type: 'button', onclick: () => page(-1) }, 'Vorige');
  const next = h('button', { type: 'button', onclick: () => page(1) }, 'Volgende');

  let latest = 0;
  async function load() {
    const mine = ++latest;
    clearError(errors);
    table.setAttribute('aria-busy', 'true');
    try {
      const result = await get('/handhaving', query());
      if (mine !== latest || !container.isConnected) return;
      tbody.replaceChildren(...result.items.map(row));
      const from = result.total === 0 ? 0 : result.offset + 1;
      const to = result.offset + result.items.length;
      count.textContent = result.total === 0 ? 'Geen handhavingsdossiers gevonden.' : `Handhavingsdossiers ${from}–${to} van ${result.total}`;
      previous.disabled = result.offset === 0;
      next.disabled = to >= result.total;
    } catch (err) {
      showError(errors, err);
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  function page(direction) {
    filters.offset = Math.max(0, filters.offset + direction * pageSize);
    load();
  }

  const canStart = session.me && starters.includes(session.me.role);
  container.append(h('section', { 'aria-labelledby': 'handhaving-titel' },
    h('div', { class: 'title-bar' },
      h('h2', { id: 'handhaving-titel' }, 'Handhaving'),
      h('div', {},
        h('button', { type: 'button', onclick: load }, 'Vernieuwen'),
        canStart ? h('a', { class: 'button primary', href: '#/handhaving/nieuw' }, 'Handhaving starten') : null)),
    filterForm(load),
    count,
    errors,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pagina’s' }, previous, next),
  ));
  return load();
}
