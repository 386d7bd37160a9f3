import type { Kysely } from 'kysely';
import { deleteExpiredRequestKeys } from '../db/repositories/idempotent-requests.js';
import { eraseExpiredReports, type ErasureBatchResult } from '../db/repositories/retention.js';
import type { Database } from '../db/schema.js';
import type { Actor } from '../workflows/shared/actor.js';

export interface EraseReportsInput {
  /** ISO instant: reports closed before it are due. */
  cutoff: string;
  limit: number;
  retentionDays: number;
  actor: Actor;
  runId: string;
}

export interface DeleteIdempotencyKeysInput {
  /** ISO instant: keys whose last use (answer, or first use when never answered) lies before it are due. */
  cutoff: string;
  limit: number;
}

/** Activities of the retention run (docs/retention.md): PostgreSQL only. */
export function createRetentionActivities(db: Kysely<Database>) {
  return {
    /**
     * Erases the personal data of one batch of reports closed before the cutoff. Idempotent: a
     * batch is one transaction that marks its reports, so a retry finds them done and takes the
     * next ones (or none).
     */
    async eraseExpiredReportData(input: EraseReportsInput): Promise<ErasureBatchResult> {
      return eraseExpiredReports(db, { ...input, cutoff: new Date(input.cutoff) });
    },

    /**
     * Deletes one batch of expired Idempotency-Keys (`idempotent_requests`). Idempotent: a retry
     * finds them gone and deletes the next ones (or none).
     */
    async deleteExpiredIdempotencyKeys(input: DeleteIdempotencyKeysInput): Promise<{ deleted: number }> {
      return { deleted: await deleteExpiredRequestKeys(db, { cutoff: new Date(input.cutoff), limit: input.limit }) };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
