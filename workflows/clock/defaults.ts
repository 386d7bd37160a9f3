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

export const DEFAULT_DEADLINE_KINDS: Readonly<Record<DeadlineKind, DeadlineKindConfig>> = {
  report_follow_up: {
    kind: 'report_follow_up',
    label: 'Opvolging melding door klantenbeheerder',
    budget: { unit: 'hours', amount: 24 },
    extensionCap: 48,
    ladder: {
      kind: 'report_follow_up',
      rungs: [
        { id: 'reminder_handler', offsetMs: -4 * HOUR_MS, target: 'handler' },
        { id: 'due_teamcoordinator', offsetMs: 0, target: 'teamcoordinator' },
        { id: 'overdue_central_lead', offsetMs: 24 * HOUR_MS, target: 'central_lead' },
      ],
    },
    provenance: {
      budget: { status: 'cited', source: `${SEED_PROCESS}: "Opvolging door klantenbeheerder binnen 24 u."; DOMAIN.md §1` },
      extensionCap: { status: 'assumption', note: 'Maximaal 48 uur verlenging; te bevestigen.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
  crisis_report_acknowledgement: {
    kind: 'crisis_report_acknowledgement',
    label: 'Crisismelding opgenomen door crisiscoördinator',
    budget: { unit: 'hours', amount: 1 },
    extensionCap: 0,
    ladder: {
      kind: 'crisis_report_acknowledgement',
      rungs: [
        { id: 'reminder_handler', offsetMs: -15 * MINUTE_MS, target: 'handler' },
        { id: 'due_next_coordinator', offsetMs: 0, target: 'next_coordinator' },
        { id: 'overdue_central_lead', offsetMs: HOUR_MS, target: 'central_lead' },
      ],
    },
    provenance: {
      budget: {
        status: 'assumption',
        note: `De bron zegt "onmiddellijke opvolging door crisiscoördinator" (${SEED_PROCESS}); 1 klokuur is een aanname.`,
      },
      extensionCap: { status: 'assumption', note: 'Geen verlenging: onmiddellijke opvolging laat geen uitstel toe.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
  mentes_contact: {
    kind: 'mentes_contact',
    label: 'Contact Mentes na aanmaning',
    budget: { unit: 'working_days', amount: 2 },
    extensionCap: 3,
    ladder: {
      kind: 'mentes_contact',
      rungs: [
        { id: 'due_handler', offsetMs: 0, target: 'handler' },
        { id: 'overdue_teamcoordinator', offsetMs: 24 * HOUR_MS, target: 'teamcoordinator' },
      ],
    },
    provenance: {
      budget: { status: 'cited', source: `${SEED_PROCESS}: "Neemt binnen 2 werkdagen contact op met voorziening op lijst aanmaning"; DOMAIN.md §2` },
      extensionCap: { status: 'assumption', note: 'Maximaal 3 werkdagen verlenging; te bevestigen.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
  screening: {
    kind: 'screening',
    label: 'Risicoscreening van een geselecteerd dossier',
    budget: { unit: 'working_days', amount: 15 },
    extensionCap: 10,
    ladder: {
      kind: 'screening',
      rungs: [
        { id: 'reminder_handler', offsetMs: -3 * 24 * HOUR_MS, target: 'handler' },
        { id: 'due_teamcoordinator', offsetMs: 0, target: 'teamcoordinator' },
      ],
    },
    provenance: {
      budget: { status: 'assumption', note: 'Screening binnen 15 werkdagen (de maand waarin geselecteerd); DOMAIN.md §4 noemt geen termijn.' },
      extensionCap: { status: 'assumption', note: 'Maximaal 10 werkdagen verlenging; te bevestigen.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
  inspection_planning: {
    kind: 'inspection_planning',
    label: 'Spoedinspectie ingepland door Zorginspectie',
    budget: { unit: 'working_days', amount: 2 },
    extensionCap: 3,
    ladder: {
      kind: 'inspection_planning',
      rungs: [
        { id: 'due_teamcoordinator', offsetMs: 0, target: 'teamcoordinator' },
        { id: 'overdue_central_lead', offsetMs: 24 * HOUR_MS, target: 'central_lead' },
      ],
    },
    provenance: {
      budget: { status: 'assumption', note: 'DOMAIN.md §3 noemt een snelle procedure zonder termijn; 2 werkdagen vanaf de aanvraag is een aanname.' },
      extensionCap: { status: 'assumption', note: 'Maximaal 3 werkdagen verlenging; te bevestigen.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
  inspection_report: {
    kind: 'inspection_report',
    label: 'Inspectieverslag van Zorginspectie',
    budget: { unit: 'calendar_days', amount: 60 },
    extensionCap: 30,
    ladder: {
      kind: 'inspection_report',
      rungs: [
        { id: 'due_handler', offsetMs: 0, target: 'handler' },
        { id: 'overdue_teamcoordinator', offsetMs: 7 * 24 * HOUR_MS, target: 'teamcoordinator' },
      ],
    },
    provenance: {
      budget: { status: 'assumption', note: 'Verslag binnen 60 kalenderdagen na de aanvraag; DOMAIN.md §3 noemt geen termijn.' },
      extensionCap: { status: 'assumption', note: 'Maximaal 30 dagen verlenging; te bevestigen.' },
      ladder: LADDER_ASSUMPTION,
    },
  },
};

export interface DeadlineKindOverride {
  budget?: Budget;
  extensionCap?: number;
  rungs?: EscalationRung[];
}

export type DeadlineKindOverrides = Partial<Record<DeadlineKind, DeadlineKindOverride>>;

const OVERRIDDEN: Provenance = { status: 'assumption', note: 'Overschreven door configuratie.' };

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
