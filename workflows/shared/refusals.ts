import { ApplicationFailure } from '@temporalio/common';

/** ApplicationFailure types the update validators of every process throw; the API maps them to HTTP statuses. */
export const refusals = {
  notAllowedNow: 'NotAllowedInPhase', // 409
  invalid: 'InvalidCommand', // 400
} as const;

/** A command that is valid but not allowed in the process's current phase (409). */
export const notNow = (message: string) => ApplicationFailure.create({ type: refusals.notAllowedNow, message, nonRetryable: true });
/** A command that is not valid (400). */
export const invalid = (message: string) => ApplicationFailure.create({ type: refusals.invalid, message, nonRetryable: true });
