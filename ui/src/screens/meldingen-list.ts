// The list of reports (GET /meldingen): filters, most urgent first, paging.
import { dueAtCell, listView } from '../components/list-view.js';
import { get, type Schema } from '../lib/api.js';
import { checkbox, field, h, select } from '../lib/dom.js';
import { formatDateTime, label, labels, options } from '../lib/format.js';
import { personLabel } from '../lib/people.js';
import { session } from '../lib/session.js';

type Melding = Schema<'/meldingen'>['items'][number];

/** Kept while the user moves between views, so coming back shows the same selection. */
const state = { triage: '', phase: '', overdue: false, mine: false, teamId: '', offset: 0 };

function dueCell(m: Melding): HTMLTableCellElement {
  if (m.deadlinePaused) return h('td', {}, h('span', { class: 'badge paused' }, 'opgeschort'));
  if (!m.dueAt) return h('td', { class: 'muted' }, m.phase === 'te_koppelen' ? 'nog niet gekoppeld' : '—');
  return dueAtCell(m.dueAt);
}

/** Renders the list view into the container and loads the first page. */
export function renderMeldingenList(container: HTMLElement): Promise<void> {
  const view = listView<Melding>({
    id: 'meldingen-titel',
    title: 'Meldingen',
    caption: 'Meldingen, de dringendste eerst',
    create: { href: '#/meldingen/nieuw', text: 'Nieuwe melding' },
    filterBy: [
      field('Triage', select('triage', [['', 'alle'], ...options(labels.triage)], state.triage)),
      field('Fase', select('phase', [['', 'alle'], ...options(labels.phase)], state.phase)),
      field('Team', select('teamId', [['', 'alle teams'], ...options(labels.team)], state.teamId)),
      checkbox('overdue', 'Alleen te laat', { checked: state.overdue }),
      checkbox('mine', 'Mij toegewezen', { checked: state.mine }),
    ],
    columns: [
      { title: 'Melding', cell: (m) => h('a', { href: `#/meldingen/${encodeURIComponent(m.id)}`, class: 'mono' }, m.id) },
      { title: 'Ontvangen', cell: (m) => h('time', { datetime: m.receivedAt }, formatDateTime(m.receivedAt)) },
      { title: 'Triage', cell: (m) => [m.triage === 'crisis' ? h('span', { class: 'badge crisis' }, label(labels.triage, m.triage)) : label(labels.triage, m.triage),
        m.triageConfirmed || m.phase === 'afgesloten' ? null : h('small', { class: 'muted' }, ' (voorstel)')] },
      { title: 'Fase', cell: (m) => label(labels.phase, m.phase) },
      { title: 'Behandelaar', cell: (m) => (m.assigneeId ? personLabel(m.assigneeId) : h('span', { class: 'muted' }, 'niemand')) },
      { title: 'Uiterlijk', cell: dueCell },
      { title: 'Te laat', cell: (m) => (m.overdue ? h('span', { class: 'badge late' }, 'Te laat') : '') },
      { title: 'Locatie', cell: (m) => m.locationId ?? h('span', { class: 'muted' }, m.addressText ?? '—') },
    ],
    rowClass: (m) => (m.triage === 'crisis' ? 'crisis' : null),
    load: (offset, limit) => get('/meldingen', {
      sort: 'due_at', order: 'asc', limit: String(limit), offset: String(offset),
      triage: state.triage, phase: state.phase, overdue: state.overdue ? 'true' : undefined,
      assigneeId: state.mine ? session.me?.id : undefined, teamId: state.teamId,
    }),
    state,
    noun: 'Meldingen',
    empty: 'Geen meldingen gevonden.',
  });
  container.append(view.element);
  return view.reload();
}
