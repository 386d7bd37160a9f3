/**
 * The daily Schedule of the retention run (docs/retention.md): every day at 04:00
 * Europe/Brussels (outside the 02:00–03:00 hour that summer time skips or repeats). Created at
 * start-up of the worker and of `npm start`, like the risk screening's; idempotent: an existing
 * schedule is updated to the current configuration (ScheduleAlreadyRunning → update), so a
 * changed REPORT_RETENTION_DAYS applies from the next start.
 * Client-side code: never imported by workflow code.
 */
import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import {
  defaultRetentionBatchSize,
  type RetentionRunInput,
  retentionRunWorkflowType,
  retentionScheduleId,
  type RetentionSettings,
} from './definitions.js';

export interface RetentionScheduleOptions {
  /** A client to use (with the payload codec: the action carries workflow input); otherwise one is connected to `address`. */
  client?: Client;
  address?: string;
  namespace: string;
  taskQueue: string;
  /** REPORT_RETENTION_DAYS. */
  retentionDays: number;
  batchSize?: number;
  scheduleId?: string;
}

export const retentionScheduleSpec: ScheduleSpec = {
  calendars: [{ hour: 4, minute: 0, comment: 'Dagelijkse wissing van persoonsgegevens na de bewaartermijn' }],
  timezone: 'Europe/Brussels',
};

export function retentionSettings(retentionDays: number, batchSize = defaultRetentionBatchSize): RetentionSettings {
  return { retentionDays, batchSize };
}

/** Creates the schedule, or updates it when it exists. Answers which of the two happened. */
export async function ensureRetentionSchedule(options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? retentionScheduleId;
  let client = options.client;
  let connection: Connection | undefined;
  if (!client) {
    connection = await Connection.connect({ address: options.address ?? '127.0.0.1:7233' });
    client = new Client({ connection, namespace: options.namespace });
  }
  const input: RetentionRunInput = {
    triggeredBy: { id: 'systeem', role: 'systeem' },
    settings: retentionSettings(options.retentionDays, options.batchSize),
  };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: retentionRunWorkflowType,
    // Temporal appends the scheduled time, so every day gets its own workflow id.
    workflowId: 'retention-run-scheduled',
    taskQueue: options.taskQueue,
    args: [input],
  };
  // A day missed (no server, no worker) is caught up within a week; the next day's run would
  // erase the same reports anyway, so overlapping runs are skipped.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' } as const;
  try {
    await client.schedule.create({ scheduleId, spec: retentionScheduleSpec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: retentionScheduleSpec,
      action,
      policies: { ...previous.policies, ...policies },
    }));
    return 'updated';
  } finally {
    await connection?.close();
  }
}
