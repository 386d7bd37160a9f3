import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { findCaseLocation } from '../../db/repositories/locations.js';
import type { Database } from '../../db/schema.js';
import {
  type CaseInput,
  type CaseState,
  enforcementCaseWorkflowId,
  enforcementCaseWorkflowType,
  type EnforcementSettings,
  type Milestone,
  milestoneSignal,
  milestoneUpdate,
} from './definitions.js';
import { locationIdKey, processKindKey } from '../search-attributes.js';
import type { Actor } from '../shared/actor.js';

export interface FeedCaseRequest {
  locationId: string;
  milestone: Omit<Milestone, 'actorId' | 'at'>;
  actor: Actor;
  urgent?: boolean;
  /**
   * The case id a new case gets and the Update's id, when the request is sent under an
   * Idempotency-Key (api/idempotency.ts): sent again, it names the same case, the same first
   * milestone and the same Update, which Temporal answers with the first one's outcome. Without
   * it both are drawn at random.
   */
  keyed?: { caseId: string; updateId: string };
}

/**
 * Gives a milestone to the location's open enforcement case, or starts a case with it when none
 * is open (signal-with-start on the location's workflow id: never two open cases). Used by the
 * API and by activities (an inspection report's advice to enforce, a screening).
 */
type StarterDeps = { db: Kysely<Database>; temporal: Client; taskQueue: string; settings: () => EnforcementSettings };

async function caseInput(deps: StarterDeps, request: FeedCaseRequest): Promise<CaseInput> {
  const location = await findCaseLocation(deps.db, request.locationId);
  if (!location) throw new Error(`location ${request.locationId} has no dossier`);
  const caseId = request.keyed?.caseId ?? `HH-${randomUUID().slice(0, 8).toUpperCase()}`;
  return {
    caseId,
    location,
    first: { ...request.milestone, id: `${caseId}:first`, at: new Date().toISOString(), actorId: request.actor.id },
    urgent: request.urgent ?? false,
    startedBy: request.actor,
    settings: deps.settings(),
  };
}

function startOptions(deps: StarterDeps, input: CaseInput) {
  return {
    workflowId: enforcementCaseWorkflowId(input.location.locationId),
    taskQueue: deps.taskQueue,
    args: [input] as [CaseInput],
    typedSearchAttributes: [
      { key: processKindKey, value: 'handhaving' },
      { key: locationIdKey, value: input.location.locationId },
    ],
  };
}

/**
 * Gives a milestone to the location's open enforcement case, or starts a case with it when none
 * is open (signal-with-start on the location's workflow id: never two open cases). Used by
 * activities (an inspection report's advice to enforce, a report's follow-up).
 */
export async function feedEnforcementCase(deps: StarterDeps, request: FeedCaseRequest): Promise<{ workflowId: string; caseId: string }> {
  const input = await caseInput(deps, request);
  const options = startOptions(deps, input);
  await deps.temporal.workflow.signalWithStart(enforcementCaseWorkflowType, {
    ...options,
    signal: milestoneSignal,
    signalArgs: [{ actor: request.actor, milestone: { ...request.milestone, id: input.first.id } }],
  });
  return { workflowId: options.workflowId, caseId: input.caseId };
}

/** The same with update-with-start, for the API: answers with the case's state once it holds the milestone. */
export async function openOrFeedEnforcementCase(deps: StarterDeps, request: FeedCaseRequest): Promise<{ state: CaseState; created: boolean }> {
  const input = await caseInput(deps, request);
  const startWorkflowOperation = new WithStartWorkflowOperation(enforcementCaseWorkflowType, {
    ...startOptions(deps, input),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const state = await deps.temporal.workflow.executeUpdateWithStart(milestoneUpdate, {
    args: [{ actor: request.actor, milestone: { ...request.milestone, id: input.first.id } }],
    ...(request.keyed ? { updateId: request.keyed.updateId } : {}),
    startWorkflowOperation,
  });
  return { state, created: state.caseId === input.caseId };
}
