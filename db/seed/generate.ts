import type { Insertable } from 'kysely';
import type { CrisisRosterTable } from '../tables/meldingen.js';
import { buildCrisisRoster } from './roster.js';
import type {
  LicenceStatus,
  LocationKind,
  NewDossier,
  NewLocation,
  NewOrganiser,
  NewUser,
  Role,
  TeamTable,
} from '../tables/reference.js';
import type { NewTimelineEntry } from '../tables/timeline.js';
import { type Municipality, type Province, municipalities, provinceSlug, provinces } from './municipalities.js';
import {
  chainBrands,
  childcareNames,
  femaleFirstNames,
  groupCareKinds,
  lastNames,
  legalForms,
  maleFirstNames,
  regionNames,
  streetNames,
} from './names.js';
import { Random, weightedSampler } from './random.js';

// The synthetic Flanders: structure (teams, staff, organisers, locations, dossiers) and three
// years of history driven by a hidden risk per location. docs/synthetic-data.md describes the
// model precisely; the constants below are its parameters.

export const DEFAULT_SEED = 20261122;
/** The default reference date (SEED_REFERENCE_DATE): the history ends at its start, 00:00 UTC. */
export const DEFAULT_REFERENCE_DATE = '2026-11-01';
/** The moment a reference date 'YYYY-MM-DD' stands for: the start of that day, UTC. */
export const referenceMoment = (date: string): Date => new Date(`${date}T00:00:00Z`);
export const DEFAULT_NOW = referenceMoment(DEFAULT_REFERENCE_DATE);
export const HISTORY_MONTHS = 36;

export const timelineKinds = [
  'melding',
  'crisismelding',
  'inspectie',
  'advies_handhaving',
  'aanmaning',
  'voornemen',
  'schorsing',
  'opheffing',
  'bezwaar',
] as const;
export type SeedTimelineKind = (typeof timelineKinds)[number];
export const enforcementKinds = ['aanmaning', 'voornemen', 'schorsing', 'opheffing'] as const;

export interface GenerateOptions {
  seed?: number;
  /** 1 ≈ today's Flanders (≈6,300 locations); tests use smaller scales. */
  scale?: number;
  /** The end of the history (SEED_REFERENCE_DATE); never read from the clock, so a given seed always gives the same data. */
  now?: Date;
  /**
   * The crisis roster reaches from 8 weeks before the earlier of `now` and this moment to three
   * years after the later (default: `now`). Entries pass the real clock here, so a system seeded
   * with an old reference date still has someone on duty; it never changes who is on duty in a week.
   */
  rosterAround?: Date;
}

export interface FlandersData {
  teams: Insertable<TeamTable>[];
  users: NewUser[];
  organisers: NewOrganiser[];
  locations: NewLocation[];
  dossiers: NewDossier[];
  timeline: NewTimelineEntry[];
  crisisRoster: Insertable<CrisisRosterTable>[];
}

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Teams and staff: the same for every seed, so the dev users' ids and names can be documented.

export const CENTRAL_TEAM_ID = 'team-centraal';
export const MODULAR_USER_ID = 'u-modular';
export const KLANTENBEHEERDERS_PER_TEAM = 8;

export function teamIdFor(province: Province): string {
  return `team-${provinceSlug(province)}`;
}

function emailLocalPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/'/g, '')
    .split(' ')
    .filter((part) => part.length > 0)
    .reduce((acc, part, i) => (i === 0 ? part : `${acc}${i === 1 ? '.' : ''}${part}`), '');
}

export function buildStaff(): { teams: Insertable<TeamTable>[]; users: NewUser[] } {
  // A fixed stream, independent of the seed option: the dev users stay who they are.
  const rng = Random.derive(0, 'staff');
  const usedEmails = new Set<string>();
  const users: NewUser[] = [];
  const person = (): { name: string; email: string } => {
    for (;;) {
      const first = rng.chance(0.7) ? rng.pick(femaleFirstNames) : rng.pick(maleFirstNames);
      const name = `${first} ${rng.pick(lastNames)}`;
      const email = `${emailLocalPart(name)}@opgroeien.test`;
      if (!usedEmails.has(email)) {
        usedEmails.add(email);
        return { name, email };
      }
    }
  };
  const add = (id: string, role: Role, teamId: string): void => {
    users.push({ id, role, team_id: teamId, ...person() });
  };

  const teams: Insertable<TeamTable>[] = provinces.map((province) => ({
    id: teamIdFor(province),
    name: `Team ${province}`,
    province,
  }));
  teams.push({ id: CENTRAL_TEAM_ID, name: 'Centraal team', province: 'Vlaanderen' });

  for (const province of provinces) {
    const slug = provinceSlug(province);
    add(`u-tc-${slug}`, 'teamcoordinator', teamIdFor(province));
    for (let i = 1; i <= KLANTENBEHEERDERS_PER_TEAM; i++) add(`u-kb-${slug}-${i}`, 'klantenbeheerder', teamIdFor(province));
  }
  for (let i = 1; i <= 4; i++) add(`u-cc-${i}`, 'crisiscoordinator', CENTRAL_TEAM_ID);
  for (let i = 1; i <= 3; i++) add(`u-jur-${i}`, 'jurist', CENTRAL_TEAM_ID);
  add('u-admin', 'admin', CENTRAL_TEAM_ID);
  // The central team's lead: the last rung of every escalation ladder.
  add('u-tc-centraal', 'teamcoordinator', CENTRAL_TEAM_ID);
  users.push({
    id: MODULAR_USER_ID,
    name: 'Modular (Zorginspectie)',
    email: 'modular@opgroeien.test',
    role: 'modular',
    team_id: CENTRAL_TEAM_ID,
  });
  return { teams, users };
}

// ---------------------------------------------------------------------------------------------
// Organisers and locations.

type OrganiserType = 'onthaalouder' | 'dienst' | 'groep';

interface OrganiserPlan {
  id: string;
  type: OrganiserType;
  size: number;
  /** Organiser-level part of the hidden risk: sister locations share it. */
  effect: number;
  /** Structural part of the hidden risk that depends on the organiser's kind and size. */
  sizeEffect: number;
  home: Municipality;
  brand: string;
}

interface LocationPlan {
  index: number;
  id: string;
  dossierId: string;
  organiser: OrganiserPlan;
  kind: LocationKind;
  capacity: number;
  municipality: Municipality;
  licensedAt: number;
  /** The hidden risk (log scale). Never stored: issue 6 has to find it from the history. */
  risk: number;
}

const byPopulation = (list: readonly Municipality[], exponent: number) =>
  weightedSampler(list, list.map((m) => m.population ** exponent));

function municipalitySamplers() {
  const perProvince = new Map<Province, { group: (r: Random) => Municipality; family: (r: Random) => Municipality }>();
  for (const province of provinces) {
    const list = municipalities.filter((m) => m.province === province);
    perProvince.set(province, { group: byPopulation(list, 1), family: byPopulation(list, 0.85) });
  }
  return {
    // Groepsopvang follows the population; gezinsopvang is relatively more rural.
    group: byPopulation(municipalities, 1),
    family: byPopulation(municipalities, 0.85),
    inProvince: (province: Province, kind: LocationKind) => {
      const s = perProvince.get(province);
      if (!s) throw new Error(`unknown province ${province}`);
      return kind === 'groepsopvang' ? s.group : s.family;
    },
  };
}

function padId(prefix: string, n: number, width: number): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}

/** A fake KBO number: '0' + 1 + 7 digits, then 97 - (first eight digits mod 97) as check digits. */
function enterpriseNumber(rng: Random, used: Set<string>): string {
  for (;;) {
    // The 01xx range: as far as we know, no real enterprise number starts with 01.
    const base = 1_000_000 + rng.int(0, 999_999);
    const check = 97 - (base % 97);
    const digits = `0${String(base).padStart(7, '0')}${String(check).padStart(2, '0')}`;
    const formatted = `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7, 10)}`;
    if (!used.has(formatted)) {
      used.add(formatted);
      return formatted;
    }
  }
}

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function personName(rng: Random, femaleShare: number): string {
  const first = rng.chance(femaleShare) ? rng.pick(femaleFirstNames) : rng.pick(maleFirstNames);
  return `${first} ${rng.pick(lastNames)}`;
}

function groupCapacity(rng: Random): number {
  // Lognormal around a median of 27 places, 9..120: most kinderdagverblijven are small, a few large.
  for (;;) {
    const c = Math.round(Math.exp(Math.log(27) + 0.6 * rng.normal()));
    if (c >= 9 && c <= 120) return c;
  }
}

const familyCapacity = weightedSampler([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 9, 12, 14, 12, 22]);

function groupOrganiserSize(rng: Random): number {
  const u = rng.next();
  if (u < 0.62) return 1;
  if (u < 0.87) return rng.weighted([2, 3, 4], [5, 3, 2]);
  if (u < 0.97) return 5 + Math.min(14, Math.floor(-Math.log(1 - rng.next()) * 5));
  return rng.int(20, 80);
}

function licensedAt(rng: Random, kind: LocationKind, nowMs: number): number {
  // More recent years weigh more: the sector grew, and gezinsopvang turns over faster.
  const nowYear = new Date(nowMs).getUTCFullYear();
  const years: number[] = [];
  const weights: number[] = [];
  for (let y = 1995; y <= nowYear; y++) {
    years.push(y);
    weights.push(1 + (y - 1995) * (kind === 'gezinsopvang' ? 0.25 : 0.12));
  }
  for (;;) {
    const year = rng.weighted(years, weights);
    const t = Date.UTC(year, 0, 1) + rng.int(0, 364) * DAY;
    if (t < nowMs - 30 * DAY) return t;
  }
}

interface Structure {
  organisers: OrganiserPlan[];
  organiserRows: NewOrganiser[];
  locations: LocationPlan[];
  locationRows: NewLocation[];
}

function buildStructure(rng: Random, scale: number, nowMs: number): Structure {
  const sample = municipalitySamplers();
  const totalLocations = Math.max(10, Math.round(6300 * scale));
  const familyLocations = Math.round(totalLocations * 0.6);
  const groupLocations = totalLocations - familyLocations;
  const organisers: OrganiserPlan[] = [];
  const width = Math.max(5, String(Math.round(1700 * scale) * 2).length);
  const newOrganiser = (type: OrganiserType, size: number, sizeEffect: number, effectSd: number): OrganiserPlan => {
    const home = type === 'groep' ? sample.group(rng) : sample.family(rng);
    const plan: OrganiserPlan = {
      id: '',
      type,
      size,
      effect: rng.normal(0, effectSd),
      sizeEffect,
      home,
      brand: '',
    };
    organisers.push(plan);
    return plan;
  };

  // Gezinsopvang: about three quarters work under a dienst (one organiser, dozens of
  // onthaalouders); the rest are independent onthaalouders, each their own organiser.
  const services = Math.max(1, Math.round(40 * scale));
  const inServices = Math.round(familyLocations * 0.74);
  const serviceWeights = Array.from({ length: services }, () => Math.exp(rng.normal(0, 0.5)));
  const weightSum = serviceWeights.reduce((a, b) => a + b, 0);
  let allotted = 0;
  serviceWeights.forEach((w, i) => {
    const size = i === services - 1 ? inServices - allotted : Math.max(1, Math.round((inServices * w) / weightSum));
    allotted += size;
    if (size > 0) newOrganiser('dienst', size, -0.35, 0.35);
  });
  for (let i = 0; i < familyLocations - allotted; i++) newOrganiser('onthaalouder', 1, 0.15, 0.4);

  let groupLeft = groupLocations;
  while (groupLeft > 0) {
    const size = Math.min(groupLeft, groupOrganiserSize(rng));
    groupLeft -= size;
    const sizeEffect = size === 1 ? 0.25 : size < 5 ? 0.05 : size < 20 ? -0.1 : -0.25;
    newOrganiser('groep', size, sizeEffect, size >= 5 ? 0.6 : 0.45);
  }
  // Ids in random order, so an id says nothing about the kind or size of the organiser.
  rng.shuffle(organisers).forEach((org, i) => {
    org.id = padId('ORG', i + 1, width);
  });

  const usedEnterpriseNumbers = new Set<string>();
  const usedNames = new Set<string>();
  const organiserRows: NewOrganiser[] = [];
  const locations: LocationPlan[] = [];
  const locationRows: NewLocation[] = [];
  const locWidth = Math.max(6, String(totalLocations).length);
  const uniqueName = (candidate: () => string, fallback?: () => string): string => {
    for (const make of fallback ? [candidate, fallback] : [candidate]) {
      for (let i = 0; i < 20; i++) {
        const name = make();
        if (!usedNames.has(name)) {
          usedNames.add(name);
          return name;
        }
      }
    }
    const name = candidate();
    let n = 2;
    while (usedNames.has(`${name} ${n}`)) n++;
    usedNames.add(`${name} ${n}`);
    return `${name} ${n}`;
  };

  for (const org of organisers) {
    let orgName: string;
    let firstLocationName = '';
    if (org.type === 'onthaalouder') {
      firstLocationName = uniqueName(() =>
        rng.chance(0.75) ? `Onthaalouder ${personName(rng, 0.93)}` : `Gezinsopvang ${rng.pick(childcareNames)} ${org.home.name}`,
      );
      orgName = firstLocationName;
    } else if (org.type === 'dienst') {
      const patterns = ['Dienst voor Gezinsopvang', 'vzw Gezinsopvang', 'Dienst Onthaalouders', 'Gezinsopvang'] as const;
      orgName = uniqueName(() => `${rng.pick(patterns)} ${rng.pick(regionNames)}`);
    } else if (org.size >= 20) {
      org.brand = uniqueName(() => `Kinderopvang ${rng.pick(chainBrands)}`);
      orgName = `${org.brand} ${rng.pick(legalForms)}`;
    } else if (org.size >= 5) {
      org.brand = `${rng.pick(groupCareKinds)} ${rng.pick(childcareNames)}`;
      orgName = uniqueName(() => `${rng.pick(['vzw', 'bv'])} Kinderopvang ${rng.pick(regionNames)}`, () => `vzw ${org.brand}`);
    } else {
      org.brand = `${rng.pick(groupCareKinds)} ${rng.pick(childcareNames)}`;
      firstLocationName = uniqueName(() => `${org.brand} ${org.home.name}`);
      orgName = rng.chance(0.5) ? `vzw ${org.brand}` : `${org.brand} ${rng.pick(['bv', 'comm.v.'])}`;
    }
    organiserRows.push({
      id: org.id,
      name: orgName,
      enterprise_number: enterpriseNumber(rng, usedEnterpriseNumbers),
      email: `info@${slugify(orgName)}-${org.id.toLowerCase()}.test`,
      // No phone numbers: Belgium has no range reserved for fiction, and a random one may be real.
      phone: null,
    });

    for (let k = 0; k < org.size; k++) {
      const kind: LocationKind = org.type === 'groep' ? 'groepsopvang' : 'gezinsopvang';
      const municipality = placeLocation(rng, org, k, kind, sample);
      const capacity = kind === 'groepsopvang' ? groupCapacity(rng) : familyCapacity(rng);
      const street = rng.pick(streetNames);
      // A second kinderdagverblijf of one organiser in the same town is known by its street.
      const name =
        k === 0 && firstLocationName
          ? firstLocationName
          : org.type === 'dienst'
            ? uniqueName(() => `${rng.chance(0.6) ? 'Onthaalouder' : 'Gezinsopvang'} ${personName(rng, 0.95)}`)
            : uniqueName(() => `${org.brand} ${municipality.name}`, () => `${org.brand} ${street}`);
      const index = locations.length;
      const since = licensedAt(rng, kind, nowMs);
      const plan: LocationPlan = {
        index,
        id: padId('LOC', index + 1, locWidth),
        dossierId: padId('DOS', index + 1, locWidth),
        organiser: org,
        kind,
        capacity,
        municipality,
        licensedAt: since,
        risk: latentRisk(rng, org, kind, capacity),
      };
      locations.push(plan);
      const houseNumber = String(rng.int(1, 250)) + (rng.chance(0.08) ? rng.pick(['A', 'B', 'C', '/1', '/2']) : '');
      locationRows.push({
        id: plan.id,
        organiser_id: org.id,
        name,
        kind,
        capacity,
        street,
        house_number: houseNumber,
        postal_code: rng.weighted(
          municipality.postalCodes,
          municipality.postalCodes.map((_, i) => (i === 0 ? 2 : 1)),
        ),
        municipality: municipality.name,
        province: municipality.province,
        licence_status: 'actief',
        licensed_since: new Date(since).toISOString().slice(0, 10),
      });
    }
  }
  return { organisers, organiserRows, locations, locationRows };
}

function placeLocation(
  rng: Random,
  org: OrganiserPlan,
  k: number,
  kind: LocationKind,
  sample: ReturnType<typeof municipalitySamplers>,
): Municipality {
  if (k === 0 && org.type !== 'dienst') return org.home;
  if (org.type === 'dienst') return rng.chance(0.15) ? org.home : sample.inProvince(org.home.province, kind)(rng);
  const u = rng.next();
  if (org.size >= 20) return u < 0.5 ? sample.inProvince(org.home.province, kind)(rng) : sample.group(rng);
  if (u < 0.4) return org.home;
  return u < 0.9 ? sample.inProvince(org.home.province, kind)(rng) : sample.group(rng);
}

// ---------------------------------------------------------------------------------------------
// The hidden risk and the history it drives.

/**
 * The location's hidden risk on a log scale: kind and organiser structure, capacity, the
 * organiser's shared effect and an individual part. Mean about 0, spread about 1.
 */
function latentRisk(rng: Random, org: OrganiserPlan, kind: LocationKind, capacity: number): number {
  const capacityEffect = kind === 'groepsopvang' ? 0.25 * Math.log(capacity / 27) + 0.15 : 0;
  return org.sizeEffect + capacityEffect + org.effect + rng.normal(0, 0.9);
}

/** Model parameters; rates and probabilities are per month. docs/synthetic-data.md explains each. */
const P = {
  // Start of trouble: troubleHazard × exp(risk + boosts); a new location and a long time since
  // the last inspection raise the odds.
  troubleHazard: 0.0028,
  newLocationBoost: 0.5,
  newLocationMonths: 24,
  uninspectedSlope: 0.03,
  // Serious from the start with probability sigmoid(seriousBase + seriousSlope × risk); else mild.
  seriousBase: -2.2,
  seriousSlope: 0.8,
  troubleEnd: { mild: 0.1, serious: 0.04 },
  // Mild trouble turns serious with escalation × exp(risk / 2), at most 0.5.
  escalation: 0.08,
  // Reports: rate × (capacity / 12)^0.35 × exp(0.4 risk) (crises: exp(0.3 risk)) × the trouble multiplier.
  meldingRate: 0.006,
  meldingInTrouble: { mild: 10, serious: 14 },
  crisisRate: 0.0015,
  crisisInTrouble: { mild: 6, serious: 35 },
  // Follow-up, per report or advice.
  inspectAfterMelding: { calm: 0.12, trouble: 0.4 },
  inspectAfterCrisis: 0.85,
  urgentSuspension: 0.07,
  directWarning: 0.06,
  warningAfterAdvice: 0.9,
  stopHazard: { gezinsopvang: 0.0007, groepsopvang: 0.0003 },
  objection: { schorsing: 0.05, opheffing: 0.3 },
} as const;

type Trouble = 0 | 1 | 2;
type Stage = 'geen' | 'aanmaning' | 'voornemen' | 'geschorst' | 'gesloten';
type Advice = 'gunstig' | 'aandachtspunten' | 'handhaving';
type InspectionCause = 'regulier' | 'melding' | 'crisismelding' | 'opvolging handhaving';
type Decision = 'schorsing' | 'opheffing';

type Action =
  | { type: 'melding' }
  | { type: 'crisismelding' }
  | { type: 'inspectie'; cause: InspectionCause }
  | { type: 'advies_handhaving'; inspectedAt: number }
  | { type: 'aanmaning'; cause: 'advies Zorginspectie' | 'melding' }
  | { type: 'termijn' }
  | { type: 'voornemen'; intended: Decision | undefined }
  | { type: 'beslissing'; intended: Decision }
  | { type: 'schorsing'; urgent: boolean }
  | { type: 'einde_schorsing' }
  | { type: 'opheffing'; afterSuspension: boolean }
  | { type: 'bezwaar'; against: Decision }
  | { type: 'stopzetting' };

interface Queued {
  t: number;
  action: Action;
}

interface HistoryContext {
  windowStart: number;
  now: number;
  months: number[];
  caseManagerId: string;
  crisisCoordinators: readonly string[];
  jurists: readonly string[];
}

interface HistoryResult {
  entries: NewTimelineEntry[];
  status: LicenceStatus;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function onWorkingDay(rng: Random, t: number): number {
  const date = new Date(t);
  const weekday = date.getUTCDay();
  const shift = weekday === 6 ? 2 : weekday === 0 ? 1 : 0;
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) + shift * DAY;
  return day + rng.int(7 * 60, 16 * 60) * 60_000;
}

function anyTime(rng: Random, t: number): number {
  const date = new Date(t);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) + rng.int(6 * 60, 21 * 60) * 60_000;
}

const isoDate = (t: number): string => new Date(t).toISOString().slice(0, 10);

const reportSources = ['ouder', 'ouder', 'ouder', 'derde', 'voorziening', 'klantenbeheerder (e-mail)', 'parket'] as const;
const reportTopics = [
  'communicatie',
  'hygiëne',
  'veiligheid',
  'personeel',
  'pedagogische aanpak',
  'infrastructuur',
  'administratie',
  'voeding',
] as const;
const crisisTopics = ['fysieke integriteit', 'psychische integriteit', 'toezicht', 'veiligheid van de ruimte'] as const;
const sourceLabel: Record<(typeof reportSources)[number], string> = {
  ouder: 'een ouder',
  derde: 'een derde',
  voorziening: 'de voorziening',
  'klantenbeheerder (e-mail)': 'een klantenbeheerder (e-mail)',
  parket: 'het parket',
};
const adviceTitle: Record<Advice, string> = {
  gunstig: 'gunstig advies',
  aandachtspunten: 'advies met aandachtspunten',
  handhaving: 'advies tot handhaving',
};

/**
 * Simulates one location month by month from a burn-in year before the window to `now`.
 * A hidden "trouble" state (none, mild, serious) starts with a hazard that grows with the
 * location's risk; trouble multiplies reports, spoils inspection advice, and escalation follows
 * the advice: aanmaning → voornemen → schorsing/opheffing, each step a few weeks after the last.
 */
function simulateHistory(rng: Random, loc: LocationPlan, ctx: HistoryContext): HistoryResult {
  const entries: NewTimelineEntry[] = [];
  const queue: Queued[] = [];
  let trouble: Trouble = 0;
  let stage: Stage = 'geen';
  let suspended = false;
  let closedAs: LicenceStatus | undefined;
  let suspensions = 0;
  let lastInspection = -Infinity;
  let inspectionPending = false;
  let intendedDecision: Decision = 'schorsing';
  const capacityFactor = (loc.capacity / 12) ** 0.35;
  const firstMonth = ctx.months[0] as number;
  // Regular inspections: twice every three years, the first at a random point of the cycle.
  let nextRegular = Math.max(loc.licensedAt + rng.int(60, 300) * DAY, firstMonth + rng.int(0, 540) * DAY);

  const schedule = (t: number, action: Action): void => {
    // Insertion keeps the queue sorted by time; equal times keep their scheduling order.
    let i = queue.length;
    while (i > 0 && (queue[i - 1] as Queued).t > t) i--;
    queue.splice(i, 0, { t, action });
  };
  const days = (min: number, max: number): number => rng.int(min, max) * DAY;
  const record = (t: number, kind: SeedTimelineKind, title: string, details: Record<string, unknown>, actor: string | null): void => {
    if (t < ctx.windowStart || t >= ctx.now || t < loc.licensedAt) return;
    entries.push({
      dossier_id: loc.dossierId,
      occurred_at: new Date(t),
      kind,
      title,
      details,
      actor_id: actor,
      idempotency_key: null,
    });
  };
  const close = (t: number, as: LicenceStatus): boolean => {
    // A location closed before the window would not be in today's register: in the burn-in
    // the closure is undone, as if the organiser had put things right.
    if (t < ctx.windowStart) {
      trouble = 0;
      stage = 'geen';
      suspended = false;
      return false;
    }
    stage = 'gesloten';
    suspended = false;
    closedAs = as;
    return true;
  };
  const remedy = (pMild: number, pSerious: number): void => {
    if (trouble === 1 && rng.chance(pMild)) trouble = 0;
    else if (trouble === 2 && rng.chance(pSerious)) trouble = rng.chance(0.5) ? 1 : 0;
  };
  const adviceFor = (cause: InspectionCause): Advice => {
    const u = rng.next();
    if (trouble === 2) return u < 0.65 ? 'handhaving' : u < 0.95 ? 'aandachtspunten' : 'gunstig';
    if (trouble === 1) return u < (cause === 'opvolging handhaving' ? 0.45 : 0.25) ? 'handhaving' : u < 0.8 ? 'aandachtspunten' : 'gunstig';
    if (u < 0.004) return 'handhaving';
    return u < Math.min(0.5, 0.17 * Math.exp(0.4 * loc.risk)) ? 'aandachtspunten' : 'gunstig';
  };

  const handle = (t: number, action: Action): void => {
    if (stage === 'gesloten' && action.type !== 'bezwaar') return;
    switch (action.type) {
      case 'melding': {
        const source = rng.pick(reportSources);
        const topic = rng.pick(reportTopics);
        // The case manager's judgement is informative but noisy: substantive reports also reach calm locations.
        let followUp = rng.chance(trouble > 0 ? 0.5 : 0.2) ? 'toegevoegd aan dossier' : 'geen verdere opvolging';
        if (stage !== 'geen') followUp = 'toegevoegd aan lopende handhaving';
        else if (trouble === 2 && rng.chance(P.directWarning)) {
          followUp = 'handhaving gestart';
          schedule(onWorkingDay(rng, t + days(7, 30)), { type: 'aanmaning', cause: 'melding' });
        } else if (!inspectionPending && rng.chance(trouble > 0 ? P.inspectAfterMelding.trouble : P.inspectAfterMelding.calm)) {
          followUp = 'inspectie gevraagd';
          inspectionPending = true;
          schedule(onWorkingDay(rng, t + days(10, 45)), { type: 'inspectie', cause: 'melding' });
        }
        const registeredBy = source === 'klantenbeheerder (e-mail)' ? ctx.caseManagerId : null;
        const details = { bron: source, categorie: topic, opvolging: followUp };
        record(t, 'melding', `Melding van ${sourceLabel[source]}: ${topic}`, details, registeredBy);
        return;
      }
      case 'crisismelding': {
        const topic = rng.pick(crisisTopics);
        let followUp = 'snelle inspectie gevraagd';
        if (trouble === 2 && stage !== 'geschorst' && stage !== 'voornemen' && rng.chance(P.urgentSuspension)) {
          followUp = 'schorsing bij dringende noodzakelijkheid';
          schedule(onWorkingDay(rng, t + days(0, 4)), { type: 'schorsing', urgent: true });
        }
        if (rng.chance(P.inspectAfterCrisis)) {
          inspectionPending = true;
          schedule(onWorkingDay(rng, t + days(1, 7)), { type: 'inspectie', cause: 'crisismelding' });
        } else if (followUp === 'snelle inspectie gevraagd') {
          followUp = rng.chance(0.5) ? 'doorgegeven aan parket/VECK' : 'opgevolgd door crisiscoördinator';
        }
        const source = rng.pick(reportSources);
        const details = { bron: source, categorie: topic, opvolging: followUp };
        record(t, 'crisismelding', `Crisismelding: ${topic}`, details, rng.pick(ctx.crisisCoordinators));
        return;
      }
      case 'inspectie': {
        if (action.cause === 'regulier' && t < lastInspection + 150 * DAY) {
          nextRegular = lastInspection + days(450, 640);
          return;
        }
        const advice = adviceFor(action.cause);
        lastInspection = t;
        inspectionPending = false;
        nextRegular = t + days(450, 640);
        const fourEyes = action.cause === 'crisismelding';
        const details = { advies: advice, aanleiding: action.cause, vier_ogen: fourEyes };
        record(t, 'inspectie', `Inspectie door Zorginspectie: ${adviceTitle[advice]}`, details, MODULAR_USER_ID);
        if (advice === 'handhaving') {
          schedule(onWorkingDay(rng, t + days(3, 21)), { type: 'advies_handhaving', inspectedAt: t });
        } else if (action.cause === 'opvolging handhaving' && stage === 'aanmaning') {
          stage = 'geen';
        } else if (advice === 'aandachtspunten' && trouble > 0 && rng.chance(0.3)) {
          inspectionPending = true;
          schedule(onWorkingDay(rng, t + days(60, 120)), { type: 'inspectie', cause: 'opvolging handhaving' });
        }
        return;
      }
      case 'advies_handhaving': {
        const details = { inspectie_op: isoDate(action.inspectedAt), urgentie: trouble === 2 ? 'hoog' : 'normaal' };
        record(t, 'advies_handhaving', 'Zorginspectie adviseert handhaving', details, MODULAR_USER_ID);
        if (stage === 'geen') {
          if (rng.chance(P.warningAfterAdvice)) {
            schedule(onWorkingDay(rng, t + days(7, 35)), { type: 'aanmaning', cause: 'advies Zorginspectie' });
          } else if (trouble === 2) schedule(onWorkingDay(rng, t + days(14, 40)), { type: 'voornemen', intended: undefined });
        } else if (stage === 'aanmaning') {
          schedule(onWorkingDay(rng, t + days(10, 30)), { type: 'voornemen', intended: undefined });
        } else if (stage === 'geschorst') {
          schedule(onWorkingDay(rng, t + days(10, 30)), { type: 'voornemen', intended: 'opheffing' });
        }
        return;
      }
      case 'aanmaning': {
        if (stage !== 'geen') return;
        const deadline = t + days(30, 90);
        stage = 'aanmaning';
        record(t, 'aanmaning', 'Aanmaning verstuurd', { aanleiding: action.cause, termijn_tot: isoDate(deadline) }, ctx.caseManagerId);
        schedule(deadline, { type: 'termijn' });
        remedy(0.6, 0.3);
        // Some organisers stop rather than remedy; onthaalouders more often than kinderdagverblijven.
        if (rng.chance(loc.kind === 'gezinsopvang' ? 0.1 : 0.04)) schedule(t + days(20, 150), { type: 'stopzetting' });
        return;
      }
      case 'termijn': {
        // Always a dedicated follow-up inspection: only that one closes or escalates the aanmaning.
        if (stage !== 'aanmaning') return;
        inspectionPending = true;
        schedule(onWorkingDay(rng, t + days(0, 21)), { type: 'inspectie', cause: 'opvolging handhaving' });
        return;
      }
      case 'voornemen': {
        if (stage === 'voornemen' || stage === 'gesloten') return;
        const intended: Decision =
          action.intended ?? (trouble === 2 && (suspensions > 0 || rng.chance(0.25)) ? 'opheffing' : 'schorsing');
        intendedDecision = intended;
        const hearingUntil = t + days(14, 30);
        stage = 'voornemen';
        const details = { beoogde_beslissing: intended, hoorrecht_tot: isoDate(hearingUntil) };
        record(t, 'voornemen', `Voornemen tot ${intended}`, details, ctx.caseManagerId);
        schedule(onWorkingDay(rng, hearingUntil + days(7, 25)), { type: 'beslissing', intended });
        remedy(0.6, 0.4);
        return;
      }
      case 'beslissing': {
        if (stage !== 'voornemen') return;
        if (trouble === 0 || rng.chance(trouble === 1 ? 0.5 : 0.25)) {
          // The hearing showed the shortcomings were remedied: no decision, enforcement ends.
          stage = 'geen';
          suspended = false;
          inspectionPending = true;
          schedule(onWorkingDay(rng, t + days(30, 90)), { type: 'inspectie', cause: 'opvolging handhaving' });
          return;
        }
        stage = 'geen';
        if (intendedDecision === 'opheffing') handle(t, { type: 'opheffing', afterSuspension: suspended });
        else handle(t, { type: 'schorsing', urgent: false });
        return;
      }
      case 'schorsing': {
        if (stage === 'geschorst') return;
        const until = t + (action.urgent ? days(30, 90) : days(60, 150));
        stage = 'geschorst';
        suspended = true;
        suspensions++;
        record(
          t,
          'schorsing',
          action.urgent ? 'Beslissing tot schorsing bij dringende noodzakelijkheid' : 'Beslissing tot schorsing',
          { dringende_noodzakelijkheid: action.urgent, tot: isoDate(until) },
          rng.pick(ctx.jurists),
        );
        schedule(until, { type: 'einde_schorsing' });
        if (rng.chance(P.objection.schorsing)) schedule(onWorkingDay(rng, t + days(7, 30)), { type: 'bezwaar', against: 'schorsing' });
        remedy(0.8, 0.45);
        return;
      }
      case 'einde_schorsing': {
        if (stage !== 'geschorst') return;
        if (trouble > 0 && rng.chance(0.5)) {
          // The suspension stays in force until the decision on the intended revocation.
          stage = 'geen';
          handle(t, { type: 'voornemen', intended: 'opheffing' });
          return;
        }
        stage = 'geen';
        suspended = false;
        inspectionPending = true;
        schedule(onWorkingDay(rng, t + days(14, 60)), { type: 'inspectie', cause: 'opvolging handhaving' });
        return;
      }
      case 'opheffing': {
        if (!close(t, 'opgeheven')) return;
        const details = { dringende_noodzakelijkheid: false, na_schorsing: action.afterSuspension };
        record(t, 'opheffing', 'Beslissing tot opheffing', details, rng.pick(ctx.jurists));
        if (rng.chance(P.objection.opheffing)) schedule(onWorkingDay(rng, t + days(7, 30)), { type: 'bezwaar', against: 'opheffing' });
        return;
      }
      case 'bezwaar': {
        const details = { tegen: action.against, ingediend_door: 'organisator' };
        record(t, 'bezwaar', `Bezwaar van de organisator tegen de ${action.against}`, details, null);
        return;
      }
      case 'stopzetting': {
        close(t, 'stopgezet');
        return;
      }
    }
  };

  for (let m = 0; m < ctx.months.length - 1; m++) {
    const start = ctx.months[m] as number;
    const end = ctx.months[m + 1] as number;
    if (end <= loc.licensedAt) continue;
    // The handlers change `stage` inside closures, which TypeScript's narrowing cannot see.
    if ((stage as Stage) === 'gesloten') break;
    const activeFrom = Math.max(start, loc.licensedAt);
    const share = (end - activeFrom) / (end - start);

    const isNew = activeFrom - loc.licensedAt < P.newLocationMonths * 30 * DAY;
    // Oversight matters: the longer since the last inspection, the likelier problems start.
    const monthsUninspected = Math.min(36, (activeFrom - Math.max(lastInspection, loc.licensedAt)) / (30 * DAY));
    const risk = loc.risk + (isNew ? P.newLocationBoost : 0) + P.uninspectedSlope * monthsUninspected;
    if (trouble === 0) {
      if (rng.chance(P.troubleHazard * Math.exp(risk) * share)) {
        trouble = rng.chance(sigmoid(P.seriousBase + P.seriousSlope * loc.risk)) ? 2 : 1;
      }
    } else if (rng.chance(trouble === 2 ? P.troubleEnd.serious : P.troubleEnd.mild)) {
      trouble = 0;
    } else if (trouble === 1 && rng.chance(Math.min(0.5, P.escalation * Math.exp(0.5 * loc.risk)))) {
      // Problems build up: mild trouble, visible in reports, often turns serious months later.
      trouble = 2;
    }

    const meldingBoost = trouble === 2 ? P.meldingInTrouble.serious : trouble === 1 ? P.meldingInTrouble.mild : 1;
    const crisisBoost = trouble === 2 ? P.crisisInTrouble.serious : trouble === 1 ? P.crisisInTrouble.mild : 1;
    const reports = rng.poisson(P.meldingRate * capacityFactor * Math.exp(0.4 * loc.risk) * meldingBoost * share);
    for (let i = 0; i < reports; i++) schedule(anyTime(rng, rng.uniform(activeFrom, end)), { type: 'melding' });
    const crises = rng.poisson(P.crisisRate * capacityFactor * Math.exp(0.3 * loc.risk) * crisisBoost * share);
    for (let i = 0; i < crises; i++) schedule(anyTime(rng, rng.uniform(activeFrom, end)), { type: 'crisismelding' });
    if (nextRegular < end) {
      schedule(onWorkingDay(rng, Math.max(nextRegular, activeFrom)), { type: 'inspectie', cause: 'regulier' });
      nextRegular = Infinity;
    }
    if (rng.chance(P.stopHazard[loc.kind] * share)) schedule(rng.uniform(activeFrom, end), { type: 'stopzetting' });

    while (queue.length > 0 && (queue[0] as Queued).t < end) {
      const next = queue.shift() as Queued;
      handle(next.t, next.action);
    }
  }
  // Whatever is still queued lies after `now`; bezwaren after an opheffing are recorded if before now.
  const status: LicenceStatus = closedAs ?? (suspended ? 'geschorst' : 'actief');
  return { entries, status };
}

// ---------------------------------------------------------------------------------------------

/**
 * Month steps ending at `now`, oldest first. The day is clamped to each month's length: from a
 * reference date on the 31st, a month back is 30 April or 28 February, not a day early in March.
 */
function monthStarts(now: Date, count: number): number[] {
  const months: number[] = [];
  for (let i = count; i >= 0; i--) {
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() - i;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    months.push(Date.UTC(year, month, Math.min(now.getUTCDate(), lastDay), now.getUTCHours(), now.getUTCMinutes()));
  }
  return months;
}

/** Builds the whole synthetic Flanders in memory. Pure: the same options give the same data. */
export function generateFlanders(options: GenerateOptions = {}): FlandersData {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  const now = options.now ?? DEFAULT_NOW;
  if (!(scale > 0)) throw new Error('scale must be positive');
  const nowMs = now.getTime();

  const { teams, users } = buildStaff();
  const structure = buildStructure(Random.derive(seed, 'structure'), scale, nowMs);

  const caseManagers = new Map<string, string[]>();
  for (const province of provinces) {
    const slug = provinceSlug(province);
    caseManagers.set(province, Array.from({ length: KLANTENBEHEERDERS_PER_TEAM }, (_, i) => `u-kb-${slug}-${i + 1}`));
  }
  const assigned = new Map<string, number>();
  const dossiers: NewDossier[] = structure.locations.map((loc) => {
    const province = loc.municipality.province;
    const n = assigned.get(province) ?? 0;
    assigned.set(province, n + 1);
    const managers = caseManagers.get(province) as string[];
    return {
      id: loc.dossierId,
      location_id: loc.id,
      team_id: teamIdFor(province),
      case_manager_id: managers[n % managers.length] as string,
      opened_at: new Date(loc.licensedAt),
    };
  });

  // A burn-in year before the window, so the window opens on a running history.
  const months = monthStarts(now, HISTORY_MONTHS + 12);
  const windowStart = months[12] as number;
  const crisisCoordinators = users.filter((u) => u.role === 'crisiscoordinator').map((u) => u.id);
  const jurists = users.filter((u) => u.role === 'jurist').map((u) => u.id);
  const timeline: NewTimelineEntry[] = [];
  structure.locations.forEach((loc, i) => {
    const result = simulateHistory(Random.derive(seed, 'history', loc.index), loc, {
      windowStart,
      now: nowMs,
      months,
      caseManagerId: dossiers[i]?.case_manager_id as string,
      crisisCoordinators,
      jurists,
    });
    (structure.locationRows[i] as NewLocation).licence_status = result.status;
    result.entries.sort((a, b) => (a.occurred_at as Date).getTime() - (b.occurred_at as Date).getTime());
    result.entries.forEach((entry, k) => {
      entry.idempotency_key = `seed:${loc.dossierId}:${String(k + 1).padStart(3, '0')}`;
      timeline.push(entry);
    });
  });

  return {
    teams,
    users,
    organisers: structure.organiserRows,
    locations: structure.locationRows,
    dossiers,
    timeline,
    crisisRoster: buildCrisisRoster(now, crisisCoordinators, options.rosterAround),
  };
}
