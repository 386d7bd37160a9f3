// Inspections (docs/inspections.md): the list (GET /inspections), one request with Modular's status
// and the report (GET /inspections/{id}), asking for one (POST /inspections) and cancelling it
// (POST /inspections/{id}/cancel), each command with its own Idempotency-Key.
import { caseHistorySection } from '../components/case-history.js';
import { commandForm } from '../components/command-form.js';
import { badge, detailPage, loadDetail, facts, section, when } from '../components/details.js';
import { listView } from '../components/list-view.js';
import { errorBox, handleSubmit, inputError } from '../lib/alerts.js';
import { get, type Schema, submission } from '../lib/api.js';
import { checkbox, type Child, field, h, namedForm, select, val } from '../lib/dom.js';
import { formatDateTime, formatRelative, label, labels, options } from '../lib/format.js';
import { personLabel } from '../lib/people.js';
import { hasRole } from '../lib/session.js';

export type Inspection = Schema<'/inspections/{inspectionId}'>;
type Live = NonNullable<Inspection['live']>;

const commanders = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator'] as const;
const terminal = (status: string) => status === 'eindverslag' || status === 'geannuleerd';

/** Kept between visits. */
const state = { status: '', urgency: '', overdue: false, offset: 0 };

const statusBadge = (status: string) => h('span', { class: `badge inspection-status status-${status}` }, label(labels.inspectionStatus, status));

function requesterLink(r: Inspection['requestedBy']): Child {
  if (!r?.type) return '—';
  const text = label(labels.requesterType, r.type);
  if (!r.id) return text;
  const href = r.type === 'melding' ? `#/meldingen/${encodeURIComponent(r.id)}` : r.type === 'handhaving' ? `#/handhaving/${encodeURIComponent(r.id)}`
    : r.type === 'risicoscreening' ? `#/screening/taken/${encodeURIComponent(r.id)}` : null;
  return [text, ' ', href ? h('a', { href, class: 'mono' }, r.id) : h('span', { class: 'mono' }, r.id)];
}

/** The list of inspection requests, the most urgent first. */
export function renderInspectionsList(container: HTMLElement): Promise<void> {
  const view = listView<Inspection>({
    id: 'inspecties-titel',
    title: 'Inspecties',
    caption: 'Inspectieaanvragen bij Zorginspectie, de dringendste eerst',
    create: { href: '#/inspecties/nieuw', text: 'Inspectie aanvragen', roles: commanders },
    filterBy: [
      field('Status', select('status', [['', 'alle'], ...options(labels.inspectionStatus)], state.status)),
      field('Urgentie', select('urgency', [['', 'alle'], ...options(labels.urgency)], state.urgency)),
      checkbox('overdue', 'Alleen te laat', { checked: state.overdue }),
    ],
    columns: [
      { title: 'Aanvraag', cell: (i) => h('a', { href: `#/inspecties/${encodeURIComponent(i.id)}`, class: 'mono' }, i.id) },
      { title: 'Locatie', cell: (i) => [i.locationId, i.dossierId ? h('small', { class: 'muted block' }, h('a', { href: `#/dossiers/${encodeURIComponent(i.dossierId)}` }, `dossier ${i.dossierId}`)) : null] },
      { title: 'Status', cell: (i) => [statusBadge(i.status), i.waitingForModular ? h('small', { class: 'muted block' }, 'wacht op Modular') : null] },
      { title: 'Urgentie', cell: (i) => (i.urgency === 'spoed' ? h('span', { class: 'badge crisis' }, 'Spoed') : label(labels.urgency, i.urgency)) },
      { title: 'Aanleiding', cell: (i) => requesterLink(i.requestedBy) },
      { title: 'Klantenbeheerder', cell: (i) => personLabel(i.caseManagerId, { fallback: '—' }) },
      { title: 'Uiterlijk', cell: (i) => (i.dueAt && !terminal(i.status) ? [h('time', { datetime: i.dueAt }, formatDateTime(i.dueAt)), h('small', { class: 'muted block' }, formatRelative(i.dueAt)), i.overdue ? h('span', { class: 'badge late' }, 'Te laat') : null] : h('span', { class: 'muted' }, '—')) },
      { title: 'Aangevraagd', cell: (i) => when(i.requestedAt) },
    ],
    rowClass: (i) => [i.overdue && !terminal(i.status) ? 'late' : '', i.urgency === 'spoed' ? 'crisis' : ''].filter(Boolean).join(' ') || null,
    load: (offset, limit) => get('/inspections', { status: state.status, urgency: state.urgency, overdue: state.overdue ? 'true' : undefined, limit: String(limit), offset: String(offset) }),
    state,
    noun: 'Inspecties',
    empty: 'Geen inspectieaanvragen gevonden.',
  });
  container.append(view.element);
  return view.reload();
}

function modularSection(i: Inspection, live: Live | null): HTMLElement {
  const draft = live?.draft;
  return section('ins-modular-titel', 'Bij Zorginspectie (Modular)', facts([
    ['Status', statusBadge(i.status)],
    ['Order in Modular', i.modularOrderId ? h('span', { class: 'mono' }, i.modularOrderId) : h('span', { class: 'muted' }, 'nog niet bevestigd')],
    i.waitingForModular && ['Wacht op', 'bevestiging van de order door Modular (ook als Modular tijdelijk onbereikbaar is, gaat de aanvraag niet verloren)'],
    ['Bezoek gepland', i.plannedVisitAt ? [when(i.plannedVisitAt), live?.plannedVisit?.inspectors ? ` · ${live.plannedVisit.inspectors} inspecteurs` : ''] : '—'],
    ['Bezoek uitgevoerd', when(i.visitedAt)],
    ['Ontwerpverslag', draft ? [h('span', { class: 'mono' }, draft.documentRef ?? ''), ' ontvangen ', when(draft.receivedAt), draft.reactionDeadline ? [' · reactie van de voorziening tot ', when(draft.reactionDeadline)] : ''] : (i.draftDocumentRef ? h('span', { class: 'mono' }, i.draftDocumentRef) : '—')],
    ['Reactie voorziening', i.locationReactionReceived ? 'ontvangen (niet gepubliceerd)' : '—'],
    ['Uiterlijk', i.dueAt && !terminal(i.status) ? [when(i.dueAt), ` (${formatRelative(i.dueAt)})`, i.overdue ? [' ', badge('Te laat', 'late')] : null] : '—'],
    i.closedAt && ['Afgesloten op', when(i.closedAt)],
  ]));
}

function reportSection(i: Inspection): HTMLElement | null {
  const r = i.finalReport;
  if (!r) return null;
  const advice = r.advice;
  return section('ins-verslag-titel', 'Eindverslag',
    facts([
      ['Document', h('span', { class: 'mono' }, r.documentRef ?? '—')],
      ['Ontvangen', when(r.receivedAt)],
      advice && ['Advies', advice.enforce ? h('strong', { class: 'error' }, 'Handhaven') : 'Geen handhaving nodig'],
      advice && ['Urgentie', label(labels.adviceUrgency, advice.urgency)],
      advice?.motivation && ['Motivering', advice.motivation],
    ]),
    (r.findings ?? []).length > 0 ? [h('h3', {}, 'Vaststellingen'), h('ul', { class: 'reasons' }, (r.findings ?? []).map((f) => h('li', {}, f)))] : null,
    (advice?.pointsOfAttention ?? []).length > 0 ? [h('h3', {}, 'Aandachtspunten'), h('ul', { class: 'reasons' }, (advice?.pointsOfAttention ?? []).map((f) => h('li', {}, f)))] : null);
}

function cancellationSection(i: Inspection): HTMLElement | null {
  const c = i.cancellation;
  if (!c) return null;
  return section('ins-annulering-titel', 'Annulering', facts([
    ['Door', c.by === 'zorginspectie' ? 'Zorginspectie' : `het agentschap${c.actorId ? `: ${personLabel(c.actorId)}` : ''}`],
    ['Reden', c.reason ?? '—'],
    ['Gevraagd', when(c.requestedAt)],
    ['Bevestigd door Modular', c.confirmedAt ? when(c.confirmedAt) : h('span', { class: 'muted' }, 'nog niet')],
    c.refusedReason && ['Geweigerd', c.refusedReason],
  ]));
}

function processSection(live: Live): HTMLElement {
  return section('ins-verloop-titel', 'Verloop van de aanvraag',
    (live.deadlines ?? []).length > 0 ? [h('h3', {}, 'Termijnen'), h('ul', { class: 'log' }, (live.deadlines ?? []).map((d) => h('li', {}, h('strong', {}, d.label ?? d.kind ?? ''), d.met ? ' — gehaald' : d.deadline?.state ? ` — ${d.deadline.state}` : '')))] : null,
    (live.deliveries ?? []).length > 0 ? [h('h3', {}, 'Bezorgd'), h('ul', { class: 'log' }, (live.deliveries ?? []).map((d) => h('li', {}, when(d.at), ' ', h('strong', {}, d.what ?? ''), ` aan ${d.to ?? ''}`)))] : null,
    h('h3', {}, 'Stappen'),
    h('ol', { class: 'log' }, (live.history ?? []).map((e) => h('li', {}, when(e.at), ' ', h('strong', {}, e.detail ?? e.action ?? ''), e.actorId ? h('small', { class: 'muted' }, ` door ${personLabel(e.actorId)}`) : null))));
}

function commandPanel(i: Inspection, onUpdated: (updated: Inspection, message: string) => void): HTMLElement | null {
  if (!hasRole(...commanders)) return null;
  const forms: HTMLElement[] = [];
  if (!terminal(i.status) && !i.cancellation) {
    forms.push(commandForm<Inspection, { reason: string }>(`/inspections/${encodeURIComponent(i.id)}`, onUpdated, {
      path: 'cancel',
      title: 'Inspectie annuleren',
      submitLabel: 'Annuleren bij Zorginspectie',
      hint: 'De annulering gaat naar Modular en wordt bevestigd; na het eindverslag kan het niet meer.',
      fields: [field('Reden', h('textarea', { name: 'reason', rows: 2, required: true, minlength: 3, maxlength: 2000 }))],
      toBody: (f) => ({ reason: val(f, 'reason') }),
      done: 'Annulering verstuurd naar Zorginspectie.',
    }));
  }
  if (forms.length === 0) return null;
  return h('aside', { class: 'commands panel', 'aria-label': 'Opdrachten' }, h('h2', {}, 'Opdrachten'), ...forms);
}

/** One inspection request. */
export async function renderInspectionDetail(container: HTMLElement, id: string, flash?: string): Promise<void> {
  const back = { href: '#/inspecties', text: 'Terug naar de inspecties' };
  const i = await loadDetail(container, back, () => get('/inspections/{inspectionId}', undefined, { inspectionId: id }));
  if (i) show(container, i, flash);
}

function show(container: HTMLElement, i: Inspection, flash?: string) {
  const live = i.live ?? null;
  const onUpdated = (updated: Inspection, message: string) => {
    show(container, updated, message);
    setTimeout(() => {
      if (container.isConnected) void renderInspectionDetail(container, i.id, message);
    }, 1_500);
  };
  let locationName: HTMLElement = h('span', {}, i.locationId);
  detailPage(container, {
    title: `Inspectie ${i.id}`,
    titleClass: 'inspection-title',
    crisis: i.urgency === 'spoed',
    badges: [statusBadge(i.status), ' ', i.urgency === 'spoed' ? badge('Spoed', 'crisis') : badge(label(labels.urgency, i.urgency)), i.fourEyes ? [' ', badge('Vier ogen')] : null,
      i.overdue && !terminal(i.status) ? [' ', badge('Te laat', 'late')] : null],
    back: { href: '#/inspecties', text: 'Terug naar de inspecties' },
    onRefresh: () => void renderInspectionDetail(container, i.id),
    flash,
    main: [
      section('ins-gegevens-titel', 'Gegevens', facts([
        ['Locatie', [locationName, i.dossierId ? [' · ', h('a', { href: `#/dossiers/${encodeURIComponent(i.dossierId)}` }, `dossier ${i.dossierId}`)] : null]],
        ['Team', label(labels.team, i.teamId)],
        ['Klantenbeheerder', personLabel(i.caseManagerId, { fallback: 'niet toegewezen' })],
        ['Aanleiding', requesterLink(i.requestedBy)],
        ['Reden', h('p', { class: 'description' }, i.reason ?? '')],
        (i.questions ?? []).length > 0 && ['Vragen aan Zorginspectie', h('ul', { class: 'reasons' }, (i.questions ?? []).map((q) => h('li', {}, q)))],
        ['Aangevraagd', [when(i.requestedAt), i.createdBy ? ` door ${personLabel(i.createdBy)}` : '']],
      ])),
      modularSection(i, live),
      reportSection(i),
      cancellationSection(i),
      live ? processSection(live) : h('p', { class: 'muted panel' }, 'Het proces is afgelopen; hierboven staat wat het register bewaart.'),
      caseHistorySection('inspectie', i.id),
    ],
    side: commandPanel(i, onUpdated),
  });
  // The location's name, when the directory has it.
  get('/locations/{locationId}', undefined, { locationId: i.locationId }).then((l) => {
    const named = h('span', {}, `${l.name} (${i.locationId})`);
    locationName.replaceWith(named);
    locationName = named;
  }).catch(() => undefined);
}

/** The request form; ?locatie=LOC-… and ?melding=/handhaving=/screening= prefill it. */
export function renderInspectionForm(container: HTMLElement, params: URLSearchParams): void {
  const errors = errorBox();
  const requesterType = params.get('melding') ? 'melding' : params.get('handhaving') ? 'handhaving' : params.get('screening') ? 'risicoscreening' : '';
  const requesterId = params.get('melding') ?? params.get('handhaving') ?? params.get('screening') ?? '';
  const form = namedForm('Inspectie aanvragen bij Zorginspectie', { class: 'inspection-form panel' },
    h('p', { class: 'hint' }, 'De aanvraag gaat als order naar Modular en wordt gevolgd tot het eindverslag. Spoed is de snelle procedure met twee inspecteurs, wanneer de fysieke of psychische integriteit van de kinderen in gevaar kan zijn.'),
    h('div', { class: 'row' },
      field('Locatie-id', h('input', { type: 'text', name: 'locationId', required: true, value: params.get('locatie') ?? '', pattern: '[A-Za-z0-9_.:\\-]+', placeholder: 'LOC-…' }), 'Zoek de locatie bij Opvanglocaties.'),
      field('Urgentie', select('urgency', options(labels.urgency), 'regulier'))),
    field('Reden', h('textarea', { name: 'reason', rows: 3, required: true, minlength: 3, maxlength: 5000 })),
    field('Vragen aan Zorginspectie (één per regel)', h('textarea', { name: 'questions', rows: 3, maxlength: 30000 })),
    checkbox('fourEyes', 'Met twee inspecteurs (vier ogen)'),
    h('div', { class: 'row' },
      field('Aanleiding', select('requestedByType', [['', 'rechtstreeks door de klantenbeheerder'], ['melding', 'Melding'], ['handhaving', 'Handhavingsdossier'], ['risicoscreening', 'Risicoscreening']], requesterType)),
      field('Kenmerk van de aanleiding', h('input', { type: 'text', name: 'requestedById', value: requesterId, placeholder: 'MEL-…, HH-…, SCR-…' }))),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Inspectie aanvragen'), h('a', { href: '#/inspecties' }, 'Annuleren')));
  const send = submission();
  handleSubmit(form, errors, async (f) => {
    if (!f.reportValidity()) return undefined;
    const questions = val(f, 'questions').split('\n').map((q) => q.trim()).filter(Boolean);
    if (questions.some((q) => q.length < 3)) throw inputError('Elke vraag moet minstens 3 tekens lang zijn.');
    const urgency = val(f, 'urgency');
    const type = val(f, 'requestedByType');
    const rid = val(f, 'requestedById');
    if (type && !rid) throw inputError('Vul het kenmerk van de aanleiding in, of kies “rechtstreeks”.');
    const fourEyes = (f.elements.namedItem('fourEyes') as HTMLInputElement).checked || urgency === 'spoed';
    return send.send<Inspection>('/inspections', {
      locationId: val(f, 'locationId'),
      reason: val(f, 'reason'),
      questions,
      urgency,
      fourEyes,
      ...(type ? { requestedBy: { type, id: rid } } : {}),
    });
  }, (result) => {
    location.hash = `#/inspecties/${encodeURIComponent(result.body.id)}`;
  });
  const heading = h('h1', { tabindex: '-1' }, 'Inspectie aanvragen');
  container.replaceChildren(h('div', { class: 'title-bar page-title' }, heading, h('a', { href: '#/inspecties' }, '← Terug naar de inspecties')), form);
  heading.focus();
}
