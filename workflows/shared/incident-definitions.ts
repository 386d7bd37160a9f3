import { defineSignal } from '@temporalio/workflow';

/**
 * Shared by the workflows and the API. An activity that keeps failing becomes an incident
 * (docs/incidents.md); a person asks for a retry with this signal, after fixing the cause.
 */
export interface IncidentRetry {
  incidentId: string;
  actorId: string;
}

/**
 * One signal name per incident: the waiting call registers its own handler, so no state is kept
 * outside the call (workflow module state is shared between executions in a reused V8 context).
 */
export const retryIncidentSignal = (incidentId: string) => defineSignal<[IncidentRetry]>(`retryIncident:${incidentId}`);

/** The error type an activity gives a failure caused by the data itself: retrying cannot help. */
export const dataErrorType = 'DataError';
