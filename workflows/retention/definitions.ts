import { defineQuery } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';

/**
 * Shared by the retention workflow, its schedule and the tests: the daily erasure of reports'
 * personal data a configurable time after their closure, and the deletion of old Idempotency-Keys
 * (docs/retention.md).
 */

export const retentionRunWorkflowType = 'retentionRunWorkflow';
/** A hand-triggered run for a Brussels day; the schedule's runs get ids Temporal derives from the schedule's. */
export const retentionRunWorkflowId = (date: string) => `retention-run:${date}`;
export const retentionScheduleId = 'report-retention-daily';

/** Reports erased per activity (one transaction): small enough to keep a transaction short. */
export const defaultRetentionBatchSize = 100;
/** Idempotency-Keys are kept this many whole Brussels calendar days after their last use (IDEMPOTENCY_KEY_RETENTION_DAYS). */
export const defaultIdempotencyKeyRetentionDays = 30;
/** Keys deleted per activity: a key is a small row, so a batch can be larger than a report's. */
export const defaultIdempotencyKeyBatchSize = 1000;
/** The run deletes old keys only in histories recorded since it did (a replay of an older run does not). */
export const idempotencyKeyRetentionPatch = 'idempotency-key-retention';
/** Batches per workflow run before it continues as new, so a large backlog never makes a long history. */
export const batchesPerRun = 500;

/** Fixed at start so replays see the same; from configuration (REPORT_RETENTION_DAYS, IDEMPOTENCY_KEY_RETENTION_DAYS). */
export interface RetentionSettings {
  /** Whole Brussels calendar days after the day of closure; see `retentionCutoff`. */
  retentionDays: number;
  batchSize: number;
  /**
   * Whole Brussels calendar days an Idempotency-Key is kept after its last use, counted as
   * `retentionDays` is. Absent in the input of a schedule made before keys were deleted (until
   * the next start of the worker updates it): `defaultIdempotencyKeyRetentionDays`.
   */
  idempotencyKeyRetentionDays?: number;
  /** Keys per batch; absent: `defaultIdempotencyKeyBatchSize`. */
  idempotencyKeyBatchSize?: number;
}

export interface RetentionRunInput {
  /**
   * The moment the run counts from (ISO 8601 with offset); absent for scheduled runs: the
   * workflow's start time. Tests and catch-up runs pass it, so the cutoff does not depend on the day.
   */
  asOf?: string;
  triggeredBy: Actor;
  settings: RetentionSettings;
  /** Carried over a continue-as-new: what the earlier runs of the same day already did. */
  carried?: RetentionProgress;
}

export interface RetentionProgress {
  asOf: string;
  /** Reports closed before this instant (ISO, UTC) are erased. */
  cutoff: string;
  retentionDays: number;
  erased: number;
  batches: number;
  /** The Idempotency-Keys deleted (`idempotent_requests`); absent in a run carried over from before keys were deleted. */
  idempotencyKeys?: IdempotencyKeyProgress;
  done: boolean;
}

export interface IdempotencyKeyProgress {
  retentionDays: number;
  /** Keys whose last use lies before this instant (ISO, UTC) are deleted. */
  cutoff: string;
  deleted: number;
  batches: number;
}

export const retentionProgressQuery = defineQuery<RetentionProgress>('progress');
