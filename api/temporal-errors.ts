import { type Client, QueryNotRegisteredError, QueryRejectedError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, WorkflowNotFoundError } from '@temporalio/common';
import { refusals } from '../workflows/melding/definitions.js';
import { isDeadlineExceeded } from './dependency-errors.js';
import { conflict, HttpProblem, problemTypes, unavailable } from './problems.js';

/** True when the workflow is gone or already finished, so it takes no more commands. */
export function isWorkflowGone(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const e = err as { code?: number; message?: string } | undefined;
  return e?.code === 5 /* gRPC NOT_FOUND */ || /already completed|not found/i.test(e?.message ?? '');
}

/**
 * An update a workflow refused becomes the matching problem: a command out of turn is 409, a
 * command with bad content 400. Anything else is not a refusal and is passed on.
 */
export function refusalToProblem(err: unknown): HttpProblem | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === refusals.invalid) {
      return new HttpProblem(400, problemTypes.validation, 'Bad Request', cause.message);
    }
    return conflict(cause.message);
  }
  return conflict(cause?.message ?? err.message);
}

/** A workflow's live state by query: the state, gone (Temporal no longer has it), or unknown for now. */
type LiveState<T> = { state: T } | { gone: true } | { unknown: string };

async function queryLiveState<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<LiveState<T>> {
  try {
    // A query needs a worker (a closed workflow is even replayed for it); when none answers soon,
    // the caller decides what an unknown state means rather than waiting for its time limit.
    return { state: await temporal.withDeadline(Date.now() + liveStateWaitMs, () => temporal.workflow.getHandle(workflowId).query(query)) };
  } catch (err) {
    if (isWorkflowGone(err)) return { gone: true };
    // A query the workflow refused or does not know (a worker on other code), or one the service
    // could not bring to an end (its query task expired: gRPC status other than deadline).
    if (isDeadlineExceeded(err) || err instanceof QueryNotRegisteredError || err instanceof QueryRejectedError || err instanceof ServiceError) {
      return { unknown: (err as Error).message };
    }
    throw err;
  }
}

/** For a read: the live state, or null (gone, or not known within the wait), and the register answers alone. */
export async function liveStateOf<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<T | null> {
  const live = await queryLiveState(temporal, workflowId, query);
  return 'state' in live ? live.state : null;
}

/**
 * For a command that needs the live state to find its target: null only when the workflow is gone;
 * a state not known within the wait (a worker away or overloaded) is 503 with Retry-After, not a
 * 409 that would tell the client the command is wrong.
 */
export async function liveStateForCommand<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<T | null> {
  const live = await queryLiveState(temporal, workflowId, query);
  if ('unknown' in live) throw unavailable(`The process's current state could not be read in time (${live.unknown.slice(0, 200)}); try again`);
  return 'state' in live ? live.state : null;
}

/** How long a read waits for a process's live state before it answers from the register alone. */
export const liveStateWaitMs = 2_000;
