// A case's own history (GET /cases/{kind}/{id}/history): its dossier timeline entries and its audit
// records, oldest first, each by whom. Shown on every detail page (reports, enforcement cases,
// inspections, screening tasks).
import { errorBox, showError } from '../lib/alerts.js';
import { get, type Schema } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { formatDateTime, label, labels } from '../lib/format.js';
import { person, personLabel } from '../lib/people.js';

export type CaseKind = 'melding' | 'handhaving' | 'inspectie' | 'screening';
type Entry = Schema<'/cases/{kind}/{id}/history'>['entries'][number];

/** Audit actions of other processes in words; unknown ones are shown as they are. */
const actionLabels: Record<string, string> = {
  ...labels.history,
  'inspection.requested': 'Inspectie aangevraagd',
  'inspection.cancel': 'Annulering gevraagd',
  'screening.coded': 'Screening gecodeerd',
  'screening_task.coded': 'Screening gecodeerd',
  'handhaving.opened': 'Handhaving gestart',
  'break_glass.read': 'Ingezien met break-glass',
  'melding.reporter.read': 'Gegevens van de melder ingezien',
};

function who(e: Entry): string {
  if (!e.actorId) return '';
  if (person(e.actorId) || e.actorId === 'system' || e.actorId === 'systeem') return personLabel(e.actorId);
  return e.actorRole ? `${e.actorId} (${label(labels.role, e.actorRole)})` : e.actorId;
}

function entryItem(e: Entry): HTMLLIElement {
  const title = e.source === 'audit' ? label(actionLabels, e.kind) : e.title;
  const by = who(e);
  return h('li', { class: `history-${e.source}` },
    h('time', { datetime: e.occurredAt }, formatDateTime(e.occurredAt)), ' ',
    h('span', { class: `badge source-${e.source}` }, e.source === 'audit' ? 'audit' : 'dossier'), ' ',
    h('strong', {}, title),
    by ? h('small', { class: 'muted' }, ` door ${by}`) : null);
}

/** The section; it loads itself. */
export function caseHistorySection(kind: CaseKind, id: string): HTMLElement {
  const headingId = `historiek-${kind}-titel`;
  const list = h('ol', { class: 'log case-history', 'aria-label': 'Historiek van dit dossier' });
  const errors = errorBox();
  const status = h('p', { class: 'muted' }, 'Historiek laden…');
  const element = h('section', { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Historiek van de zaak'),
    h('p', { class: 'hint' }, 'De stappen van deze zaak in het dossier en in het auditlog, oudste eerst.'),
    status, errors, list);
  get('/cases/{kind}/{id}/history', undefined, { kind, id }).then((history) => {
    status.textContent = history.entries.length === 0 ? 'Nog geen historiek.' : `${history.entries.length} gebeurtenissen.`;
    list.replaceChildren(...history.entries.map(entryItem));
  }).catch((err: unknown) => {
    status.textContent = '';
    showError(errors, err);
  });
  return element;
}
