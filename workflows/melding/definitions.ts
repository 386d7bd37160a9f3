import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendarSpec } from '../clock/calendar.js';
import type { Deadline } from '../clock/deadline.js';
import type { DeadlineKind, DeadlineKindConfig } from '../clock/defaults.js';
import type { Actor } from '../shared/actor.js';

/** Shared by the melding workflow and the API: the process's messages and their types. */

export const meldingWorkflowType = 'meldingWorkflow';
export const meldingWorkflowId = (meldingId: string) => `melding:${meldingId}`;

export const sources = ['derde', 'voorziening', 'parket', 'klantenbeheerder'] as const;
export type Source = (typeof sources)[number];

export const channels = ['telefoon', 'email', 'webformulier', 'brief', 'balie', 'klaroen', 'andere'] as const;
export type Channel = (typeof channels)[number];

export const triages = ['crisis', 'regulier'] as const;
export type Triage = (typeof triages)[number];

export const followUpKinds = ['geen_gevolg', 'toegevoegd_aan_dossier', 'inspectie_gevraagd', 'handhaving_gestart', 'doorgestuurd'] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

/**
 * Where a report stands. `te_koppelen`: waiting for a case manager to link it to a location;
 * `toegewezen`: assigned, waiting to be picked up (the deadline runs); `in_behandeling`: picked
 * up, being handled; `afgesloten`: closed with its follow-ups.
 */
export const phases = ['te_koppelen', 'toegewezen', 'in_behandeling', 'afgesloten'] as const;
export type Phase = (typeof phases)[number];

export interface Reporter {
  name?: string;
  email?: string;
  phone?: string;
}

export interface LocationLink {
  locationId: string;
  locationName: string;
  organiserId: string;
  dossierId: string;
  teamId: string;
  caseManagerId: string | null;
}

/** Everything the process needs from configuration, fixed at start so replays see the same. */
export interface MeldingSettings {
  deadlines: Pick<Record<DeadlineKind, DeadlineKindConfig>, 'report_follow_up' | 'crisis_report_acknowledgement'>;
  calendar: WorkingCalendarSpec;
  /**
   * How the intake writes (issue 15). Absent in production: one save by a local activity. The
   * benchmark (bench/intake.ts) sets it to measure each lever alone; docs/performance.md.
   */
  intakePath?: IntakePath;
}

/**
 * The intake's levers (issue 15, docs/performance.md). `registeredBy`: `api` (the default): the
 * API decides the intake, writes the register and starts the workflow bare; `workflow`: the
 * update-with-start path, where the workflow registers the report and the update answers.
 * `localActivities` and `singleSave` shape the workflow's own intake save on either path.
 */
export interface IntakePath {
  registeredBy?: 'api' | 'workflow';
  localActivities?: boolean;
  singleSave?: boolean;
}

/**
 * The intake as the API decided it (issue 15): its moment and the crisis coordinator on duty then
 * (null: none on duty, or not a crisis). The API computed the report's first state from it with
 * `ReportCase.registerAndRoute` and wrote the register; the workflow computes the same state with
 * the same code and writes the same rows again, idempotently (docs/meldingen.md, "Never lost").
 */
export interface IntakeDecision {
  at: string;
  crisisCoordinator: string | null;
  /**
   * Set by the API's starter, which starts a registered report only after the intake's commit
   * (api/routes/meldingen/starts.ts): the register already holds every row the workflow would
   * write, so it writes none. Absent for reports started inside the API's transaction (before the
   * start moved after the commit): they write the same rows again, idempotently (the backstop).
   */
  committed?: true;
}

/** One change of a report, noted at `version` (its timeline entry's and audit record's key). */
export interface MeldingEvent {
  version: number;
  phase: Phase;
  action: string;
  title: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

export interface MeldingInput {
  meldingId: string;
  receivedAt: string;
  source: Source;
  channel: Channel;
  externalRef: string | null;
  idempotencyKey: string | null;
  reporter: Reporter | null;
  description: string;
  categories: string[];
  immediateDanger: boolean;
  /** What the reporter gave to identify the location, when it could not be linked. */
  locationHint: { locationId?: string; organiserId?: string; addressText?: string };
  link: LocationLink | null;
  createdBy: Actor;
  settings: MeldingSettings;
  /**
   * Present when the API registered the report and started the workflow bare (issue 15); absent
   * for reports started by update-with-start, which the workflow registers itself.
   */
  intake?: IntakeDecision;
}

export interface FollowUp {
  kind: FollowUpKind;
  note?: string;
  /** For `doorgestuurd`: parket or VECK. */
  forwardedTo?: 'parket' | 'VECK';
}

export interface HistoryItem {
  at: string;
  actorId: string;
  action: string;
  detail?: string;
}

export interface MeldingState {
  meldingId: string;
  phase: Phase;
  receivedAt: string;
  triageProposed: Triage;
  triageReasons: string[];
  triage: Triage;
  triageConfirmed: boolean;
  link: LocationLink | null;
  assigneeId: string | null;
  teamId: string | null;
  deadline: Deadline | null;
  /** ISO; absent while paused or once the deadline is met. */
  dueAt: string | null;
  deadlineMet: boolean;
  overdue: boolean;
  firedRungs: string[];
  feedback: { at: string; channel: string; outboxKey: string | null } | null;
  followUps: FollowUp[];
  closedAt: string | null;
  history: HistoryItem[];
  version: number;
}

// --- commands (Updates: the caller gets the new state, or a refusal with the reason) ---------

export interface Command {
  actor: Actor;
}
export interface TriageCommand extends Command {
  triage: Triage;
  reason: string;
}
export interface LinkCommand extends Command {
  link: LocationLink;
}
export interface AssignCommand extends Command {
  assigneeId: string;
  reason: string;
}
export interface AcknowledgeCommand extends Command {
  note?: string;
  /**
   * When the API received the pick-up (ISO 8601), set by the API, never by the caller: the legal
   * moment of the pick-up, whenever the workflow gets to it.
   */
  at?: string;
}
export interface PauseCommand extends Command {
  reason: string;
  basis: string;
}
export interface ExtendCommand extends Command {
  hours: number;
  reason: string;
  basis: string;
}
export interface FeedbackCommand extends Command {
  channel: 'email' | 'telefoon' | 'brief';
  message: string;
}
export interface CloseCommand extends Command {
  followUps: FollowUp[];
  /** Required when no feedback was given (e.g. an anonymous reporter). */
  noFeedbackReason?: string;
}

/**
 * The intake's answer. `created`: this intake registered the report (the first intake the
 * workflow handled); every later intake for the same report (a retry, or a concurrent send
 * that met the first in the same workflow) gets `false`, so the API answers exactly one 201.
 */
export interface IntakeAnswer {
  created: boolean;
  state: MeldingState;
}

/**
 * Sent with the start (update-with-start): answers once the report is registered and routed,
 * so the intake's caller sees the triage and the assignee. Sent again for the same report, it
 * answers the current state: an intake retried with the same key never makes a second report.
 */
export const intakeUpdate = defineUpdate<IntakeAnswer, []>('intake');
export const triageUpdate = defineUpdate<MeldingState, [TriageCommand]>('triage');
export const linkUpdate = defineUpdate<MeldingState, [LinkCommand]>('link');
export const assignUpdate = defineUpdate<MeldingState, [AssignCommand]>('assign');
export const acknowledgeUpdate = defineUpdate<MeldingState, [AcknowledgeCommand]>('acknowledge');
export const pauseDeadlineUpdate = defineUpdate<MeldingState, [PauseCommand]>('pauseDeadline');
export const resumeDeadlineUpdate = defineUpdate<MeldingState, [PauseCommand]>('resumeDeadline');
export const extendDeadlineUpdate = defineUpdate<MeldingState, [ExtendCommand]>('extendDeadline');
export const feedbackUpdate = defineUpdate<MeldingState, [FeedbackCommand]>('recordFeedback');
export const closeUpdate = defineUpdate<MeldingState, [CloseCommand]>('close');

export const stateQuery = defineQuery<MeldingState>('state');

export { refusals } from '../shared/refusals.js';
