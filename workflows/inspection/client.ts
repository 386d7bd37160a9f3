import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { resolveLocationLink } from '../../db/repositories/locations.js';
import type { Database } from '../../db/schema.js';
import {
  type InspectionInput,
  type InspectionSettings,
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
  await deps.temporal.workflow.start(inspectionWorkflowType, {
    workflowId: inspectionWorkflowId(inspectionId),
    taskQueue: deps.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: processKindKey, value: 'inspectie' },
      { key: locationIdKey, value: location.locationId },
    ],
  }).catch((err: unknown) => {
    // Already started and finished for this key: it happened once, which is the point.
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  });
  return { inspectionId };
}
