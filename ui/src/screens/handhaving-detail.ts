// One enforcement case (GET /handhaving/{id}): the location, its milestones and steps, the current
// step's block, what it waits for, its deadlines, communications and history; beside it the
// commands that fit the current step and the user's role.
import { caseHistorySection } from '../components/case-history.js';
import { detailError, detailPage, facts, liveUnavailable, when } from '../components/details.js';
import { get, type Schema } from '../lib/api.js';
import { session } from '../lib/session.js';
import { personLabel } from '../lib/people.js';
import { type Child } from '../lib/dom.js';

export type Case = Schema<'/handhaving/{caseId}'>;
type Live = NonNullable<Case['live']>;
type Current = NonNullable<Live['current']>;
type Step = NonNullable<Live['steps']>[number];

/** What the current step keeps (workflows/enforcement): the fields the UI reads. */
export interface StepData {
  shortcomings?: string[];
  remedyBy?: string;
  remedyTermPassed?: boolean;
  talk?: unknown;
  sentAt?: string | null;
  mentesContactAt?: string | null;
  decision?: string;
  draft?: { decision?: string; version?: number } | null;
  reviews?: unknown[];
  approved?: boolean;
  oralNotice?: unknown;
  hearingUntil?: string;
  objection?: { recorded?: boolean; outcome?: unknown } | null;
  suspensionEnd?: { action?: string } | null;
}

export const stepData = (cur: Current | null | undefined): StepData => (cur?.data ?? {}) as StepData;
import { h } from '../lib/dom.js';
import { formatRelative, label, labels } from '../lib/format.js';
import { handhavingCommandPanel } from './handhaving-commands.js';

const section = (id: string, title: string, ...children: Child[]) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);

function factsSection(c: Case) {
  const l = c.live?.location;
  return section('hh-gegevens-titel', 'Gegevens', facts([
    ['Locatie', [l ? `${l.locationName} (${c.locationId})` : c.locationId, ' · ',
      h('a', { href: `#/dossiers/${encodeURIComponent(c.dossierId ?? '')}` }, `dossier ${c.dossierId}`)]],
    l && ['Organisator', `${l.organiserName} (${l.organiserId})`],
    ['Gemeente', c.municipality ?? '—'],
    ['Team', label(labels.team, c.teamId)],
    ['Klantenbeheerder', personLabel(c.caseManagerId, { fallback: 'niet toegewezen' })],
    ['Status', label(labels.caseStatus, c.status)],
    ['Dringend', c.urgent ? h('span', { class: 'badge crisis' }, 'Dringend') : 'nee'],
    ['Stap', c.step ? label(labels.step, c.step) : '—'],
    ['Blok', label(labels.block, c.block)],
    ['Wacht op', c.waitingFor ?? '—'],
    ['Uiterlijk', c.dueAt && c.status !== 'closed' ? [when(c.dueAt), ` (${formatRelative(c.dueAt)})`] : '—'],
    ['Geopend op', when(c.openedAt)],
    c.closedAt && ['Gesloten op', when(c.closedAt)],
    c.closedReason && ['Reden van sluiten', c.closedReason],
  ]));
}

function milestonesSection(live: Live) {
  return section('hh-mijlpalen-titel', 'Mijlpalen',
    (live.milestones ?? []).length === 0 ? h('p', { class: 'muted' }, 'Geen mijlpalen.') :
      h('ol', { class: 'log' }, (live.milestones ?? []).map((m) => h('li', {}, when(m.at), ' ', h('strong', {}, label(labels.milestoneKind, m.kind)),
        m.reference ? ` (${m.reference.type} ${m.reference.id})` : '', m.note ? `: ${m.note}` : '',
        m.actorId ? h('small', { class: 'muted' }, ` door ${personLabel(m.actorId)}`) : null))));
}

function outcomeText(outcome: Step['outcome']): Child {
  const o = outcome as { result?: string; decision?: string; reason?: string } | null | undefined;
  if (!o) return h('span', { class: 'muted' }, 'loopt');
  const decision = o.decision ? ` (${label(labels.decisionKind, o.decision).toLowerCase()})` : '';
  return [h('strong', {}, label(labels.outcome, o.result)), decision, o.reason ? `: ${o.reason}` : ''];
}

function stepsSection(live: Live) {
  return section('hh-stappen-titel', 'Stappen',
    (live.steps ?? []).length === 0 ? h('p', { class: 'muted' }, 'Nog geen stappen.') :
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Stap', 'Gestart', 'Beëindigd', 'Uitkomst'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, (live.steps ?? []).map((s) => h('tr', {},
          h('td', {}, label(labels.step, s.flow)), h('td', {}, when(s.startedAt)), h('td', {}, s.endedAt ? when(s.endedAt) : '—'), h('td', {}, outcomeText(s.outcome))))))));
}

function currentSection(cur: Current) {
  const data = stepData(cur);
  return section('hh-huidig-titel', 'Huidige stap',
    facts([
      ['Stap', label(labels.step, cur.flow)],
      ['Blok', h('span', { class: 'block-now' }, label(labels.block, cur.block))],
      ['Wacht op', cur.waitingFor ?? '—'],
      Array.isArray(data.shortcomings) && ['Tekortkomingen', h('ul', { class: 'reasons' }, data.shortcomings.map((s) => h('li', {}, s)))],
      data.remedyBy && ['Herstellen tegen', data.remedyBy],
      data.draft?.decision && ['Ontwerp', `${label(labels.decisionKind, data.draft.decision)} (versie ${data.draft.version ?? 1})`],
      data.hearingUntil && ['Hoorrecht tot', when(data.hearingUntil)],
    ]),
    h('h3', {}, 'Termijnen'),
    (cur.deadlines ?? []).length === 0 ? h('p', { class: 'muted' }, 'Geen lopende termijnen.') :
      h('ul', { class: 'log', 'aria-label': 'Termijnen' }, (cur.deadlines ?? []).map((d) => h('li', {}, h('strong', {}, d.label), ': ', when(d.dueAt), ` (${formatRelative(d.dueAt)})`))));
}

function communicationsSection(cur: Current) {
  return section('hh-communicatie-titel', 'Communicatie',
    (cur.communications ?? []).length === 0 ? h('p', { class: 'muted' }, 'Nog geen communicatie in deze stap.') :
      h('div', { class: 'table-wrap' }, h('table', { class: 'communications' },
        h('thead', {}, h('tr', {}, ['Ontvanger', 'Wat', 'Kanaal', 'Status', 'Tijdstip'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, (cur.communications ?? []).map((m) => h('tr', {},
          h('td', {}, label(labels.recipient, m.recipient)), h('td', {}, m.kind), h('td', {}, label(labels.commChannel, m.channel)),
          h('td', {}, label(labels.commStatus, m.status)), h('td', {}, when(m.at))))))));
}

function historySection(cur: Current) {
  return section('hh-verloop-titel', 'Verloop',
    h('ol', { class: 'log' }, (cur.history ?? []).map((e) => h('li', {}, when(e.at), ' ', h('strong', {}, e.detail ?? e.action), h('small', { class: 'muted' }, ` door ${personLabel(e.actorId)}`)))));
}

/** While the system itself moves the step on (sending letters, starting the next step), look again shortly. */
function systemBusy(c: Case): boolean {
  if (c.status !== 'open') return false;
  const cur = c.live?.current;
  if (!cur) return true;
  if (cur.block === 'communicatie' || cur.block === 'afgerond') return true;
  return cur.flow === 'aanmaning' && Boolean(stepData(cur).talk) && !stepData(cur).sentAt;
}

/** Whether the user is in one of the view's forms: then it is not redrawn under their hands. */
function typing(container: HTMLElement): boolean {
  const form = document.activeElement?.closest?.('form');
  return Boolean(form && container.contains(form));
}

function show(container: HTMLElement, c: Case, flash?: string, polls = 0) {
  const onUpdated = (updated: Case, message: string) => {
    show(container, updated, message);
    // The answer holds the step right after the command; what the system does next follows.
    setTimeout(() => {
      if (container.isConnected && !typing(container)) void renderHandhavingDetail(container, c.id, message, 1);
    }, 1_500);
  };
  const live = c.live;
  const cur = live?.current;
  detailPage(container, {
    title: `Handhaving ${c.id}`,
    titleClass: 'handhaving-title',
    crisis: c.urgent,
    badges: [
      h('span', { class: 'badge phase' }, `Status: ${label(labels.caseStatus, c.status)}`), ' ',
      c.step ? h('span', { class: 'badge' }, `Stap: ${label(labels.step, c.step)}`) : null, ' ',
      h('span', { class: 'badge' }, `Blok: ${label(labels.block, c.block)}`),
      c.urgent ? [' ', h('span', { class: 'badge crisis' }, 'Dringend')] : null,
    ],
    back: { href: '#/handhaving', text: 'Terug naar de lijst' },
    onRefresh: () => void renderHandhavingDetail(container, c.id),
    flash,
    main: [
      factsSection(c),
      live ? [
        milestonesSection(live),
        stepsSection(live),
        cur ? [currentSection(cur), communicationsSection(cur), historySection(cur)] : null,
      ] : liveUnavailable(),
      caseHistorySection('handhaving', c.id),
    ],
    side: handhavingCommandPanel(c, session.me!, onUpdated),
  }, Boolean(flash) && polls === 0);
  if (systemBusy(c) && polls < 20) {
    setTimeout(() => {
      if (container.isConnected && !typing(container)) {
        void renderHandhavingDetail(container, c.id, flash, polls + 1);
      }
    }, 1_000);
  }
}

/** Loads the case and renders it; errors (e.g. an unknown id) show in its place. */
export async function renderHandhavingDetail(container: HTMLElement, id: string, flash?: string, polls = 0): Promise<void> {
  try {
    const c = await get('/handhaving/{caseId}', undefined, { caseId: id });
    if (!container.isConnected && polls > 0) return;
    show(container, c, flash, polls);
  } catch (err) {
    detailError(container, { href: '#/handhaving', text: 'Terug naar de lijst' }, err);
  }
}
