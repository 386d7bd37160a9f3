import { continueAsNew, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RetentionActivities } from '../../activities/retention.js';
import { toIsoUtc } from '../clock/brussels-time.js';
import { processKindKey } from '../search-attributes.js';
import { durableActivities } from '../shared/durable-activities.js';
import { retentionCutoff } from './cutoff.js';
import {
  batchesPerRun,
  defaultIdempotencyKeyBatchSize,
  defaultIdempotencyKeyRetentionDays,
  type IdempotencyKeyProgress,
  idempotencyKeyRetentionPatch,
  type RetentionProgress,
  retentionProgressQuery,
  type RetentionRunInput,
} from './definitions.js';

// Idempotent by construction (a batch marks its reports in the same transaction), so retrying is
// safe; a batch that keeps failing becomes an incident (docs/incidents.md) instead of a silent loop.
const db = durableActivities<RetentionActivities>({ startToCloseTimeout: '2 minutes' });

/**
 * The daily retention run (docs/retention.md): erases the personal data of every report closed
 * before the cutoff, in batches of `settings.batchSize`, until a batch comes back short; then
 * deletes the Idempotency-Keys last used before their own cutoff, the same way. Only ids and
 * counts travel through Temporal; the personal data never leaves PostgreSQL.
 */
export async function retentionRunWorkflow(input: RetentionRunInput): Promise<RetentionProgress> {
  const asOf = input.carried?.asOf ?? input.asOf ?? toIsoUtc(Date.now());
  const { retentionDays, batchSize } = input.settings;
  const progress: RetentionProgress = input.carried ?? {
    asOf,
    cutoff: toIsoUtc(retentionCutoff(asOf, retentionDays)),
    retentionDays,
    erased: 0,
    batches: 0,
    done: false,
  };
  setHandler(retentionProgressQuery, () => progress);
  upsertSearchAttributes([{ key: processKindKey, value: 'retention_run' }]);

  // Batches (activities) in this run's history, reports and keys together.
  let batches = 0;
  for (; ; batches += 1) {
    if (batches >= batchesPerRun) {
      // A long backlog (the first run after go-live): a fresh history, the same cutoff.
      await continueAsNew<typeof retentionRunWorkflow>({ ...input, asOf, carried: progress });
    }
    const { erased } = await db.eraseExpiredReportData({
      cutoff: progress.cutoff,
      limit: batchSize,
      retentionDays,
      actor: input.triggeredBy,
      runId: workflowInfo().workflowId,
    });
    progress.erased += erased;
    progress.batches += 1;
    if (erased < batchSize) break;
  }

  // Behind a patch: a run recorded before keys were deleted replays as it ran.
  if (patched(idempotencyKeyRetentionPatch)) {
    const keys = (progress.idempotencyKeys ??= idempotencyKeyProgress(asOf, input.settings.idempotencyKeyRetentionDays));
    const limit = input.settings.idempotencyKeyBatchSize ?? defaultIdempotencyKeyBatchSize;
    for (batches += 1; ; batches += 1) {
      // A continued run (same cutoffs) looks for reports again first, finds none, and goes on here.
      if (batches >= batchesPerRun) await continueAsNew<typeof retentionRunWorkflow>({ ...input, asOf, carried: progress });
      const { deleted } = await db.deleteExpiredIdempotencyKeys({ cutoff: keys.cutoff, limit });
      keys.deleted += deleted;
      keys.batches += 1;
      if (deleted < limit) break;
    }
  }
  progress.done = true;
  return progress;
}

function idempotencyKeyProgress(asOf: string, retentionDays = defaultIdempotencyKeyRetentionDays): IdempotencyKeyProgress {
  return { retentionDays, cutoff: toIsoUtc(retentionCutoff(asOf, retentionDays)), deleted: 0, batches: 0 };
}
