import { meldingIdFor } from '../workflows/melding/client.js';
import { type DemoHttp, unexpected } from './http.js';
import type { DemoLocation, World } from './world.js';

/**
 * About 40 reports (meldingen) in every phase, through POST /meldingen and the report's commands:
 * fresh and overdue regular reports (received hours or days ago: `receivedAt` in the past, so the
 * 24-hour deadline has passed and its escalation rungs fire at once), crises on the crisis
 * coordinator on duty, a parket report, a reclassification, a paused and an extended deadline,
 * one waiting to be linked, reports being handled and closed ones with their follow-ups.
 */

type Phase = 'te_koppelen' | 'toegewezen' | 'in_behandeling' | 'afgesloten';
type Story = 'regular' | 'crisis' | 'parket' | 'anonymous';

export interface MeldingSpec {
  /** 1-based; the external reference is `<demoId>-MEL-<nn>`. */
  n: number;
  story: Story;
  target: Phase;
  /** Received this many hours before the demo runs. */
  hoursAgo: number;
  /** Registered without a location (free-text address); `link`: then linked by a case manager. */
  unlinked?: boolean;
  link?: boolean;
  confirmTriage?: boolean;
  reclassifyAsCrisis?: boolean;
  pause?: boolean;
  extend?: boolean;
  feedback?: 'email' | 'telefoon';
  followUps?: { kind: string; note?: string; forwardedTo?: string }[];
  /** The report closes with `handhaving_gestart` on this case's location (set by the plan). */
  onCaseLocation?: boolean;
}

const S = (story: Story, target: Phase, hoursAgo: number, extra: Partial<MeldingSpec> = {}): Omit<MeldingSpec, 'n'> => ({ story, target, hoursAgo, ...extra });
/** Plain regular reports in one phase, differing only in how many hours ago each was received. */
const regular = (target: Phase, hoursAgo: number[]) => hoursAgo.map((h) => S('regular', target, h));

/** The plan: 40 reports, numbered in this order; the spread is what the dashboard and the inboxes show. */
const plan: Omit<MeldingSpec, 'n'>[] = [
  // Assigned, not yet picked up: fresh, near their deadline (the reminder 4 hours before fired), overdue.
  ...regular('toegewezen', [1, 3, 6, 12, 21, 23, 27, 31, 52]),
  S('anonymous', 'toegewezen', 74),
  S('regular', 'toegewezen', 8, { pause: true }),
  S('regular', 'toegewezen', 16, { extend: true }),
  S('crisis', 'toegewezen', 0.15),
  S('crisis', 'toegewezen', 0.4, { confirmTriage: true }),
  S('regular', 'toegewezen', 2, { reclassifyAsCrisis: true }),
  S('parket', 'toegewezen', 0.7),
  S('regular', 'toegewezen', 5, { unlinked: true, link: true }),
  // Waiting to be linked: only a free-text address.
  S('regular', 'te_koppelen', 2, { unlinked: true }),
  // Being handled (picked up; two of them late).
  ...regular('in_behandeling', [4, 9, 14, 20, 30, 45]),
  S('anonymous', 'in_behandeling', 6),
  S('regular', 'in_behandeling', 18, { feedback: 'email' }),
  S('crisis', 'in_behandeling', 0.8, { confirmTriage: true }),
  S('crisis', 'in_behandeling', 3, { confirmTriage: true, feedback: 'telefoon' }),
  S('regular', 'in_behandeling', 26, { feedback: 'telefoon' }),
  // Closed, with their follow-ups.
  S('regular', 'afgesloten', 5, { feedback: 'email', followUps: [{ kind: 'toegevoegd_aan_dossier' }] }),
  S('regular', 'afgesloten', 8, { feedback: 'email', followUps: [{ kind: 'geen_gevolg', note: 'Geen tekortkoming vastgesteld na gesprek met de verantwoordelijke.' }] }),
  S('regular', 'afgesloten', 11, { feedback: 'telefoon', followUps: [{ kind: 'toegevoegd_aan_dossier' }] }),
  S('regular', 'afgesloten', 15, { feedback: 'email', followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'inspectie_gevraagd', note: 'Onaangekondigd bezoek gevraagd.' }] }),
  S('regular', 'afgesloten', 19, { feedback: 'email', followUps: [{ kind: 'handhaving_gestart', note: 'Herhaalde klachten over toezicht.' }], onCaseLocation: true }),
  S('regular', 'afgesloten', 34, { feedback: 'email', followUps: [{ kind: 'toegevoegd_aan_dossier' }] }),
  S('regular', 'afgesloten', 50, { feedback: 'telefoon', followUps: [{ kind: 'geen_gevolg' }] }),
  S('crisis', 'afgesloten', 6, { confirmTriage: true, feedback: 'telefoon', followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'doorgestuurd', forwardedTo: 'parket' }] }),
  S('crisis', 'afgesloten', 20, { confirmTriage: true, feedback: 'telefoon', followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'doorgestuurd', forwardedTo: 'VECK' }] }),
  S('anonymous', 'afgesloten', 10, { followUps: [{ kind: 'geen_gevolg' }] }),
  S('regular', 'afgesloten', 7, { unlinked: true, link: true, feedback: 'email', followUps: [{ kind: 'toegevoegd_aan_dossier' }] }),
];
export const meldingPlan: MeldingSpec[] = plan.map((spec, i) => ({ n: i + 1, ...spec }));

const regularStories = [
  { description: 'Ouders melden dat de verzorgers niet reageren op vragen en dat de leefruimte rommelig is.', categories: ['kwaliteit_pedagogisch', 'communicatie_ouders'], channel: 'webformulier' },
  { description: 'Er zijn al weken te weinig begeleiders aanwezig in de namiddag; groepen worden samengevoegd.', categories: ['personeel_bezetting'], channel: 'email' },
  { description: 'De koelkast met flesvoeding staat niet koud genoeg en etiketten ontbreken.', categories: ['hygiene_voeding'], channel: 'telefoon' },
  { description: 'De buitenspeelruimte heeft een kapotte omheining aan de straatkant.', categories: ['infrastructuur'], channel: 'webformulier' },
  { description: 'Facturen en opvangplan kloppen niet met de afgesproken opvangdagen.', categories: ['administratie', 'communicatie_ouders'], channel: 'email' },
  { description: 'De opvang is sinds maandag enkele dagen per week onaangekondigd gesloten.', categories: ['verminderde_dienstverlening'], channel: 'klaroen' },
  { description: 'Kinderen zitten lang voor een scherm en er is nauwelijks aanbod van spel.', categories: ['kwaliteit_pedagogisch'], channel: 'webformulier' },
  { description: 'Een ouder meldt dat een begeleider roept naar de kinderen tijdens het eten.', categories: ['kwaliteit_pedagogisch', 'andere'], channel: 'telefoon' },
] as const;
const crisisStories = [
  { description: 'Een kind werd vastgebonden in een stoel tijdens het middagdutje.', categories: ['vastbinden'], channel: 'telefoon' },
  { description: 'Een peuter liep een hoofdwonde op en de ouders werden pas uren later verwittigd.', categories: ['verwonding'], channel: 'telefoon' },
  { description: 'Tijdens de middag bleef een groep van twaalf kinderen een half uur zonder toezicht.', categories: ['onveilige_situatie'], channel: 'email' },
  { description: 'Signalen van verwaarlozing: een baby kreeg een hele dag geen verse luier en geen fles.', categories: ['verwaarlozing'], channel: 'telefoon' },
] as const;
const reporters = [
  { name: 'Sam Janssens', email: 'sam.janssens@voorbeeld.test' },
  { name: 'Noor Peeters', email: 'noor.peeters@voorbeeld.test' },
  { name: 'Lars Claes', email: 'lars.claes@voorbeeld.test' },
  { name: 'Ines Wouters', email: 'ines.wouters@voorbeeld.test' },
  { name: 'Tom Jacobs', email: 'tom.jacobs@voorbeeld.test' },
] as const;
const streets = ['Kerkstraat 12', 'Stationsstraat 4', 'Dorpsplein 7', 'Molenstraat 31', 'Schoolstraat 9'] as const;

interface MeldingView {
  id: string;
  phase: Phase;
  triage: string;
  triageConfirmed: boolean;
  assigneeId: string | null;
  overdue: boolean;
  deadlinePaused: boolean;
  locationId: string | null;
  live: { deadline: { changes: { type: string }[] } | null; feedback: unknown } | null;
}

export function meldingRef(demoId: string, n: number) {
  return `${demoId}-MEL-${String(n).padStart(2, '0')}`;
}

export interface MeldingContext {
  http: DemoHttp;
  world: World;
  demoId: string;
  now: number;
  log: (line: string) => void;
}

/** The body of the intake, for the spec and its location. */
function intakeOf(spec: MeldingSpec, location: DemoLocation, ctx: MeldingContext) {
  const receivedAt = new Date(ctx.now - spec.hoursAgo * 3_600_000).toISOString();
  const common = { externalRef: meldingRef(ctx.demoId, spec.n), receivedAt };
  const where = spec.unlinked
    ? { addressText: `${streets[spec.n % streets.length]}, ${location.municipality}` }
    : { locationId: location.id };
  if (spec.story === 'crisis') {
    const story = crisisStories[spec.n % crisisStories.length]!;
    return { ...common, source: spec.n % 2 ? 'voorziening' : 'derde', channel: story.channel, location: where, description: story.description, categories: [...story.categories], immediateDanger: true,
      ...(spec.n % 2 ? {} : { reporter: reporters[spec.n % reporters.length] }) };
  }
  if (spec.story === 'parket') {
    return { ...common, source: 'parket', channel: 'brief', location: where, description: 'Het parket meldt een strafonderzoek naar een kinderbegeleider van deze locatie.', categories: ['strafonderzoek', 'personeel_bezetting'] };
  }
  const story = regularStories[spec.n % regularStories.length]!;
  return {
    ...common,
    source: spec.n % 5 === 0 ? 'klantenbeheerder' : 'derde',
    channel: story.channel,
    location: where,
    description: story.description,
    categories: [...story.categories],
    ...(spec.story === 'anonymous' ? {} : { reporter: reporters[spec.n % reporters.length] }),
  };
}

/** Brings one report to its planned phase; whatever is already done is not done again. */
export async function driveMelding(spec: MeldingSpec, location: DemoLocation, ctx: MeldingContext): Promise<MeldingView> {
  const { http } = ctx;
  const ref = meldingRef(ctx.demoId, spec.n);
  const id = meldingIdFor({ externalRef: ref });
  const intakeUser = location.caseManagerId;
  const key = (what: string) => `${ref}:${what}`;

  const found = await http.get<MeldingView>(`/meldingen/${id}`, intakeUser);
  let m: MeldingView;
  if (found.status === 404) {
    const created = await http.post<MeldingView>('/meldingen', intakeUser, intakeOf(spec, location, ctx), { idempotent: true });
    if (created.status !== 201 && created.status !== 200) throw unexpected(`intake ${ref}`, created);
    m = created.body;
  } else if (found.status === 200) {
    m = found.body;
  } else {
    throw unexpected(`GET melding ${ref}`, found);
  }
  if (m.phase === 'afgesloten') return m;

  const command = async (path: string, as: string, body: unknown) => {
    const res = await http.post<MeldingView>(`/meldingen/${id}/${path}`, as, body, { key: key(path.replace('/', '-')) });
    if (res.status !== 200) throw unexpected(`${path} ${ref}`, res);
    return res.body;
  };
  const changes = () => m.live?.deadline?.changes.map((c) => c.type) ?? [];
  const coordinator = ctx.world.coordinatorOf(location.teamId);

  if (spec.link && m.phase === 'te_koppelen') m = await command('link', location.caseManagerId, { locationId: location.id });
  if (spec.target === 'te_koppelen') return m;

  if (spec.reclassifyAsCrisis && m.triage !== 'crisis') {
    m = await command('triage', location.caseManagerId, { triage: 'crisis', reason: 'Bij navraag bleek een kind gewond aan het hoofd.' });
  }
  if (spec.confirmTriage && !m.triageConfirmed && m.phase === 'toegewezen') {
    m = await command('triage', m.assigneeId ?? ctx.world.crisisCoordinators[0]!, { triage: 'crisis', reason: 'Bevestigd na telefonisch contact met de voorziening.' });
  }
  if (spec.pause && m.phase === 'toegewezen' && !m.deadlinePaused && !changes().includes('pause')) {
    m = await command('deadline/pause', m.assigneeId ?? coordinator, { reason: 'Wachten op bijkomende informatie van de melder.', basis: 'Dienstafspraak opvolging meldingen' });
  }
  if (spec.extend && m.phase === 'toegewezen' && !changes().includes('extend')) {
    m = await command('deadline/extend', coordinator, { hours: 12, reason: 'Complexe melding: meerdere betrokken ouders te horen.', basis: 'Beslissing teamcoördinator' });
  }
  if (spec.target === 'toegewezen') return m;

  const handler = () => m.assigneeId ?? location.caseManagerId;
  if (m.phase === 'toegewezen') {
    m = await command('acknowledge', handler(), { note: spec.story === 'crisis' ? 'Voorziening gebeld; maatregelen afgesproken.' : 'Opgenomen; organisator wordt gecontacteerd.' });
  }
  if (spec.feedback && !m.live?.feedback) {
    m = await command('feedback', handler(), {
      channel: spec.feedback,
      message: spec.feedback === 'email' ? 'Bedankt voor uw melding. We hebben de voorziening gecontacteerd en volgen dit verder op.' : 'Melder teruggebeld over de genomen stappen.',
    });
  }
  if (spec.target === 'in_behandeling') return m;

  if (m.phase === 'in_behandeling') {
    m = await command('close', handler(), {
      followUps: spec.followUps ?? [{ kind: 'toegevoegd_aan_dossier' }],
      ...(spec.feedback ? {} : { noFeedbackReason: 'Anonieme melding: geen contactgegevens.' }),
    });
  }
  return m;
}
