import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendarSpec } from '../clock/calendar.js';
import type { Actor } from '../shared/actor.js';

/**
 * Shared by the enforcement workflows and the API. One case (handhavingsdossier) per location
 * holds the milestones and decides which of the four flows runs next; each flow runs as a child
 * workflow that takes the commands of its step.
 */

export const enforcementCaseWorkflowType = 'enforcementCaseWorkflow';
/** One open case per location: the workflow id is the location's, so Temporal enforces it. */
export const enforcementCaseWorkflowId = (locationId: string) => `handhaving:${locationId}`;

export const flows = ['aanmaning', 'voornemen', 'beslissing', 'dringende_beslissing'] as const;
export type Flow = (typeof flows)[number];
export const flowWorkflowTypes: Record<Flow, string> = {
  aanmaning: 'aanmaningWorkflow',
  voornemen: 'voornemenWorkflow',
  beslissing: 'beslissingWorkflow',
  dringende_beslissing: 'dringendeBeslissingWorkflow',
};

/** The three blocks every step runs through (DOMAIN.md §2). */
export const blocks = ['mijlpaal', 'communicatie', 'opvolging', 'afgerond'] as const;
export type Block = (typeof blocks)[number];

export const milestoneKinds = [
  'melding', // a report's outcome handhaving_gestart
  'advies_handhaving', // Zorginspectie advises enforcement
  'inspectieverslag',
  'risicoscreening',
  'rechtstreeks', // started directly by a case manager
  'termijn_verstreken_tekortkomingen', // remedy deadline passed, not remedied
  'vroegtijdige_escalatie', // not remedied and escalated before the remedy deadline, with a reason (e.g. a written refusal)
  'hoorrecht_afgerond', // hearing done or its term expired
  'integriteitsrisico', // a risk to children's integrity: the urgent flow
  'opschorting_verificatie',
] as const;
export type MilestoneKind = (typeof milestoneKinds)[number];

export interface Milestone {
  /** Set by the starter: the milestone that starts a case and the one it sends along are the same. */
  id?: string;
  kind: MilestoneKind;
  at: string;
  /** E.g. the report, inspection report or screening that triggered it. */
  reference?: { type: string; id: string };
  note?: string;
  actorId: string;
  /** Zorginspectie's advice to enforce is urgent: the case proposes the decision in urgent necessity. */
  proposeUrgent?: boolean;
}

export type DecisionKind = 'schorsing' | 'opheffing';

export interface CaseLocation {
  locationId: string;
  locationName: string;
  organiserId: string;
  organiserName: string;
  organiserEmail: string | null;
  dossierId: string;
  teamId: string;
  caseManagerId: string | null;
  municipality: string;
  capacity: number;
}

/** Terms, fixed at the start of a case so a replay sees what the case started with. */
export interface EnforcementSettings {
  calendar: WorkingCalendarSpec;
  /** Working days the organiser has to be heard after the voornemen. */
  hearingTermWorkingDays: number;
  /** Calendar days to object (bezwaar) after a decision. */
  objectionTermDays: number;
  /** Working days for Mentes to contact the location after an aanmaning. */
  mentesContactWorkingDays: number;
  /** Remind the case manager this long (ms) before a deadline. */
  reminderBeforeMs: number;
  /** For tests: when set, day-based terms are this many ms instead (seconds on the dev server). */
  compressDayMs?: number;
  /** Interim news to parents during a suspension, every this many days (default 14, an assumption). */
  interimNewsEveryDays?: number;
  /** The municipality's replacement capacity: months from the decision (12) and its one extension (6). */
  replacementCapacityMonths?: number;
  replacementExtensionMonths?: number;
  /** Reminders this many days before the replacement capacity ends (default 30, an assumption). */
  replacementReminderDays?: number;
}

export interface CaseInput {
  caseId: string;
  location: CaseLocation;
  first: Milestone;
  /** Start directly with the urgent decision (integrity risk). */
  urgent: boolean;
  startedBy: Actor;
  settings: EnforcementSettings;
}

export interface Communication {
  key: string;
  recipient: 'organisator' | 'ouders' | 'lokaal_bestuur' | 'mentes' | 'klantenbeheerder' | 'jurist';
  kind: string;
  channel: 'email' | 'aangetekende_brief' | 'brief' | 'intern' | 'mondeling' | 'ebox';
  at: string;
  /** `skipped`: the channel does not apply (an e-Box for an organiser without enterprise number). */
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'recorded' | 'skipped';
  /** A registered letter's outcome, from the provider's callback (issue 13). */
  outcome?: { status: string; presentedOn?: string | null; deliveredOn?: string | null; termFrom?: string | null };
}

export interface PendingDeadline {
  id: string;
  label: string;
  dueAt: string;
}

export interface FlowState {
  /** Increases with every report to the case: signals may overtake each other, the case keeps the newest. */
  seq: number;
  flow: Flow;
  workflowId: string;
  block: Block;
  /** What the flow waits for now, in Dutch: shown to the case manager. */
  waitingFor: string;
  data: Record<string, unknown>;
  deadlines: PendingDeadline[];
  communications: Communication[];
  history: { at: string; actorId: string; action: string; detail?: string }[];
}

export type FlowOutcome =
  | { result: 'remedied'; reason: string }
  | { result: 'not_remedied'; reason: string; earlyEscalation?: { reason: string } }
  | { result: 'proceed'; decision: DecisionKind; reason: string }
  | { result: 'closed'; reason: string }
  | { result: 'decided'; decision: DecisionKind; lifted: boolean; escalateToOpheffing: boolean; reason: string };

export interface FlowInput {
  caseId: string;
  flow: Flow;
  location: CaseLocation;
  settings: EnforcementSettings;
  milestone: Milestone;
  /** For voornemen/beslissing: the decision the previous step pointed at. */
  decision?: DecisionKind;
}

export interface CaseState {
  caseId: string;
  location: CaseLocation;
  status: 'open' | 'closed';
  step: Flow | null;
  block: Block;
  urgent: boolean;
  milestones: Milestone[];
  steps: { flow: Flow; workflowId: string; startedAt: string; endedAt: string | null; outcome: FlowOutcome | null }[];
  current: FlowState | null;
  /** An urgent advice proposed the decision in urgent necessity; the case manager confirms it or keeps the ordinary route. */
  urgentProposal?: UrgentProposal | null;
  closedReason: string | null;
  closedAt: string | null;
  version: number;
}

export interface UrgentProposal {
  milestoneId: string;
  at: string;
  note: string;
  /** Set once the case manager decided. */
  decided?: { confirmed: boolean; reason: string; actorId: string; at: string };
}

/** What a case waits for, as lists and views show it; a closed case waits for nothing. */
export function caseWaitingFor(state: CaseState): string | null {
  if (state.status === 'closed') return null;
  if (state.urgentProposal && !state.urgentProposal.decided) return 'voorstel dringende beslissing bevestigen of gewone weg kiezen (met reden)';
  return state.current?.waitingFor ?? null;
}

/** The case's next deadline; a closed case has none. */
export function caseDueAt(state: CaseState): string | null {
  if (state.status === 'closed') return null;
  return state.current?.deadlines[0]?.dueAt ?? null;
}

// --- case-level messages ---------------------------------------------------------------------

export interface MilestoneCommand {
  actor: Actor;
  milestone: Omit<Milestone, 'actorId' | 'at'>;
}
export interface CloseCaseCommand {
  actor: Actor;
  reason: string;
}
export interface UrgentProposalCommand {
  actor: Actor;
  /** true: on to the decision in urgent necessity; false: the ordinary route (aanmaning or the running step). */
  confirm: boolean;
  decision?: DecisionKind;
  reason: string;
}
export interface UrgentCommand {
  actor: Actor;
  reason: string;
  decision: DecisionKind;
}
/** Hands the case to another case manager (absence, workload), with a reason. */
export interface AssignCaseCommand {
  actor: Actor;
  assigneeId: string;
  reason: string;
}

/** Evidence arriving for an open case (or starting one with signal-with-start): a milestone. */
export const milestoneSignal = defineSignal<[MilestoneCommand]>('milestone');
/** The same as an Update, for callers that need the case's state back (update-with-start). */
export const milestoneUpdate = defineUpdate<CaseState, [MilestoneCommand]>('addMilestone');
export const closeCaseUpdate = defineUpdate<CaseState, [CloseCaseCommand]>('closeCase');
export const escalateUrgentUpdate = defineUpdate<CaseState, [UrgentCommand]>('escalateUrgent');
export const urgentProposalUpdate = defineUpdate<CaseState, [UrgentProposalCommand]>('decideUrgentProposal');
/** An Update, not a signal: the team coordinator hears at once whether the case took it. */
export const assignCaseUpdate = defineUpdate<CaseState, [AssignCaseCommand]>('assignCase');
export const caseStateQuery = defineQuery<CaseState>('caseState');
/** Sent by a flow to its case after every change, so the case's query shows the step live. */
export const flowProgressSignal = defineSignal<[FlowState]>('flowProgress');
/**
 * Asks a flow to tell its case its state again: the operator's repair for a case that lost its
 * step's progress (docs/reliability.md, gap 7; `npm run cases:resync`). No arguments, so the
 * Temporal CLI can send it too.
 */
export const republishProgressSignal = defineSignal('republishProgress');

// --- flow-level commands (Updates to the running child) --------------------------------------

export interface FlowCommand {
  actor: Actor;
}
export interface ShortcomingsCommand extends FlowCommand {
  shortcomings: string[];
  /** 'YYYY-MM-DD': the organiser must have remedied by the end of this day. */
  remedyBy: string;
}
export interface TalkCommand extends FlowCommand {
  at: string;
  summary: string;
}
export interface MentesContactCommand extends FlowCommand {
  at: string;
}
export interface RemedyOutcomeCommand extends FlowCommand {
  remedied: boolean;
  evidence: string;
  /** Not remedied before the remedy deadline has passed: only as an explicit early escalation with its reason. */
  earlyEscalation?: { reason: string };
}
export interface DraftCommand extends FlowCommand {
  decision: DecisionKind;
  text: string;
}
export interface ReviewCommand extends FlowCommand {
  approve: boolean;
  remarks: string;
}
export interface HearingCommand extends FlowCommand {
  action: 'requested' | 'planned' | 'report';
  at: string;
  note: string;
}
export interface ConcludeCommand extends FlowCommand {
  proceed: boolean;
  reason: string;
}
export interface DecisionCommand extends FlowCommand {
  decision: DecisionKind;
  /** The full motivation, for the organiser. */
  motivation: string;
  /** The motivation without personal or privacy-sensitive data: for parents, local government and the public. */
  publicMotivation: string;
  /** Schorsing: the end date; opheffing: the effective date ('YYYY-MM-DD'). */
  date: string;
  integrityHarmed: boolean;
}
export interface OralNoticeCommand extends FlowCommand {
  at: string;
  note: string;
}
export interface ObjectionCommand extends FlowCommand {
  action: 'received' | 'decided';
  upheld?: boolean;
  note: string;
}
export interface SuspensionEndCommand extends FlowCommand {
  action: 'lift' | 'extend' | 'escalate';
  /** For extend: the new end date. */
  until?: string;
  verification: string;
}
export interface LetterDeliveryCommand extends FlowCommand {
  key: string;
  delivered: boolean;
  trackingReference: string;
}

export const flowStateQuery = defineQuery<FlowState>('flowState');
export const shortcomingsUpdate = defineUpdate<FlowState, [ShortcomingsCommand]>('setShortcomings');
export const talkUpdate = defineUpdate<FlowState, [TalkCommand]>('recordTalk');
export const mentesContactUpdate = defineUpdate<FlowState, [MentesContactCommand]>('recordMentesContact');
export const remedyOutcomeUpdate = defineUpdate<FlowState, [RemedyOutcomeCommand]>('recordRemedyOutcome');
export const draftUpdate = defineUpdate<FlowState, [DraftCommand]>('submitDraft');
export const reviewUpdate = defineUpdate<FlowState, [ReviewCommand]>('reviewDraft');
export const hearingUpdate = defineUpdate<FlowState, [HearingCommand]>('recordHearing');
export const concludeUpdate = defineUpdate<FlowState, [ConcludeCommand]>('concludeHearing');
export const decisionUpdate = defineUpdate<FlowState, [DecisionCommand]>('takeDecision');
export const oralNoticeUpdate = defineUpdate<FlowState, [OralNoticeCommand]>('recordOralNotice');
export const objectionUpdate = defineUpdate<FlowState, [ObjectionCommand]>('recordObjection');
export const suspensionEndUpdate = defineUpdate<FlowState, [SuspensionEndCommand]>('endSuspension');
export const letterDeliveryUpdate = defineUpdate<FlowState, [LetterDeliveryCommand]>('recordLetterDelivery');

// --- issue 13: letters' outcomes, the information session, replacement capacity -------------

/** A channel's callback about a letter of this flow (registered mail: delivered, not collected, returned). */
export interface LetterOutcome {
  key: string;
  status: 'bezorgd' | 'niet_afgehaald' | 'teruggestuurd' | 'gelezen';
  presentedOn?: string | null;
  deliveredOn?: string | null;
  termFrom?: string | null;
}
export const letterOutcomeSignal = defineSignal<[LetterOutcome]>('letterOutcome');

export interface InformationSessionCommand extends FlowCommand {
  /** When, ISO instant. */
  at: string;
  place: string;
  note: string;
}
export const informationSessionUpdate = defineUpdate<FlowState, [InformationSessionCommand]>('planInformationSession');

export const replacementCapacityWorkflowType = 'replacementCapacityWorkflow';
export const replacementCapacityWorkflowId = (decisionId: string) => `vervangcapaciteit:${decisionId}`;

export interface ReplacementCapacityInput {
  caseId: string;
  decisionId: string;
  location: CaseLocation;
  places: number;
  /** The decision's date (sending), 'YYYY-MM-DD'. */
  decidedOn: string;
  settings: EnforcementSettings;
}

export interface ReplacementCapacityState {
  decisionId: string;
  status: 'lopend' | 'verlengd' | 'afgelopen' | 'beeindigd';
  startsOn: string;
  endsOn: string;
  endsAt: string;
  extended: boolean;
  reminders: number;
}

export interface ReplacementCapacityCommand {
  actor: Actor;
  action: 'extend' | 'end';
  reason: string;
}
export const replacementCapacityUpdate = defineUpdate<ReplacementCapacityState, [ReplacementCapacityCommand]>('changeReplacementCapacity');
export const replacementCapacityQuery = defineQuery<ReplacementCapacityState>('replacementCapacityState');
