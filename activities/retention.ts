import type { Kysely } from 'kysely';
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
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
