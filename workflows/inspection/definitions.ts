import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Advice, ModularEventData, ModularEventType } from '../../modular/contract.js';
import type { WorkingCalendarSpec } from '../clock/calendar.js';
import type { Deadline } from '../clock/deadline.js';
import type { DeadlineKind, DeadlineKindConfig } from '../clock/defaults.js';
import type { LocationLink } from '../melding/definitions.js';
import type { Actor } from '../shared/actor.js';
import type { InspectionStatus } from './status.js';

/** Shared by the inspection workflow and the API: the process's messages and their types. */

export { inspectionStatuses, type InspectionStatus } from './status.js';

export const inspectionWorkflowType = 'inspectionWorkflow';
export const inspectionWorkflowId = (inspectionId: string) => `inspectie:${inspectionId}`;

/** `spoed`: the fast procedure, when children's physical or psychological integrity may be harmed. */
export const urgencies = ['regulier', 'spoed'] as const;
export type Urgency = (typeof urgencies)[number];

/** Who asked for the inspection; the final report is delivered back to it. */
export const requesterTypes = ['klantenbeheerder', 'melding', 'handhaving', 'risicoscreening'] as const;
export type RequesterType = (typeof requesterTypes)[number];

/** The location inspected: the same facts as a report's link to its location. */
export type InspectionLocation = LocationLink;

export type InspectionDeadlineKind = Extract<DeadlineKind, 'inspection_planning' | 'inspection_report'>;

/** Everything the process needs from configuration, fixed at start so replays see the same. */
export interface InspectionSettings {
  deadlines: Record<InspectionDeadlineKind, DeadlineKindConfig>;
  calendar: WorkingCalendarSpec;
}

export interface InspectionInput {
  inspectionId: string;
  idempotencyKey: string | null;
  location: InspectionLocation;
  reason: string;
  questions: string[];
  urgency: Urgency;
  /** Two inspectors (vier-ogenprincipe); always true for the fast procedure. */
  fourEyes: boolean;
  requestedBy: { type: RequesterType; id: string | null };
  requestedAt: string;
  createdBy: Actor;
  settings: InspectionSettings;
}

export interface FinalReport {
  documentRef: string;
  findings: string[];
  advice: Advice;
  receivedAt: string;
}

export interface Cancellation {
  by: 'agentschap' | 'zorginspectie';
  actorId: string;
  reason: string;
  requestedAt: string;
  /** When Modular confirmed it (or announced it, when Zorginspectie cancelled). */
  confirmedAt: string | null;
  /** Modular refused (e.g. the final report was already made). */
  refusedReason: string | null;
}

export interface InspectionDeadline {
  kind: InspectionDeadlineKind;
  label: string;
  deadline: Deadline;
  met: boolean;
}

export interface Delivery {
  to: string;
  what: string;
  at: string;
  workflowId: string | null;
}

export interface InspectionState {
  inspectionId: string;
  status: InspectionStatus;
  /**
   * Who follows the request up: the dossier's case manager when it was asked, then whoever the
   * team coordinator hands it to. Absent in states of workers from before reassignment: the
   * location's case manager of the input.
   */
  caseManagerId?: string | null;
  orderId: string | null;
  /** True until Modular has confirmed the order: shown on dashboards as "waiting for Modular". */
  waitingForModular: boolean;
  plannedVisit: { visitDate: string; inspectors: number } | null;
  visitedAt: string | null;
  draft: { documentRef: string; receivedAt: string; reactionDeadline: string | null } | null;
  /** The location's reaction to the draft: recorded, never published. */
  locationReaction: { text: string; receivedAt: string } | null;
  finalReport: FinalReport | null;
  cancellation: Cancellation | null;
  deadlines: InspectionDeadline[];
  /** Earliest due moment of a running deadline (ISO), if any. */
  dueAt: string | null;
  overdue: boolean;
  firedRungs: string[];
  /** Where the outcome went: the requesting flow, an enforcement case. */
  deliveries: Delivery[];
  /** Webhook delivery ids already applied (a second copy is ignored). */
  seenDeliveries: string[];
  closedAt: string | null;
  history: { at: string; actorId: string; action: string; detail?: string }[];
  version: number;
}

/** A webhook delivery from Modular, as the API passes it on (signature already checked). */
export interface ModularEventMessage {
  deliveryId: string;
  orderId: string;
  event: ModularEventType;
  occurredAt: string;
  data: ModularEventData;
}

export interface CancelCommand {
  actor: Actor;
  reason: string;
}

/** Hands the request's follow-up to another case manager (absence, workload), with a reason. */
export interface AssignInspectionCommand {
  actor: Actor;
  assigneeId: string;
  reason: string;
}

/** Status changes from Modular: a signal, since Modular only needs the delivery acknowledged. */
export const modularEventSignal = defineSignal<[ModularEventMessage]>('modularEvent');
/** Sent with the start (update-with-start): answers once the request is registered. */
export const registeredUpdate = defineUpdate<InspectionState, []>('registered');
/** An update, so the case manager hears whether Modular confirmed the cancellation. */
export const cancelUpdate = defineUpdate<InspectionState, [CancelCommand]>('cancel');
/** An Update: the team coordinator hears at once whether the request took it. */
export const assignInspectionUpdate = defineUpdate<InspectionState, [AssignInspectionCommand]>('assignInspection');
export const inspectionStateQuery = defineQuery<InspectionState>('inspectionState');

export { refusals as inspectionRefusals } from '../shared/refusals.js';
