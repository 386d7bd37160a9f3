// One report (GET /meldingen/{id}): its facts, the live state of its process (deadline,
// escalations, history) and, beside it, the commands that fit its phase.
import { caseHistorySection } from '../components/case-history.js';
import { detailError, detailPage, facts, liveUnavailable, when } from '../components/details.js';
import { get, type Schema } from '../lib/api.js';
import { session } from '../lib/session.js';
import { personLabel } from '../lib/people.js';
import { type Child } from '../lib/dom.js';

export type Melding = Schema<'/meldingen/{meldingId}'>;
type Live = NonNullable<Melding['live']>;
import { h } from '../lib/dom.js';
import { formatRelative, label, labels, rungLabel } from '../lib/format.js';
import { commandPanel } from './melding-commands.js';

function triageBadge(triage: string) {
  return triage === 'crisis' ? h('span', { class: 'badge crisis' }, label(labels.triage, triage)) : h('span', { class: 'badge' }, label(labels.triage, triage));
}

function dueText(m: Melding): Child {
  if (m.deadlinePaused) return 'opgeschort';
  if (m.live?.deadlineMet) return 'gehaald';
  if (!m.dueAt) return '—';
  return [when(m.dueAt), ` (${formatRelative(m.dueAt)})`, m.overdue ? [' ', h('span', { class: 'badge late' }, 'Te laat')] : null];
}

function locationText(m: Melding): Child {
  const link = m.live?.link;
  if (link) return [`${link.locationName} (${link.locationId})`, ' · ', h('a', { href: `#/dossiers/${encodeURIComponent(link.dossierId ?? '')}` }, `dossier ${link.dossierId}`)];
  if (m.locationId) return [m.locationId, m.dossierId ? [' · ', h('a', { href: `#/dossiers/${encodeURIComponent(m.dossierId)}` }, `dossier ${m.dossierId}`)] : null];
  const hints = [m.organiserId && `organisator ${m.organiserId}`, m.addressText && `adres “${m.addressText}”`].filter(Boolean);
  return `Nog niet gekoppeld${hints.length ? `; opgegeven: ${hints.join(', ')}` : ''}`;
}

function factsSection(m: Melding) {
  const reasons = m.live?.triageReasons ?? [];
  const feedback = m.live?.feedback;
  return h('section', { 'aria-labelledby': 'gegevens-titel' },
    h('h2', { id: 'gegevens-titel' }, 'Gegevens'),
    facts([
      ['Ontvangen', when(m.receivedAt)],
      ['Bron', label(labels.source, m.source)],
      ['Kanaal', label(labels.channel, m.channel)],
      m.externalRef && ['Extern kenmerk', m.externalRef],
      ['Melder', m.anonymous ? 'Anoniem' : 'Liet contactgegevens na'],
      ['Locatie', locationText(m)],
      ['Omschrijving', h('p', { class: 'description' }, m.description)],
      ['Categorieën', (m.categories ?? []).length ? (m.categories ?? []).map((c) => label(labels.category, c)).join(', ') : '—'],
      ['Onmiddellijk gevaar', m.immediateDanger ? h('strong', {}, 'Ja') : 'Nee'],
      ['Triage', [triageBadge(m.triage), m.triageConfirmed ? ' bevestigd' : m.phase === 'afgesloten' ? ' voorgesteld (niet bevestigd)' : ' voorgesteld (nog te bevestigen)',
        m.triage !== m.triageProposed ? ` · voorstel was ${label(labels.triage, m.triageProposed)}` : null,
        reasons.length ? h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {}, r))) : null]],
      ['Fase', label(labels.phase, m.phase)],
      ['Behandelaar', personLabel(m.assigneeId)],
      ['Team', label(labels.team, m.teamId)],
      ['Uiterlijk', dueText(m)],
      ['Terugkoppeling', feedback ? [when(feedback.at), ` per ${label(labels.feedbackChannel, feedback.channel).toLowerCase()}`] : 'nog niet gegeven'],
      (m.followUps ?? []).length > 0 && ['Opvolgingen', h('ul', {}, (m.followUps ?? []).map((f) => h('li', {},
        label(labels.followUp, f.kind), f.forwardedTo ? ` naar ${f.forwardedTo}` : '', f.note ? `: ${f.note}` : '')))],
      m.closedAt && ['Afgesloten op', when(m.closedAt)],
      ['Geregistreerd door', personLabel(m.createdBy)],
    ]));
}

function deadlineSection(live: Live) {
  const d = live.deadline;
  if (!d) return h('section', { 'aria-labelledby': 'termijn-titel' }, h('h2', { id: 'termijn-titel' }, 'Termijn'), h('p', { class: 'muted' }, 'Nog geen termijn: de melding is nog niet gekoppeld.'));
  const unit = label(labels.budgetUnit, d.budget?.unit);
  const state = live.deadlineMet ? 'gehaald' : d.state === 'paused' ? 'opgeschort' : 'loopt';
  return h('section', { 'aria-labelledby': 'termijn-titel' },
    h('h2', { id: 'termijn-titel' }, 'Termijn'),
    facts([
      ['Soort', label(labels.deadlineKind, d.kind)],
      ['Duur', `${d.budget?.amount} ${unit}`],
      ['Loopt vanaf', when(d.anchor)],
      ['Toestand', state],
      ['Uiterlijk', live.dueAt ? [when(live.dueAt), ` (${formatRelative(live.dueAt)})`] : '—'],
      ['Verlengd', (d.extensionCap ?? 0) > 0 ? `${d.extensionTotal} van maximaal ${d.extensionCap} ${unit}` : 'verlengen is niet mogelijk'],
    ]),
    (d.changes ?? []).length === 0 ? h('p', { class: 'muted' }, 'Geen wijzigingen aan de termijn.') :
      h('ol', { class: 'log', 'aria-label': 'Wijzigingen aan de termijn' }, (d.changes ?? []).map((c) => h('li', {},
        when(c.at), ' ', h('strong', {}, label(labels.deadlineChange, c.type), c.type === 'extend' ? ` met ${c.amount} ${unit}` : ''),
        ` door ${personLabel(c.actor)}: ${c.reason}`, h('small', { class: 'muted' }, ` (grondslag: ${c.basis})`)))));
}

function escalationSection(live: Live) {
  const escalations = (live.history ?? []).filter((e) => e.action === 'melding.escalated');
  return h('section', { 'aria-labelledby': 'escalaties-titel' },
    h('h2', { id: 'escalaties-titel' }, 'Escalaties'),
    (live.firedRungs ?? []).length === 0 ? h('p', { class: 'muted' }, 'Geen escalaties.') :
      h('ol', { class: 'log' }, (live.firedRungs ?? []).map((key) => {
        const rungId = key.split(':').pop();
        const event = escalations.find((e) => e.detail?.includes(rungId ?? ''));
        return h('li', {}, event ? [when(event.at), ' '] : null, h('strong', {}, rungLabel(key)), event?.detail ? h('small', { class: 'muted' }, ` (${event.detail})`) : null);
      })));
}

function historySection(live: Live) {
  return h('section', { 'aria-labelledby': 'verloop-titel' },
    h('h2', { id: 'verloop-titel' }, 'Verloop'),
    h('ol', { class: 'log' }, (live.history ?? []).map((e) => {
      const name = label(labels.history, e.action);
      // The workflow's own line is Dutch already; do not say its first words twice.
      const rest = !e.detail ? '' : e.detail.startsWith(name) ? e.detail.slice(name.length) : `: ${e.detail}`;
      return h('li', {}, when(e.at), ' ', h('strong', {}, name), rest, h('small', { class: 'muted' }, ` door ${personLabel(e.actorId)}`));
    })));
}

function show(container: HTMLElement, m: Melding, flash?: string) {
  const onUpdated = (updated: Melding, message: string) => show(container, updated, message);
  const live = m.live;
  detailPage(container, {
    title: `Melding ${m.id}`,
    titleClass: 'melding-title',
    crisis: m.triage === 'crisis',
    badges: [triageBadge(m.triage), ' ', h('span', { class: 'badge phase' }, `Fase: ${label(labels.phase, m.phase)}`),
      m.overdue ? [' ', h('span', { class: 'badge late' }, 'Te laat')] : null],
    back: { href: '#/meldingen', text: 'Terug naar de lijst' },
    onRefresh: () => void renderMeldingDetail(container, m.id),
    flash,
    main: [
      factsSection(m),
      live ? [deadlineSection(live), escalationSection(live), historySection(live)] : liveUnavailable(),
      caseHistorySection('melding', m.id),
    ],
    side: commandPanel(m, session.me!, onUpdated),
  });
}

/** Loads the report and renders it; errors (e.g. an unknown id) show in its place. */
export async function renderMeldingDetail(container: HTMLElement, id: string): Promise<void> {
  try {
    const m = await get('/meldingen/{meldingId}', undefined, { meldingId: id });
    show(container, m);
  } catch (err) {
    detailError(container, { href: '#/meldingen', text: 'Terug naar de lijst' }, err);
  }
}
