/**
 * The daily Schedule of the retention run (docs/retention.md): every day at 04:00
 * Europe/Brussels (outside the 02:00–03:00 hour that summer time skips or repeats). Created at
 * start-up of the worker and of `npm start`, like the risk screening's; idempotent: an existing
 * schedule is updated to the current configuration (ScheduleAlreadyRunning → update), so a
 * changed REPORT_RETENTION_DAYS or IDEMPOTENCY_KEY_RETENTION_DAYS applies from the next start.
 * Client-side code: never imported by workflow code.
 */
import { system } from '../shared/actor.js';
import { ensureSchedule, type ScheduledWorkflow, type ScheduleTarget } from '../shared/schedule.js';
import {
  defaultIdempotencyKeyRetentionDays,
  defaultRetentionBatchSize,
  type RetentionRunInput,
  retentionRunWorkflowType,
  retentionScheduleId,
  type RetentionSettings,
} from './definitions.js';

export interface RetentionScheduleOptions extends ScheduleTarget {
  /** REPORT_RETENTION_DAYS. */
  retentionDays: number;
  batchSize?: number;
  /** IDEMPOTENCY_KEY_RETENTION_DAYS; absent: `defaultIdempotencyKeyRetentionDays`. */
  idempotencyKeyRetentionDays?: number;
  scheduleId?: string;
}

/** The daily schedule: what it starts, and when. */
export const retentionSchedule = {
  scheduleId: retentionScheduleId,
  workflowType: retentionRunWorkflowType,
  workflowId: 'retention-run-scheduled',
  spec: {
    calendars: [{ hour: 4, minute: 0, comment: 'Dagelijkse wissing van persoonsgegevens na de bewaartermijn' }],
    timezone: 'Europe/Brussels',
  },
} satisfies Omit<ScheduledWorkflow, 'args'>;

export function retentionSettings(retentionDays: number, batchSize = defaultRetentionBatchSize, idempotencyKeyRetentionDays = defaultIdempotencyKeyRetentionDays): RetentionSettings {
  return { retentionDays, batchSize, idempotencyKeyRetentionDays };
}

/** Creates the schedule, or updates it when it exists. Answers which of the two happened. */
export async function ensureRetentionSchedule(options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const input: RetentionRunInput = {
    triggeredBy: system,
    settings: retentionSettings(options.retentionDays, options.batchSize, options.idempotencyKeyRetentionDays),
  };
  // A day missed is caught up within the week (ensureSchedule); the next day's run would erase
  // the same reports anyway, so overlapping runs are skipped.
  return ensureSchedule(options, { ...retentionSchedule, scheduleId: options.scheduleId ?? retentionSchedule.scheduleId, args: [input] });
}
