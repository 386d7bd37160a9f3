/**
 * A Temporal Schedule that starts one workflow type (the monthly risk screening, the daily
 * retention run). Client-side code: never imported by workflow code.
 */
import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';

/** Where the schedule lives. */
export interface ScheduleTarget {
  /** A client to use (with the payload codec: the action carries workflow input); otherwise one is connected to `address` for the call and closed after. */
  client?: Client;
  address?: string;
  namespace: string;
  taskQueue: string;
}

/** What the schedule starts, and when. */
export interface ScheduledWorkflow {
  scheduleId: string;
  spec: ScheduleSpec;
  workflowType: string;
  /** Temporal appends the scheduled time, so every run gets its own workflow id. */
  workflowId: string;
  args: unknown[];
}

/**
 * Creates the schedule, or updates it to the current configuration when it exists
 * (ScheduleAlreadyRunning → update). Answers which of the two happened.
 */
export async function ensureSchedule(target: ScheduleTarget, scheduled: ScheduledWorkflow): Promise<'created' | 'updated'> {
  const { scheduleId, spec } = scheduled;
  let client = target.client;
  let connection: Connection | undefined;
  if (!client) {
    connection = await Connection.connect({ address: target.address ?? '127.0.0.1:7233' });
    client = new Client({ connection, namespace: target.namespace });
  }
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: scheduled.workflowType,
    workflowId: scheduled.workflowId,
    taskQueue: target.taskQueue,
    args: scheduled.args,
  };
  // A run missed (no server, no worker) is caught up within a week; overlapping runs are skipped.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' } as const;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec,
      action,
      policies: { ...previous.policies, ...policies },
    }));
    return 'updated';
  } finally {
    await connection?.close();
  }
}
