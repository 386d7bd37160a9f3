// Childcare locations: search (GET /locations), a dossier with its timeline and notes, and a
// small lookup that names the location behind a typed id.
import { detailPage, loadDetail, section } from '../components/details.js';
import { listView } from '../components/list-view.js';
import { errorBox, handleSubmit } from '../lib/alerts.js';
import { get, type Schema, submission } from '../lib/api.js';
import { field, h, select, val } from '../lib/dom.js';
import { formatDateTime, label, labels } from '../lib/format.js';
import { personLabel } from '../lib/people.js';
import { hasRole } from '../lib/session.js';

type Location = Schema<'/locations'>['items'][number];

/** Kept between visits of the view. */
const state = { q: '', municipality: '', kind: '', offset: 0 };

function searchForm(onSearch: () => void): HTMLFormElement {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Opvanglocaties zoeken' },
    field('Zoeken', h('input', { name: 'q', value: state.q, placeholder: 'naam, organisator of LOC-…' })),
    field('Gemeente', h('input', { name: 'municipality', value: state.municipality })),
    field('Soort', select('kind', [['', 'alle'], ['gezinsopvang', 'gezinsopvang'], ['groepsopvang', 'groepsopvang']], state.kind)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Zoeken')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(state, { q: val(form, 'q'), municipality: val(form, 'municipality'), kind: val(form, 'kind'), offset: 0 });
    onSearch();
  });
  return form;
}

/** The location search; rows open the dossier (#/dossiers/ID). */
export function renderLocations(container: HTMLElement): Promise<void> {
  const view = listView<Location>({
    id: 'locaties-titel',
    title: 'Opvanglocaties',
    caption: 'Opvanglocaties die aan de zoekopdracht voldoen',
    filters: searchForm(() => void view.reload()),
    columns: [
      { title: 'Locatie', cell: (l) => (l.dossierId ? h('a', { href: `#/dossiers/${encodeURIComponent(l.dossierId)}` }, `${l.name} (${l.id})`) : `${l.name} (${l.id})`) },
      { title: 'Soort', cell: (l) => l.kind },
      { title: 'Plaatsen', cell: (l) => String(l.capacity) },
      { title: 'Gemeente', cell: (l) => l.municipality },
      { title: 'Vergunning', cell: (l) => l.licenceStatus },
      { title: 'Klantenbeheerder', cell: (l) => personLabel(l.caseManagerId, { fallback: '—' }) },
      { title: 'Dossier', cell: (l) => l.dossierId ?? '', class: 'nowrap' },
    ],
    load: (offset, limit) => get('/locations', { q: state.q, municipality: state.municipality, kind: state.kind, limit: String(limit), offset: String(offset) }),
    state,
    noun: 'Locaties',
    empty: 'Geen locaties gevonden.',
  });
  container.append(view.element);
  return view.reload();
}

/** One dossier: the location, its case manager, the timeline, a note form. */
export async function renderDossier(container: HTMLElement, id: string, flash?: string): Promise<void> {
  const d = await loadDetail(container, { href: '#/locaties', text: 'Naar de opvanglocaties' }, () => get('/dossiers/{dossierId}', undefined, { dossierId: id }));
  if (!d) return;
  const noteErrors = errorBox();
  const form = h('form', { 'aria-label': 'Notitie toevoegen', class: 'note-form' },
    field('Notitie toevoegen', h('textarea', { name: 'text', rows: 2, required: true, maxlength: 10000 })),
    noteErrors,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Toevoegen')));
  const send = submission();
  handleSubmit(form, noteErrors, (f) => send.send(`/dossiers/${encodeURIComponent(d.id)}/notes`, { text: val(f, 'text') }),
    () => renderDossier(container, d.id, 'Notitie toegevoegd.'));
  const canStart = hasRole('klantenbeheerder', 'teamcoordinator');
  detailPage(container, {
    title: `Dossier ${d.id}: ${d.locationName}`,
    titleClass: 'dossier-title',
    badges: [h('span', { class: 'badge' }, d.municipality), ' ', h('span', { class: 'badge' }, `Team ${label(labels.team, d.teamId)}`)],
    back: { href: '#/locaties', text: 'Naar de opvanglocaties' },
    onRefresh: () => void renderDossier(container, d.id),
    flash,
    main: [
      section('dossier-gegevens', 'Gegevens',
        h('p', {}, `${d.locationName} (${d.locationId}), ${d.municipality} · klantenbeheerder ${personLabel(d.caseManagerId, { fallback: 'niet toegewezen' })}`),
        h('p', { class: 'dossier-actions' },
          h('a', { href: `#/meldingen/nieuw?locatie=${encodeURIComponent(d.locationId)}` }, 'Nieuwe melding voor deze locatie'),
          canStart ? [' · ', h('a', { href: `#/handhaving/nieuw?dossier=${encodeURIComponent(d.id)}` }, 'Handhaving starten voor deze locatie')] : null),
        form),
      section('dossier-tijdlijn', 'Tijdlijn',
        h('ol', { class: 'timeline' }, d.timeline.map((e) => h('li', {},
          h('time', { datetime: e.occurredAt }, formatDateTime(e.occurredAt, true)), ' ',
          e.details?.meldingId ? h('a', { href: `#/meldingen/${encodeURIComponent(String(e.details.meldingId))}` }, e.title) : e.title,
          e.details?.text ? `: ${String(e.details.text)}` : '')))),
    ],
  }, true);
}

/**
 * Under an input for a location id: names the location it points at (or says it is unknown),
 * so a typo shows before the report is sent.
 */
export function locationLookup(input: HTMLInputElement): HTMLParagraphElement {
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
      const l = await get('/locations/{locationId}', undefined, { locationId: id });
      if (asked !== id) return;
      out.textContent = `${l.name}, ${l.municipality} (${l.kind}; dossier ${l.dossierId ?? 'geen'}; team ${label(labels.team, l.teamId)}; klantenbeheerder ${personLabel(l.caseManagerId, { fallback: 'geen' })})`;
    } catch (err) {
      if (asked !== id) return;
      const status = (err as { status?: number }).status;
      out.textContent = status === 404 ? `Onbekende locatie-id: ${id}` : (status === 400 ? 'Dit is geen geldige locatie-id.' : '');
    }
  });
  return out;
}
