/**
 * The deadline kinds known today, with where each figure comes from. A figure is 'cited' when a
 * source document states it and an 'assumption' until the agency confirms it. The config is plain
 * data: a workflow receives it as input (so it is in history and replays identically) and tests
 * override budgets and ladders to run in seconds.
 */
import { HOUR_MS, MINUTE_MS, type InstantInput } from './brussels-time.js';
import { createDeadline, type Budget, type Deadline } from './deadline.js';
import { validateLadder, type EscalationLadder, type EscalationRung } from './escalation.js';

export type Provenance = { status: 'cited'; source: string } | { status: 'assumption'; note: string };

export type DeadlineKind = 'report_follow_up' | 'crisis_report_acknowledgement' | 'mentes_contact' | 'screening' | 'inspection_planning' | 'inspection_report';

export interface DeadlineKindConfig {
  kind: DeadlineKind;
  /** Shown to users, hence Dutch. */
  label: string;
  budget: Budget;
  /** In the budget's unit. */
  extensionCap: number;
  ladder: EscalationLadder;
  provenance: { budget: Provenance; extensionCap: Provenance; ladder: Provenance };
}

const SEED_PROCESS = 'seeds/002_4998b8f4e98be20a.txt (presentatie handhaving kinderopvang)';

const LADDER_ASSUMPTION: Provenance = {
  status: 'assumption',
  note: 'Escalatieladder voorgesteld door het project; te bevestigen door het agentschap.',
};

const cited = (source: string): Provenance => ({ status: 'cited', source });
const assumed = (note: string): Provenance => ({ status: 'assumption', note });

/**
 * One kind from a row of the table below: every ladder is the project's proposal, and every
 * extension cap an assumption to confirm. A rung is [id, offset from the due moment, target].
 */
function kindOf(
  kind: DeadlineKind,
  label: string,
  budget: Budget,
  extensionCap: number,
  rungs: [EscalationRung['id'], number, EscalationRung['target']][],
  provenance: { budget: Provenance; extensionCap: string },
): DeadlineKindConfig {
  return {
    kind,
    label,
    budget,
    extensionCap,
    ladder: { kind, rungs: rungs.map(([id, offsetMs, target]) => ({ id, offsetMs, target })) },
    provenance: { budget: provenance.budget, extensionCap: assumed(provenance.extensionCap), ladder: LADDER_ASSUMPTION },
  };
}

const DAY_HOURS_MS = 24 * HOUR_MS;

export const DEFAULT_DEADLINE_KINDS: Readonly<Record<DeadlineKind, DeadlineKindConfig>> = {
  report_follow_up: kindOf('report_follow_up', 'Opvolging melding door klantenbeheerder', { unit: 'hours', amount: 24 }, 48, [
    ['reminder_handler', -4 * HOUR_MS, 'handler'],
    ['due_teamcoordinator', 0, 'teamcoordinator'],
    ['overdue_central_lead', DAY_HOURS_MS, 'central_lead'],
  ], {
    budget: cited(`${SEED_PROCESS}: "Opvolging door klantenbeheerder binnen 24 u."; DOMAIN.md §1`),
    extensionCap: 'Maximaal 48 uur verlenging; te bevestigen.',
  }),
  crisis_report_acknowledgement: kindOf('crisis_report_acknowledgement', 'Crisismelding opgenomen door crisiscoördinator', { unit: 'hours', amount: 1 }, 0, [
    ['reminder_handler', -15 * MINUTE_MS, 'handler'],
    ['due_next_coordinator', 0, 'next_coordinator'],
    ['overdue_central_lead', HOUR_MS, 'central_lead'],
  ], {
    budget: assumed(`De bron zegt "onmiddellijke opvolging door crisiscoördinator" (${SEED_PROCESS}); 1 klokuur is een aanname.`),
    extensionCap: 'Geen verlenging: onmiddellijke opvolging laat geen uitstel toe.',
  }),
  mentes_contact: kindOf('mentes_contact', 'Contact Mentes na aanmaning', { unit: 'working_days', amount: 2 }, 3, [
    ['due_handler', 0, 'handler'],
    ['overdue_teamcoordinator', DAY_HOURS_MS, 'teamcoordinator'],
  ], {
    budget: cited(`${SEED_PROCESS}: "Neemt binnen 2 werkdagen contact op met voorziening op lijst aanmaning"; DOMAIN.md §2`),
    extensionCap: 'Maximaal 3 werkdagen verlenging; te bevestigen.',
  }),
  screening: kindOf('screening', 'Risicoscreening van een geselecteerd dossier', { unit: 'working_days', amount: 15 }, 10, [
    ['reminder_handler', -3 * DAY_HOURS_MS, 'handler'],
    ['due_teamcoordinator', 0, 'teamcoordinator'],
  ], {
    budget: assumed('Screening binnen 15 werkdagen (de maand waarin geselecteerd); DOMAIN.md §4 noemt geen termijn.'),
    extensionCap: 'Maximaal 10 werkdagen verlenging; te bevestigen.',
  }),
  inspection_planning: kindOf('inspection_planning', 'Spoedinspectie ingepland door Zorginspectie', { unit: 'working_days', amount: 2 }, 3, [
    ['due_teamcoordinator', 0, 'teamcoordinator'],
    ['overdue_central_lead', DAY_HOURS_MS, 'central_lead'],
  ], {
    budget: assumed('DOMAIN.md §3 noemt een snelle procedure zonder termijn; 2 werkdagen vanaf de aanvraag is een aanname.'),
    extensionCap: 'Maximaal 3 werkdagen verlenging; te bevestigen.',
  }),
  inspection_report: kindOf('inspection_report', 'Inspectieverslag van Zorginspectie', { unit: 'calendar_days', amount: 60 }, 30, [
    ['due_handler', 0, 'handler'],
    ['overdue_teamcoordinator', 7 * DAY_HOURS_MS, 'teamcoordinator'],
  ], {
    budget: assumed('Verslag binnen 60 kalenderdagen na de aanvraag; DOMAIN.md §3 noemt geen termijn.'),
    extensionCap: 'Maximaal 30 dagen verlenging; te bevestigen.',
  }),
};

export interface DeadlineKindOverride {
  budget?: Budget;
  extensionCap?: number;
  rungs?: EscalationRung[];
}

export type DeadlineKindOverrides = Partial<Record<DeadlineKind, DeadlineKindOverride>>;

const OVERRIDDEN = assumed('Overschreven door configuratie.');

/** The defaults with overrides applied; an overridden figure is no longer 'cited'. */
export function deadlineKinds(overrides: DeadlineKindOverrides = {}): Record<DeadlineKind, DeadlineKindConfig> {
  const result = {} as Record<DeadlineKind, DeadlineKindConfig>;
  for (const kind of Object.keys(DEFAULT_DEADLINE_KINDS) as DeadlineKind[]) {
    const base = DEFAULT_DEADLINE_KINDS[kind];
    const o = overrides[kind] ?? {};
    result[kind] = {
      ...base,
      budget: o.budget ? { ...o.budget } : { ...base.budget },
      extensionCap: o.extensionCap ?? base.extensionCap,
      ladder: validateLadder({ kind, rungs: (o.rungs ?? base.ladder.rungs).map((r) => ({ ...r })) }),
      provenance: {
        budget: o.budget ? OVERRIDDEN : base.provenance.budget,
        extensionCap: o.extensionCap !== undefined ? OVERRIDDEN : base.provenance.extensionCap,
        ladder: o.rungs ? OVERRIDDEN : base.provenance.ladder,
      },
    };
  }
  return result;
}

/** A fresh deadline of a configured kind; `id` must be unique within the workflow (it scopes escalation keys). */
export function createDeadlineOfKind(config: DeadlineKindConfig, id: string, anchor: InstantInput): Deadline {
  return createDeadline({ id, kind: config.kind, budget: config.budget, anchor, extensionCap: config.extensionCap });
}
