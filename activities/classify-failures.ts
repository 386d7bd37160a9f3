import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { dataErrorType } from '../workflows/shared/incident-definitions.js';

/**
 * PostgreSQL refuses data it cannot keep with SQLSTATE class 22 (data exception: NUL in text,
 * an impossible date, a number out of range) or 23 (integrity constraint: an unknown reference,
 * a broken check). Retrying the same input can never succeed, so such a failure is made
 * non-retryable: the command is refused or an incident is raised at once, instead of an activity
 * retrying forever.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

export const classifyFailures = (): ActivityInboundCallsInterceptor => ({
  async execute(input, next) {
    try {
      return await next(input);
    } catch (err) {
      if (isDataError(err)) {
        const e = err as Error & { code: string };
        throw ApplicationFailure.create({ type: dataErrorType, message: `${e.code}: ${e.message}`, nonRetryable: true });
      }
      throw err;
    }
  },
});
