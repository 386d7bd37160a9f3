// Childcare locations: search (GET /locations), a dossier with its timeline and notes, and a
// small lookup that names the location behind a typed id.
import { errorBox, handleSubmit, showError } from './alerts.js';
import { get, submission } from './api.js';
import { field, h, select } from './dom.js';
import { formatDateTime, label, teamLabels } from './format.js';

/** Kept between visits of the view. */
const search = { q: '', municipality: '', kind: '' };

function cell(text) {
  return h('td', {}, text ?? '');
}

function searchForm(onSearch) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Opvanglocaties zoeken' },
    field('Zoeken', h('input', { name: 'q', value: search.q, placeholder: 'naam, organisator of LOC-…' })),
    field('Gemeente', h('input', { name: 'municipality', value: search.municipality })),
    field('Soort', select('kind', [['', 'alle'], ['gezinsopvang', 'gezinsopvang'], ['groepsopvang', 'groepsopvang']], search.kind)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Zoeken')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const key of Object.keys(search)) search[key] = form.elements[key].value.trim();
    onSearch();
  });
  return form;
}

/** The location search; rows open the dossier (#/dossiers/ID). */
export function renderLocations(container, dossierId) {
  const count = h('p', { role: 'status' });
  const errors = errorBox();
  const tbody = h('tbody');

  async function run() {
    const params = { limit: '50' };
    for (const [key, value] of Object.entries(search)) if (value) params[key] = value;
    try {
      const page = await get('/locations', params);
      count.textContent = `${page.total} locaties gevonden${page.total > page.items.length ? `, de eerste ${page.items.length} getoond` : ''}`;
      tbody.replaceChildren(...page.items.map((l) => h('tr', {},
        cell(l.dossierId ? h('a', { href: `#/dossiers/${encodeURIComponent(l.dossierId)}` }, `${l.name} (${l.id})`) : `${l.name} (${l.id})`),
        cell(l.kind), cell(String(l.capacity)), cell(l.municipality), cell(l.licenceStatus), h('td', { class: 'nowrap' }, l.dossierId ?? ''))));
    } catch (err) {
      showError(errors, err);
    }
  }

  const dossier = h('div'); // above the results, so an opened dossier is in view
  container.append(
    dossier,
    h('section', { 'aria-labelledby': 'locaties-titel' },
      h('h2', { id: 'locaties-titel' }, 'Opvanglocaties'),
      searchForm(run), count, errors,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Locatie', 'Soort', 'Plaatsen', 'Gemeente', 'Vergunning', 'Dossier'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody))),
  );
  if (dossierId) renderDossier(dossier, dossierId);
  return run();
}

async function renderDossier(container, id) {
  const errors = errorBox();
  container.replaceChildren(errors);
  let d;
  try {
    d = await get(`/dossiers/${encodeURIComponent(id)}`);
  } catch (err) {
    showError(errors, err);
    return;
  }
  const noteErrors = errorBox();
  const form = h('form', { 'aria-label': 'Notitie toevoegen' },
    field('Notitie toevoegen', h('textarea', { name: 'text', rows: 2, required: true, maxlength: 10000 })),
    noteErrors,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Toevoegen')));
  const send = submission();
  handleSubmit(form, noteErrors, () => send.send(`/dossiers/${encodeURIComponent(d.id)}/notes`, { text: form.elements.text.value }),
    () => renderDossier(container, d.id));
  const section = h('section', { 'aria-labelledby': 'dossier-titel' },
    h('h2', { id: 'dossier-titel', tabindex: '-1' }, `Dossier ${d.id}: ${d.locationName}`),
    h('p', {}, `${d.municipality} · team ${label(teamLabels, d.teamId)} · klantenbeheerder ${d.caseManagerName ?? 'niet toegewezen'}`),
    h('p', {}, h('a', { href: `#/meldingen/nieuw?locatie=${encodeURIComponent(d.locationId)}` }, 'Nieuwe melding voor deze locatie')),
    form,
    h('h3', {}, 'Tijdlijn'),
    h('ol', { class: 'timeline' }, d.timeline.map((e) => h('li', {},
      h('time', { datetime: e.occurredAt }, formatDateTime(e.occurredAt, true)),
      e.details?.meldingId ? h('a', { href: `#/meldingen/${encodeURIComponent(e.details.meldingId)}` }, e.title) : e.title,
      e.details?.text ? `: ${e.details.text}` : ''))));
  container.replaceChildren(section);
  section.querySelector('h2').focus();
}

/**
 * Under an input for a location id: names the location it points at (or says it is unknown),
 * so a typo shows before the report is sent.
 */
export function locationLookup(input) {
  const out = h('p', { class: 'lookup hint', 'aria-live': 'polite' });
  let asked = '';
  input.addEventListener('change', async () => {
    const id = input.value.trim();
    asked = id;
    if (!id) {
      out.textContent = '';
      return;
    }
    try {
      const l = await get(`/locations/${encodeURIComponent(id)}`);
      if (asked !== id) return;
      out.textContent = `${l.name}, ${l.municipality} (${l.kind}; dossier ${l.dossierId ?? 'geen'}; team ${label(teamLabels, l.teamId)}; klantenbeheerder ${l.caseManagerId ?? 'geen'})`;
    } catch (err) {
      if (asked !== id) return;
      out.textContent = err.status === 404 ? `Onbekende locatie-id: ${id}` : (err.status === 400 ? 'Dit is geen geldige locatie-id.' : '');
    }
  });
  return out;
}
