import { createHash } from 'node:crypto';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { resolveLocationLink } from '../../db/repositories/locations.js';
import type { Database } from '../../db/schema.js';
import type { InspectionRow } from '../../db/tables/inspections.js';
import {
  type InspectionInput,
  type InspectionSettings,
  type InspectionState,
  inspectionWorkflowId,
  inspectionWorkflowType,
  type RequesterType,
  type Urgency,
} from './definitions.js';
import { locationIdKey, processKindKey } from '../search-attributes.js';
import type { Actor } from '../shared/actor.js';

export interface InspectionRequest {
  /** What makes the request unique: the same key never starts a second inspection. */
  key: string;
  locationId: string;
  reason: string;
  questions?: string[];
  urgency: Urgency;
  requestedBy: { type: RequesterType; id: string | null };
  actor: Actor;
}

/** INS- and 16 hex of the key's hash, as the API derives it from an Idempotency-Key. */
export function inspectionIdForKey(key: string): string {
  return `INS-${createHash('sha256').update(`key:${key}`).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * How a request's workflow starts, from the API or from another process: its id comes from the
 * request's id, an existing one is kept and a finished one is never started again.
 */
export function inspectionStartOptions(input: InspectionInput, taskQueue: string): WorkflowStartOptions & { workflowIdConflictPolicy: WorkflowIdConflictPolicy } {
  return {
    workflowId: inspectionWorkflowId(input.inspectionId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: processKindKey, value: 'inspectie' },
      { key: locationIdKey, value: input.location.locationId },
    ],
  };
}

/** The register's record of a request: the one mapping from its input and state to a row. */
export type InspectionRecord = Omit<InspectionRow, 'created_at' | 'updated_at'>;

/**
 * The request's row as its state has it: what the activity projects into the register, and what
 * the API answers before that projection lands.
 */
export function inspectionRecord(input: Omit<InspectionInput, 'settings'>, state: InspectionState): InspectionRecord {
  const report = state.finalReport;
  return {
    id: input.inspectionId,
    workflow_id: inspectionWorkflowId(input.inspectionId),
    idempotency_key: input.idempotencyKey,
    location_id: input.location.locationId,
    organiser_id: input.location.organiserId,
    dossier_id: input.location.dossierId,
    team_id: input.location.teamId,
    // Reassigned: the state's; states of workers from before reassignment have none.
    case_manager_id: state.caseManagerId === undefined ? input.location.caseManagerId : state.caseManagerId,
    reason: input.reason,
    questions: input.questions,
    urgency: input.urgency,
    four_eyes: input.fourEyes,
    requested_by_type: input.requestedBy.type,
    requested_by_id: input.requestedBy.id,
    status: state.status,
    modular_order_id: state.orderId,
    planned_visit_at: state.plannedVisit ? new Date(state.plannedVisit.visitDate) : null,
    visited_at: state.visitedAt ? new Date(state.visitedAt) : null,
    draft_document_ref: state.draft?.documentRef ?? null,
    location_reaction: state.locationReaction ? { ...state.locationReaction } : null,
    final_report: report ? { ...report } : null,
    advice_enforce: report?.advice.enforce ?? null,
    advice_urgency: report?.advice.urgency ?? null,
    cancellation: state.cancellation ? { ...state.cancellation } : null,
    deliveries: state.deliveries.map((d) => ({ ...d })),
    due_at: state.dueAt ? new Date(state.dueAt) : null,
    overdue: state.overdue,
    requested_at: new Date(input.requestedAt),
    closed_at: state.closedAt ? new Date(state.closedAt) : null,
    created_by: input.createdBy.id,
    version: state.version,
  };
}

/**
 * Asks for an inspection on behalf of another process (a report's follow-up, a screening), once
 * per key: the workflow id comes from the key and an existing one is kept.
 */
export async function requestInspection(
  deps: { db: Kysely<Database>; temporal: Client; taskQueue: string; settings: (at: Date) => InspectionSettings },
  request: InspectionRequest,
): Promise<{ inspectionId: string }> {
  const location = await resolveLocationLink(deps.db, { locationId: request.locationId });
  if (!location) throw new Error(`location ${request.locationId} has no dossier`);
  const inspectionId = inspectionIdForKey(request.key);
  const requestedAt = new Date();
  const input: InspectionInput = {
    inspectionId,
    idempotencyKey: request.key,
    location,
    reason: request.reason,
    questions: request.questions ?? [],
    urgency: request.urgency,
    fourEyes: request.urgency === 'spoed',
    requestedBy: request.requestedBy,
    requestedAt: requestedAt.toISOString(),
    createdBy: request.actor,
    settings: deps.settings(requestedAt),
  };
  await deps.temporal.workflow.start(inspectionWorkflowType, inspectionStartOptions(input, deps.taskQueue)).catch((err: unknown) => {
    // Already started and finished for this key: it happened once, which is the point.
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  });
  return { inspectionId };
}
