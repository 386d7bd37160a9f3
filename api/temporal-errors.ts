import { type Client, QueryNotRegisteredError, QueryRejectedError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, WorkflowNotFoundError } from '@temporalio/common';
import { refusals } from '../workflows/melding/definitions.js';
import { isDeadlineExceeded } from './dependency-errors.js';
import { conflict, HttpProblem, problemTypes } from './problems.js';

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

/** A workflow's live state by query, or null once Temporal no longer has the workflow. */
export async function liveStateOf<T>(temporal: Client, workflowId: string, query: QueryDefinition<T>): Promise<T | null> {
  try {
    // A query needs a worker (a closed workflow is even replayed for it); when none answers soon,
    // the register's record is the answer rather than a request that waits for its time limit.
    return await temporal.withDeadline(Date.now() + liveStateWaitMs, () => temporal.workflow.getHandle(workflowId).query(query));
  } catch (err) {
    // A query the workflow refused or does not know (a worker on other code), or one the service
    // could not bring to an end (its query task expired: gRPC status other than deadline), is no
    // reason to fail a read either: the register answers.
    if (isWorkflowGone(err) || isDeadlineExceeded(err) || err instanceof QueryNotRegisteredError || err instanceof QueryRejectedError || err instanceof ServiceError) return null;
    throw err;
  }
}

/** How long a read waits for a process's live state before it answers from the register alone. */
export const liveStateWaitMs = 2_000;
