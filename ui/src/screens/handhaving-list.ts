// The list of enforcement cases (GET /handhaving): filters, paging.
import { dueAtCell, listView } from '../components/list-view.js';
import { get, type Schema } from '../lib/api.js';
import { checkbox, field, h, select } from '../lib/dom.js';
import { label, labels, options } from '../lib/format.js';
import { personLabel } from '../lib/people.js';

type Case = Schema<'/handhaving'>['items'][number];

/** Kept while the user moves between views, so coming back shows the same selection. */
const state = { status: 'open', step: '', urgent: false, teamId: '', offset: 0 };

function dueCell(c: Case): HTMLTableCellElement {
  if (!c.dueAt || c.status === 'closed') return h('td', { class: 'muted' }, '—');
  return dueAtCell(c.dueAt);
}

/** Renders the list view into the container and loads the first page. */
export function renderHandhavingList(container: HTMLElement): Promise<void> {
  const view = listView<Case>({
    id: 'handhaving-titel',
    title: 'Handhaving',
    caption: 'Handhavingsdossiers',
    create: { href: '#/handhaving/nieuw', text: 'Handhaving starten', roles: ['klantenbeheerder', 'teamcoordinator'] },
    filterBy: [
      field('Status', select('status', [['', 'alle'], ['open', 'Open'], ['closed', 'Gesloten']], state.status)),
      field('Stap', select('step', [['', 'alle'], ...options(labels.step)], state.step)),
      field('Team', select('teamId', [['', 'alle teams'], ...options(labels.team)], state.teamId)),
      checkbox('urgent', 'Alleen dringend', { checked: state.urgent }),
    ],
    columns: [
      { title: 'Dossier', cell: (c) => [h('a', { href: `#/handhaving/${encodeURIComponent(c.id)}`, class: 'mono' }, c.id),
        c.status === 'closed' ? h('small', { class: 'muted' }, ` (${label(labels.caseStatus, c.status).toLowerCase()})`) : null] },
      { title: 'Locatie', cell: (c) => c.locationId },
      { title: 'Gemeente', cell: (c) => c.municipality ?? '—' },
      { title: 'Klantenbeheerder', cell: (c) => personLabel(c.caseManagerId, { fallback: '—' }) },
      { title: 'Stap', cell: (c) => (c.step ? label(labels.step, c.step) : '—') },
      { title: 'Blok', cell: (c) => label(labels.block, c.block) },
      { title: 'Wacht op', cell: (c) => c.waitingFor ?? h('span', { class: 'muted' }, '—') },
      { title: 'Uiterlijk', cell: dueCell },
      { title: 'Dringend', cell: (c) => (c.urgent ? h('span', { class: 'badge crisis' }, 'Dringend') : '') },
    ],
    rowClass: (c) => (c.urgent ? 'crisis' : null),
    load: (offset, limit) => get('/handhaving', {
      limit: String(limit), offset: String(offset), status: state.status, step: state.step, urgent: state.urgent ? 'true' : undefined, teamId: state.teamId,
    }),
    state,
    noun: 'Handhavingsdossiers',
    empty: 'Geen handhavingsdossiers gevonden.',
  });
  container.append(view.element);
  return view.reload();
}
