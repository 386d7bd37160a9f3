import { addDays, localDateOf } from '../workflows/clock/brussels-time.js';
import { type DemoHttp, unexpected, until } from './http.js';
import type { DemoLocation, World } from './world.js';

/**
 * About a dozen enforcement cases, each at its own step, through POST /handhaving and the step
 * commands (docs/enforcement.md), with the real terms: the aanmaning is left before its remedy
 * term by an early escalation with a reason, the voornemen after the hearing report, so nothing
 * waits for a term to pass.
 */

type Action =
  | 'shortcomings' | 'talk' | 'mentes' | 'escalate' | 'remedied'
  | 'draft' | 'reject' | 'approve' | 'hearing-requested' | 'hearing-planned' | 'hearing-report' | 'conclude'
  | 'decision' | 'approve-decision' | 'oral-notice' | 'objection';

export interface CaseSpec {
  n: number;
  /** What the case shows when the demo is done (for the log and the docs). */
  label: string;
  urgent?: boolean;
  milestone: { kind: string; note: string; reference?: { type: string; id: string } };
  actions: Action[];
}

const toAanmaning: Action[] = ['shortcomings', 'talk'];
const toVoornemen: Action[] = [...toAanmaning, 'escalate'];
const toBeslissing: Action[] = [...toVoornemen, 'draft', 'approve', 'hearing-requested', 'hearing-report', 'conclude'];

export const casePlan: CaseSpec[] = [
  { n: 1, label: 'aanmaning: tekortkomingen vastleggen', milestone: { kind: 'advies_handhaving', note: 'Advies tot handhaving na inspectie.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1101' } }, actions: [] },
  { n: 2, label: 'aanmaning: gesprek met de organisator', milestone: { kind: 'rechtstreeks', note: 'Herhaalde tekortkomingen in de registratie.' }, actions: ['shortcomings'] },
  { n: 3, label: 'aanmaning verstuurd: hersteltermijn loopt', milestone: { kind: 'inspectieverslag', note: 'Inspectieverslag met tekortkomingen.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1102' } }, actions: toAanmaning },
  { n: 4, label: 'aanmaning verstuurd: Mentes nam contact op', milestone: { kind: 'risicoscreening', note: 'Risicoscreening: verder onderzoek wees tekortkomingen uit.' }, actions: [...toAanmaning, 'mentes'] },
  { n: 5, label: 'voornemen: wacht op juridisch nazicht', milestone: { kind: 'advies_handhaving', note: 'Advies tot handhaving: structureel te weinig begeleiders.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1103' } }, actions: [...toVoornemen, 'draft'] },
  { n: 6, label: 'voornemen: ontwerp teruggestuurd door de jurist', milestone: { kind: 'rechtstreeks', note: 'Organisator weigert schriftelijk te herstellen.' }, actions: [...toVoornemen, 'draft', 'reject'] },
  { n: 7, label: 'voornemen verstuurd: hoortermijn loopt (hoorzitting gepland)', milestone: { kind: 'advies_handhaving', note: 'Advies tot handhaving na herinspectie.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1104' } }, actions: [...toVoornemen, 'draft', 'approve', 'hearing-requested', 'hearing-planned'] },
  { n: 8, label: 'beslissing: wacht op juridisch nazicht', milestone: { kind: 'inspectieverslag', note: 'Inspectie: brandveiligheid niet in orde.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1105' } }, actions: [...toBeslissing, 'decision'] },
  { n: 9, label: 'beslissing goedgekeurd: organisator mondeling inlichten', milestone: { kind: 'rechtstreeks', note: 'Tekortkomingen blijven na aanmaning en voornemen.' }, actions: [...toBeslissing, 'decision', 'approve-decision'] },
  { n: 10, label: 'schorsing meegedeeld; bezwaar loopt (beslissing geschorst)', milestone: { kind: 'advies_handhaving', note: 'Advies tot handhaving: onvoldoende toezicht.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1106' } }, actions: [...toBeslissing, 'decision', 'approve-decision', 'oral-notice', 'objection'] },
  { n: 11, label: 'schorsing van kracht: einde schorsing opvolgen', milestone: { kind: 'inspectieverslag', note: 'Herinspectie: tekortkomingen niet hersteld.', reference: { type: 'inspectieverslag', id: 'ZI-2026-1107' } }, actions: [...toBeslissing, 'decision', 'approve-decision', 'oral-notice'] },
  { n: 12, label: 'dringende beslissing: wacht op juridisch nazicht', urgent: true, milestone: { kind: 'integriteitsrisico', note: 'Kind gewond door onvoldoende toezicht: integriteitsrisico.' }, actions: ['decision'] },
  { n: 13, label: 'dringende schorsing van kracht; bezwaar loopt', urgent: true, milestone: { kind: 'integriteitsrisico', note: 'Vastgebonden kind: onmiddellijk gevaar.' }, actions: ['decision', 'approve-decision', 'objection'] },
  { n: 14, label: 'gesloten: hersteld na aanmaning', milestone: { kind: 'rechtstreeks', note: 'Kleine tekortkomingen in de infrastructuur.' }, actions: [...toAanmaning, 'remedied'] },
];

/** What the flows keep in `live.current.data` (workflows/enforcement/*.ts), as far as the demo reads it. */
interface FlowData {
  shortcomings?: string[];
  talk?: unknown;
  sentAt?: string;
  mentesContactAt?: string;
  draft?: { version: number };
  reviews?: { approve: boolean }[];
  approved?: boolean;
  hearing?: { action: string }[];
  oralNotice?: unknown;
  objection?: unknown;
}
interface FlowView {
  flow: string;
  workflowId: string;
  block: string;
  data: FlowData;
}
interface CaseView {
  id: string;
  status: 'open' | 'closed';
  step: string | null;
  block: string;
  live: {
    status: 'open' | 'closed';
    steps: { flow: string; outcome: unknown }[];
    current: FlowView | null;
  } | null;
}

export interface CaseContext {
  http: DemoHttp;
  world: World;
  demoId: string;
  log: (line: string) => void;
}

const inDays = (n: number) => addDays(localDateOf(Date.now()), n);
const nowIso = () => new Date().toISOString();

/** The step an action belongs to. */
function flowOf(action: Action, urgent: boolean): string {
  if (['shortcomings', 'talk', 'mentes', 'escalate', 'remedied'].includes(action)) return 'aanmaning';
  if (['draft', 'reject', 'approve', 'hearing-requested', 'hearing-planned', 'hearing-report', 'conclude'].includes(action)) return 'voornemen';
  return urgent ? 'dringende_beslissing' : 'beslissing';
}

/** Whether the action was done already (in the current step, or the step it belongs to has ended). */
function isDone(action: Action, c: CaseView, urgent: boolean): boolean {
  const live = c.live;
  if (!live) return c.status === 'closed';
  const flow = flowOf(action, urgent);
  if (live.steps.some((s) => s.flow === flow && s.outcome)) return true;
  const d = live.current?.flow === flow ? live.current.data : undefined;
  if (!d) return false;
  const hearing = (what: string) => (d.hearing ?? []).some((h) => h.action === what);
  switch (action) {
    case 'shortcomings': return Boolean(d.shortcomings);
    case 'talk': return Boolean(d.talk);
    case 'mentes': return Boolean(d.mentesContactAt);
    case 'escalate': case 'remedied': case 'conclude': return false; // done when the step has ended
    case 'draft': case 'decision': return Boolean(d.draft);
    case 'reject': return (d.reviews ?? []).some((r) => !r.approve);
    case 'approve': case 'approve-decision': return d.approved === true;
    case 'hearing-requested': return hearing('requested');
    case 'hearing-planned': return hearing('planned');
    case 'hearing-report': return hearing('report');
    case 'oral-notice': return Boolean(d.oralNotice);
    case 'objection': return Boolean(d.objection);
  }
}

/** After the plan's last action: nothing of it is still under way (letters going out, a step starting). */
function isSettled(spec: CaseSpec, c: CaseView): boolean {
  if (c.status === 'closed') return true;
  const cur = c.live?.current;
  if (!cur) return false;
  const last = spec.actions.at(-1);
  const sends = last === 'talk' || last === 'approve' || last === 'oral-notice' || (last === 'approve-decision' && spec.urgent);
  if (sends) return Boolean(cur.data.sentAt) && cur.block === 'opvolging';
  if (last === 'escalate' || last === 'conclude') return cur.flow !== flowOf(last, Boolean(spec.urgent));
  return cur.block !== 'communicatie' || last === 'approve-decision';
}

/** Whether the step is where the action can be given now. */
function isReady(action: Action, c: CaseView, urgent: boolean): boolean {
  const cur = c.live?.current;
  if (!cur || cur.flow !== flowOf(action, urgent)) return false;
  const d = cur.data;
  switch (action) {
    case 'shortcomings': return !d.shortcomings;
    case 'talk': return Boolean(d.shortcomings);
    case 'mentes': case 'escalate': case 'remedied': return Boolean(d.sentAt);
    case 'draft': case 'decision': return !d.draft;
    case 'reject': case 'approve': case 'approve-decision': return Boolean(d.draft) && (d.reviews ?? []).length < (d.draft?.version ?? 0);
    case 'hearing-requested': return Boolean(d.sentAt);
    case 'hearing-planned': case 'hearing-report': return Boolean(d.sentAt) && (d.hearing ?? []).some((h) => h.action === 'requested');
    case 'conclude': return (d.hearing ?? []).some((h) => h.action === 'report');
    case 'oral-notice': return d.approved === true;
    case 'objection': return Boolean(d.sentAt);
  }
}

function commandOf(action: Action, spec: CaseSpec, location: DemoLocation, ctx: CaseContext): { path: string; as: string; body: unknown } {
  const kb = location.caseManagerId;
  const jurist = ctx.world.jurists[spec.n % Math.max(1, ctx.world.jurists.length)] ?? ctx.world.jurists[0]!;
  const decision = 'schorsing';
  switch (action) {
    case 'shortcomings':
      return { path: 'shortcomings', as: kb, body: { shortcomings: ['Te weinig begeleiders voor het aantal aanwezige kinderen', 'Geen brandoefening in het voorbije jaar', 'Aanwezigheidsregistratie onvolledig'], remedyBy: inDays(14 + spec.n) } };
    case 'talk':
      return { path: 'talk', as: kb, body: { at: nowIso(), summary: 'Gesprek met de verantwoordelijke over de tekortkomingen en de hersteltermijn.' } };
    case 'mentes':
      return { path: 'mentes-contact', as: ctx.world.coordinatorOf(location.teamId), body: { at: nowIso() } };
    case 'escalate':
      return { path: 'remedy-outcome', as: kb, body: { remedied: false, evidence: 'Brief van de organisator: de tekortkomingen worden niet hersteld.', earlyEscalation: { reason: 'De organisator weigert schriftelijk om de tekortkomingen te herstellen.' } } };
    case 'remedied':
      return { path: 'remedy-outcome', as: kb, body: { remedied: true, evidence: 'Herinspectie: de tekortkomingen zijn hersteld.' } };
    case 'draft':
      return { path: 'draft', as: kb, body: { decision, text: 'Ondanks de aanmaning zijn de tekortkomingen niet hersteld; het agentschap is voornemens de vergunning te schorsen.' } };
    case 'reject':
      return { path: 'review', as: jurist, body: { approve: false, remarks: 'De motivering verwijst niet naar de vastgestelde feiten; graag aanvullen.' } };
    case 'approve':
      return { path: 'review', as: jurist, body: { approve: true, remarks: 'Juridisch in orde.' } };
    case 'hearing-requested':
      return { path: 'hearing', as: kb, body: { action: 'requested', at: nowIso(), note: 'De organisator vraagt gehoord te worden.' } };
    case 'hearing-planned':
      return { path: 'hearing', as: kb, body: { action: 'planned', at: new Date(Date.now() + 5 * 86_400_000).toISOString(), note: 'Hoorzitting gepland op het regiokantoor.' } };
    case 'hearing-report':
      return { path: 'hearing', as: kb, body: { action: 'report', at: nowIso(), note: 'Verslag: de organisator erkent de tekortkomingen maar heeft geen herstelplan.' } };
    case 'conclude':
      return { path: 'conclude-hearing', as: kb, body: { proceed: true, reason: 'De hoorzitting bevestigt de tekortkomingen.' } };
    case 'decision':
      return { path: 'decision', as: kb, body: {
        decision,
        motivation: 'Interne motivering: de tekortkomingen in toezicht en veiligheid blijven bestaan na aanmaning en hoorzitting.',
        publicMotivation: 'De veiligheid van de kinderen is niet gewaarborgd: er is onvoldoende toezicht.',
        date: inDays(spec.urgent ? 30 : 21 + spec.n),
        integrityHarmed: Boolean(spec.urgent),
      } };
    case 'approve-decision':
      return { path: 'review', as: jurist, body: { approve: true, remarks: 'Akkoord met de beslissing.' } };
    case 'oral-notice':
      return { path: 'oral-notice', as: kb, body: { at: nowIso(), note: 'Organisator telefonisch verwittigd van de beslissing.' } };
    case 'objection':
      return { path: 'objection', as: kb, body: { action: 'received', note: 'Bezwaarschrift van de organisator ontvangen.' } };
  }
}

/** Brings one case to its planned step; a location that has a case already is continued or left alone. */
export async function driveCase(spec: CaseSpec, location: DemoLocation, ctx: CaseContext): Promise<CaseView | undefined> {
  const { http } = ctx;
  const kb = location.caseManagerId;
  const ref = `${ctx.demoId}-HH-${String(spec.n).padStart(2, '0')}`;
  const existing = await http.get<{ items: CaseView[] }>(`/handhaving?locationId=${location.id}&limit=20`, kb);
  if (existing.status !== 200) throw unexpected(`cases of ${location.id}`, existing);
  const open = existing.body.items.find((c) => c.status === 'open');
  let caseId: string;
  if (open) caseId = open.id;
  else if (existing.body.items.length > 0) return undefined; // its case ran to its end: nothing to add
  else {
    const started = await http.post<CaseView>('/handhaving', kb, {
      locationId: location.id,
      urgent: Boolean(spec.urgent),
      milestone: { kind: spec.milestone.kind, note: spec.milestone.note, reference: spec.milestone.reference ?? { type: 'demo', id: ref } },
    }, { idempotent: !spec.urgent });
    if (started.status !== 201 && started.status !== 200) throw unexpected(`open case ${ref}`, started);
    caseId = started.body.id;
  }
  const get = async () => {
    const res = await http.get<CaseView>(`/handhaving/${caseId}`, kb);
    if (res.status !== 200) throw unexpected(`case ${caseId}`, res);
    return res.body;
  };
  let c = await get();
  for (const action of spec.actions) {
    for (let sent = false; ;) {
      if (c.status === 'closed' || isDone(action, c, Boolean(spec.urgent))) break;
      if (!sent && isReady(action, c, Boolean(spec.urgent))) {
        const cmd = commandOf(action, spec, location, ctx);
        const res = await http.post<CaseView>(`/handhaving/${caseId}/${cmd.path}`, cmd.as, cmd.body, { key: `${ref}:${action}` });
        if (res.status !== 200) throw unexpected(`${cmd.path} on case ${caseId} (${ref})`, res);
        sent = true;
        c = res.body;
        continue;
      }
      // The step is busy (sending letters) or the next step has not reported in yet.
      const waited = await until(http, get, (v) => v.status === 'closed' || isDone(action, v, Boolean(spec.urgent)) || (!sent && isReady(action, v, Boolean(spec.urgent))), 45_000, 600);
      if (!waited.ok) throw new Error(`case ${caseId} (${ref}): ${action} not possible within 45 s (step ${waited.value.live?.current?.flow}/${waited.value.live?.current?.block})`);
      c = waited.value;
    }
  }
  // Let the last command's effects land: the letters it sends are sent, the step it ends has a successor.
  const settled = await until(http, get, (v) => isSettled(spec, v), 20_000, 600);
  return settled.value;
}
