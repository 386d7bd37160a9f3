import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findCaseLocation } from '../db/repositories/locations.js';
import type { Database } from '../db/schema.js';
import {
  type CaseInput,
  enforcementCaseWorkflowId,
  enforcementCaseWorkflowType,
  type EnforcementSettings,
  type Milestone,
  milestoneSignal,
} from '../workflows/enforcement/definitions.js';
import { locationIdKey, processKindKey } from '../workflows/search-attributes.js';
import type { Actor } from '../workflows/shared/actor.js';

export interface FeedCaseRequest {
  locationId: string;
  milestone: Omit<Milestone, 'actorId' | 'at'>;
  actor: Actor;
  urgent?: boolean;
}

/**
 * Gives a milestone to the location's open enforcement case, or starts a case with it when none
 * is open (signal-with-start on the location's workflow id: never two open cases). Used by the
 * API and by activities (an inspection report's advice to enforce, a screening).
 */
export async function feedEnforcementCase(
  deps: { db: Kysely<Database>; temporal: Client; taskQueue: string; settings: () => EnforcementSettings },
  request: FeedCaseRequest,
): Promise<{ workflowId: string; caseId: string }> {
  const location = await findCaseLocation(deps.db, request.locationId);
  if (!location) throw new Error(`location ${request.locationId} has no dossier`);
  const now = new Date().toISOString();
  const input: CaseInput = {
    caseId: `HH-${randomUUID().slice(0, 8).toUpperCase()}`,
    location,
    first: { ...request.milestone, at: now, actorId: request.actor.id },
    urgent: request.urgent ?? false,
    startedBy: request.actor,
    settings: deps.settings(),
  };
  const workflowId = enforcementCaseWorkflowId(location.locationId);
  await deps.temporal.workflow.signalWithStart(enforcementCaseWorkflowType, {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [input],
    signal: milestoneSignal,
    signalArgs: [{ actor: request.actor, milestone: request.milestone }],
    typedSearchAttributes: [
      { key: processKindKey, value: 'handhaving' },
      { key: locationIdKey, value: location.locationId },
    ],
  });
  return { workflowId, caseId: input.caseId };
}
