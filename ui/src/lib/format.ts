import type { Problem } from './api.js';
import catalogue from './labels.json';

// Dutch (nl-BE) words and formats for what the API says in codes: dates in Europe/Brussels,
// labels for the enums, and API errors as a sentence for the user.

const zone = 'Europe/Brussels';
const dateTime = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'short', timeStyle: 'short', timeZone: zone });
const dateTimeLong = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
const relative = new Intl.RelativeTimeFormat('nl-BE', { numeric: 'auto' });

/** "12/05/2026 14:30" in Brussels time; '—' when there is no moment. */
export function formatDateTime(iso: string | null | undefined, long = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : (long ? dateTimeLong : dateTime).format(d);
}

/** "over 3 uur", "5 minuten geleden": the distance from now, in the largest sensible unit. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  const minutes = Math.round(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  if (Math.abs(ms) < 60_000) return relative.format(Math.round(ms / 1_000), 'second');
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(ms / 86_400_000), 'day');
}

/** Offset of Brussels from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function brusselsOffset(epochMs: number): number {
  const parts: Record<string, string> = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - Math.floor(epochMs / 1_000) * 1_000;
}

/** A datetime-local value ("2026-05-12T14:30") read as Brussels wall time, as an ISO instant. */
export function brusselsLocalToIso(value: string | null | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value ?? '');
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let instant = wall - brusselsOffset(wall);
  instant = wall - brusselsOffset(instant);
  return new Date(instant).toISOString();
}

// ----- labels -----------------------------------------------------------------------------------

export type Labels = Readonly<Record<string, string>>;

/**
 * The Dutch labels of the API's codes: one table per kind of code, kept as data in labels.json
 * (e.g. `crisisCategory`/`otherCategory`: the categories of workflows/melding/triage.ts, the first
 * group makes the rule propose crisis; `milestoneKind`: workflows/enforcement/definitions.ts;
 * `feature`: the risk model's features, activities/risk-model/features.ts; `team`: the seeded
 * teams, docs/synthetic-data.md, as the API has no list of teams yet). Use: label(labels.step, code).
 */
export const labels = {
  ...catalogue,
  category: { ...catalogue.crisisCategory, ...catalogue.otherCategory },
  funnelStage: catalogue.step,
} satisfies Record<string, Labels>;

export const label = (labels: Labels, code: string | null | undefined): string => (code == null ? '—' : labels[code] ?? code);

/** [code, label] pairs for a select. */
export const options = (labels: Labels): [string, string][] => Object.entries(labels);

/** The firing key of an escalation, "report_follow_up-1:reminder_handler", as words. */
export function rungLabel(key: string): string {
  const rungId = String(key).split(':').pop();
  return label(labels.rung, rungId);
}

// ----- errors -----------------------------------------------------------------------------------

const fieldLabels: Record<string, string> = {
  source: 'Bron',
  channel: 'Kanaal',
  receivedAt: 'Ontvangen op',
  externalRef: 'Extern kenmerk',
  'reporter.name': 'Naam melder',
  'reporter.email': 'E-mail melder',
  'reporter.phone': 'Telefoon melder',
  'location.locationId': 'Locatie-id',
  'location.organiserId': 'Organisator-id',
  'location.addressText': 'Adres',
  description: 'Omschrijving',
  categories: 'Categorieën',
  immediateDanger: 'Onmiddellijk gevaar',
  triage: 'Triage',
  reason: 'Reden',
  basis: 'Grondslag',
  hours: 'Aantal uren',
  message: 'Bericht',
  note: 'Notitie',
  locationId: 'Locatie-id',
  assigneeId: 'Behandelaar',
  followUps: 'Opvolgingen',
  'followUps.kind': 'Soort opvolging',
  'followUps.note': 'Toelichting bij de opvolging',
  'followUps.forwardedTo': 'Doorgestuurd naar',
  noFeedbackReason: 'Reden zonder terugkoppeling',
  'idempotency-key': 'Idempotentiesleutel',
};

/** "body.followUps.0.kind" → "Soort opvolging". */
export function fieldLabel(field: string): string {
  const path = String(field).split('.').filter((p) => !/^\d+$/.test(p));
  const where = path.shift();
  const key = path.join('.');
  return fieldLabels[key] ?? (key || where || '');
}

const messageTranslations: [RegExp, (...m: string[]) => string][] = [
  [/must NOT have fewer than (\d+) characters/, (n) => `moet minstens ${n} tekens lang zijn`],
  [/must NOT have more than (\d+) characters/, (n) => `mag hoogstens ${n} tekens lang zijn`],
  [/must NOT have fewer than (\d+) items/, (n) => `kies er minstens ${n}`],
  [/must NOT have more than (\d+) items/, (n) => `kies er hoogstens ${n}`],
  [/must match format "email"/, () => 'is geen geldig e-mailadres'],
  [/must match format "date-time"/, () => 'is geen geldig tijdstip'],
  [/must match pattern/, () => 'heeft niet de juiste vorm'],
  [/must have required property/, () => 'is verplicht'],
  [/must be equal to one of the allowed values/, () => 'is geen toegelaten waarde'],
  [/is not an allowed property/, () => 'is geen toegelaten veld'],
  [/must be >= (\S+)/, (n) => `moet minstens ${n} zijn`],
  [/must be <= (\S+)/, (n) => `mag hoogstens ${n} zijn`],
  [/must not lie in the future/, () => 'mag niet in de toekomst liggen'],
  [/is not a known location with a dossier/, () => 'is geen gekende locatie met een dossier'],
  [/is not an active case manager or coordinator/, () => 'is geen actieve klantenbeheerder of coördinator'],
];

function fieldMessage(message: string): string {
  for (const [pattern, say] of messageTranslations) {
    const m = pattern.exec(message);
    if (m) return say(m[1] ?? '');
  }
  return message;
}

/** The workflow's refusals (workflows/melding/report-case.ts) as Dutch sentences. */
const detailTranslations: [RegExp, (...m: string[]) => string][] = [
  [/^Give feedback to the reporter first/, () => 'Geef eerst terugkoppeling aan de melder, of vul in waarom dat niet kan (reden zonder terugkoppeling).'],
  [/^Only a report being handled can be closed \(phase (\w+)\)/, (p) => `Alleen een melding in behandeling kan worden afgesloten (nu: ${label(labels.phase, p)}).`],
  [/^Only an assigned report can be picked up \(phase (\w+)\)/, (p) => `Alleen een toegewezen melding kan worden opgenomen (nu: ${label(labels.phase, p)}).`],
  [/^The report is already linked/, () => 'De melding is al gekoppeld aan een locatie.'],
  [/^The report is already assigned to (\S+)/, (who) => `De melding is al toegewezen aan ${who}.`],
  [/^The reporter left no e-mail address/, () => 'De melder liet geen e-mailadres na: koppel terug per telefoon of brief.'],
  [/^Link the report to a location first/, () => 'Koppel de melding eerst aan een locatie.'],
  [/^The report has no running deadline/, () => 'De melding heeft geen lopende termijn.'],
  [/^The report is closed|^Melding \S+ is closed/, () => 'De melding is afgesloten en aanvaardt geen opdrachten meer.'],
  [/^At least one follow-up is required/, () => 'Kies minstens één opvolging.'],
  [/^doorgestuurd needs forwardedTo/, () => 'Kies bij “doorgestuurd” naar wie: parket of VECK.'],
  [/^A reason is required/, () => 'Een reden is verplicht.'],
  [/is already paused/, () => 'De termijn is al opgeschort.'],
  [/is not paused/, () => 'De termijn is niet opgeschort.'],
  [/is overdue and cannot be paused/, () => 'De termijn is verstreken en kan niet meer worden opgeschort; verleng hem eerst.'],
  [/exceeds the cap: (\S+) of (\S+) (\w+) already extended/, (done, cap, unit) =>
    `Die verlenging gaat over het maximum: ${done} van ${cap} ${label(labels.budgetUnit, unit)} is al verlengd.`],
  [/^Melding \S+ does not exist/, () => 'Deze melding bestaat niet.'],
];

const statusIntro: Record<number, string> = {
  0: 'Geen verbinding met de server. Probeer opnieuw: een herhaalde poging telt maar één keer.',
  400: 'De invoer is niet in orde.',
  401: 'Je sessie is verlopen of je token is ongeldig. Meld je opnieuw aan.',
  403: 'Je rol mag dit niet doen.',
  404: 'Niet gevonden.',
  409: 'Dit kan niet in de huidige toestand van de melding.',
  413: 'De invoer is te groot.',
  503: 'Een achterliggende dienst is tijdelijk niet bereikbaar; er ging niets verloren. Probeer later opnieuw: een herhaalde poging telt maar één keer.',
  500: 'Er ging iets mis aan onze kant.',
};

/**
 * An ApiError as what the user reads: a Dutch summary, the API's own detail, each failing
 * field with its Dutch label, and the request id to quote to support.
 */
export interface DescribedError {
  summary: string;
  detail: string | null;
  fields: { field: string; label: string; message: string }[];
  requestId: string | null;
}

export function describeError(error: unknown): DescribedError {
  const err = error as { local?: boolean; message?: string; status?: number; problem?: Problem | null } | null;
  if (err?.local) return { summary: err.message ?? '', detail: null, fields: [], requestId: null };
  const status = err?.status ?? 500;
  const problem = err?.problem ?? null;
  const detail = problem?.detail ?? (status === 0 ? null : err?.message ?? null);
  let summary = statusIntro[status] ?? statusIntro[status >= 500 ? 500 : 400]!;
  if (detail) {
    for (const [pattern, say] of detailTranslations) {
      const m = pattern.exec(detail);
      if (m) {
        summary = say(...m.slice(1).map((x) => x ?? ''));
        break;
      }
    }
  }
  const fields = (problem?.errors ?? []).map((e) => ({ field: e.field, label: fieldLabel(e.field), message: fieldMessage(e.message) }));
  return { summary, detail, fields, requestId: problem?.requestId ?? null };
}

// ----- enforcement (handhaving) -------------------------------------------------------------------

Object.assign(fieldLabels, {
  shortcomings: 'Tekortkomingen',
  remedyBy: 'Herstellen tegen',
  at: 'Tijdstip',
  summary: 'Samenvatting',
  remedied: 'Resultaat',
  evidence: 'Vaststelling',
  text: 'Tekst',
  decision: 'Beslissing',
  remarks: 'Opmerkingen',
  action: 'Actie',
  proceed: 'Vervolg',
  motivation: 'Motivering (voor de organisator)',
  publicMotivation: 'Publieke motivering',
  date: 'Datum',
  integrityHarmed: 'Integriteit geschaad',
  upheld: 'Uitkomst',
  verification: 'Verificatie',
  until: 'Nieuwe einddatum',
  'milestone.kind': 'Soort mijlpaal',
  'milestone.note': 'Notitie',
});

detailTranslations.push(
  [/^Set the shortcomings and the remedy deadline first/, () => 'Leg eerst de tekortkomingen en de hersteltermijn vast.'],
  [/^The remedy deadline must lie in the future/, () => 'De hersteltermijn moet in de toekomst liggen.'],
  [/^The talk was recorded and the aanmaning is sent/, () => 'Het gesprek is vastgelegd en de aanmaning is verstuurd: de tekortkomingen kunnen niet meer wijzigen.'],
  [/^The talk was already recorded/, () => 'Het gesprek is al vastgelegd.'],
  [/^The aanmaning has not been sent yet/, () => 'De aanmaning is nog niet verstuurd.'],
  [/^The outcome was already recorded/, () => 'Het resultaat is al vastgelegd.'],
  [/^(\S+) is not a command of the step (\w+)/, (_c, step) => `Dit kan niet in de huidige stap (${label(labels.step, step)}).`],
  [/^Case \S+ has no running step/, () => 'Het handhavingsdossier heeft geen lopende stap.'],
  [/^Case \S+ or its step has ended/, () => 'Het handhavingsdossier of zijn stap is afgelopen en aanvaardt geen opdrachten meer.'],
  [/^Location \S+ has an open case (\S+)/, (id) => `Deze locatie heeft al een open handhavingsdossier ${id}: escaleer dat naar een dringende beslissing.`],
  [/^Location \S+ (not found|does not exist)/, () => 'Deze locatie bestaat niet of heeft geen dossier.'],
  [/^There is no draft waiting for review/, () => 'Er wacht geen ontwerp op nazicht.'],
  [/^The current draft awaits its review/, () => 'Het huidige ontwerp wacht op nazicht door een jurist.'],
  [/^The hearing term runs until (\S+)/, (d) => `De hoorrechttermijn loopt tot ${d}; besluit na het verslag van de hoorzitting of na de termijn.`],
  [/^No hearing was requested/, () => 'Er werd geen hoorzitting gevraagd.'],
  [/^The decision is not approved yet/, () => 'De beslissing is nog niet goedgekeurd.'],
  [/^There is no pending objection/, () => 'Er is geen hangend bezwaar.'],
  [/^There is no suspension in force/, () => 'Er is geen schorsing van kracht.'],
);

// ----- work surfaces ----------------------------------------------------------------------------

/** The phase of a work item: a melding's phase, an enforcement case's "step/block", a status. */
export function workPhaseLabel(process: string, phase: string): string {
  if (process === 'melding') return label(labels.phase, phase);
  if (process === 'handhaving') {
    const [step, block] = phase.split('/');
    return [label(labels.step, step), block ? label(labels.block, block).toLowerCase() : null].filter(Boolean).join(' · ');
  }
  return phase.replace(/_/g, ' ');
}

// ----- inspections, screening, dashboard, incidents (issue 12, point 4–5) --------------------------

/** "2026-03" → "mrt 2026". */
export function formatMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  return new Intl.DateTimeFormat('nl-BE', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1]!, +m[2]! - 1, 15)));
}

/** The month now in Brussels, "YYYY-MM", shifted by `by` months. */
export function brusselsMonth(by = 0, now = Date.now()): string {
  const parts: Record<string, string> = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit' })
    .formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  const index = Number(parts.year) * 12 + Number(parts.month) - 1 + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** 0.873 → "87,3 %". */
export const formatShare = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : new Intl.NumberFormat('nl-BE', { style: 'percent', maximumFractionDigits: 1 }).format(v);

/** A number in Dutch notation. */
export const formatNumber = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : new Intl.NumberFormat('nl-BE', { maximumFractionDigits: digits }).format(v);

/** Minutes as "42 min" or "3 u 20 min". */
export function formatMinutes(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 60) return `${formatNumber(v, 1)} min`;
  const hours = Math.floor(v / 60);
  return `${hours} u ${Math.round(v - hours * 60)} min`;
}
