// The list of reports (GET /meldingen): filters, most urgent first, paging.
import { errorBox, showError, clearError } from './alerts.js';
import { get, session } from './api.js';
import { checkbox, field, h, select } from './dom.js';
import { formatDateTime, formatRelative, label, phaseLabels, teamLabels, triageLabels } from './format.js';

const pageSize = 25;

/** Kept while the user moves between views, so coming back shows the same selection. */
const filters = { triage: '', phase: '', overdue: false, mine: false, teamId: '', offset: 0 };

function query() {
  const q = { sort: 'due_at', order: 'asc', limit: String(pageSize), offset: String(filters.offset) };
  if (filters.triage) q.triage = filters.triage;
  if (filters.phase) q.phase = filters.phase;
  if (filters.overdue) q.overdue = 'true';
  if (filters.mine && session.me) q.assigneeId = session.me.id;
  if (filters.teamId) q.teamId = filters.teamId;
  return q;
}

function filterForm(onChange) {
  const form = h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev) => ev.preventDefault() },
    field('Triage', select('triage', [['', 'alle'], ...Object.entries(triageLabels)], filters.triage)),
    field('Fase', select('phase', [['', 'alle'], ...Object.entries(phaseLabels)], filters.phase)),
    field('Team', select('teamId', [['', 'alle teams'], ...Object.entries(teamLabels)], filters.teamId)),
    checkbox('overdue', 'Alleen te laat', { checked: filters.overdue }),
    checkbox('mine', 'Mij toegewezen', { checked: filters.mine }),
  );
  form.addEventListener('change', () => {
    const els = form.elements;
    Object.assign(filters, {
      triage: els.triage.value,
      phase: els.phase.value,
      teamId: els.teamId.value,
      overdue: els.overdue.checked,
      mine: els.mine.checked,
      offset: 0,
    });
    onChange();
  });
  return form;
}

function dueCell(m) {
  if (m.deadlinePaused) return h('td', {}, h('span', { class: 'badge paused' }, 'opgeschort'));
  if (!m.dueAt) return h('td', { class: 'muted' }, m.phase === 'te_koppelen' ? 'nog niet gekoppeld' : '—');
  return h('td', {}, h('time', { datetime: m.dueAt }, formatDateTime(m.dueAt)), h('br'), h('small', { class: 'muted' }, formatRelative(m.dueAt)));
}

function row(m) {
  const crisis = m.triage === 'crisis';
  const mine = session.me && m.assigneeId === session.me.id;
  return h('tr', { class: crisis ? 'crisis' : null },
    h('td', {}, h('a', { href: `#/meldingen/${encodeURIComponent(m.id)}` }, m.id)),
    h('td', {}, h('time', { datetime: m.receivedAt }, formatDateTime(m.receivedAt))),
    h('td', {}, crisis ? h('span', { class: 'badge crisis' }, label(triageLabels, m.triage)) : label(triageLabels, m.triage),
      m.triageConfirmed || m.phase === 'afgesloten' ? null : h('small', { class: 'muted' }, ' (voorstel)')),
    h('td', {}, label(phaseLabels, m.phase)),
    h('td', {}, m.assigneeId ? `${m.assigneeId}${mine ? ' (jij)' : ''}` : h('span', { class: 'muted' }, 'niemand')),
    dueCell(m),
    h('td', {}, m.overdue ? h('span', { class: 'badge late' }, 'Te laat') : ''),
    h('td', {}, m.locationId ?? h('span', { class: 'muted' }, m.addressText ?? '—')),
  );
}

/** Renders the list view into the container and loads the first page. */
export function renderMeldingenList(container) {
  const count = h('p', { class: 'count', role: 'status' });
  const errors = errorBox();
  const tbody = h('tbody');
  const table = h('table', { class: 'meldingen' },
    h('caption', { class: 'visually-hidden' }, 'Meldingen, de dringendste eerst'),
    h('thead', {}, h('tr', {}, ['Melding', 'Ontvangen', 'Triage', 'Fase', 'Behandelaar', 'Uiterlijk', 'Te laat', 'Locatie'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const previous = h('button', { type: 'button', onclick: () => page(-1) }, 'Vorige');
  const next = h('button', { type: 'button', onclick: () => page(1) }, 'Volgende');

  let latest = 0;
  async function load() {
    const mine = ++latest;
    clearError(errors);
    table.setAttribute('aria-busy', 'true');
    try {
      const result = await get('/meldingen', query());
      if (mine !== latest || !container.isConnected) return; // a newer selection is on its way
      tbody.replaceChildren(...result.items.map(row));
      const from = result.total === 0 ? 0 : result.offset + 1;
      const to = result.offset + result.items.length;
      count.textContent = result.total === 0 ? 'Geen meldingen gevonden.' : `Meldingen ${from}–${to} van ${result.total}`;
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

  container.append(h('section', { 'aria-labelledby': 'meldingen-titel' },
    h('div', { class: 'title-bar' },
      h('h2', { id: 'meldingen-titel' }, 'Meldingen'),
      h('div', {},
        h('button', { type: 'button', onclick: load }, 'Vernieuwen'),
        h('a', { class: 'button primary', href: '#/meldingen/nieuw' }, 'Nieuwe melding'))),
    filterForm(load),
    count,
    errors,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pagina’s' }, previous, next),
  ));
  return load();
}
