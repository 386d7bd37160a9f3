/**
 * The monthly Schedule of the risk screening (Temporal Schedules API): on the 1st of every month,
 * Europe/Brussels. Created at start-up of the worker and of `npm start`; idempotent: an existing
 * schedule is updated to the current configuration (ScheduleAlreadyRunning → update).
 * Client-side code: never imported by workflow code.
 */
import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import { createProcessSettings } from '../settings.js';
import { type ScreeningRunInput, screeningRunWorkflowType, screeningScheduleId, type ScreeningSettings } from './definitions.js';

export interface ScreeningScheduleOptions {
  /** A client to use; otherwise one is connected to `address` for the call and closed after. */
  client?: Client;
  address?: string;
  namespace: string;
  taskQueue: string;
  /** Settings for the runs; or the configuration they are made from. */
  settings?: ScreeningSettings;
  config?: Parameters<typeof createProcessSettings>[0];
  scheduleId?: string;
}

export const screeningScheduleSpec: ScheduleSpec = {
  calendars: [{ dayOfMonth: 1, hour: 6, minute: 0, comment: 'Maandelijkse risicoscreening' }],
  timezone: 'Europe/Brussels',
};

/** Creates the schedule, or updates it when it exists. Answers which of the two happened. */
export async function ensureScreeningSchedule(options: ScreeningScheduleOptions): Promise<'created' | 'updated'> {
  const settings = options.settings ?? createProcessSettings(options.config!).screening();
  const scheduleId = options.scheduleId ?? screeningScheduleId;
  let client = options.client;
  let connection: Connection | undefined;
  if (!client) {
    connection = await Connection.connect({ address: options.address ?? '127.0.0.1:7233' });
    client = new Client({ connection, namespace: options.namespace });
  }
  const input: ScreeningRunInput = { triggeredBy: { id: 'systeem', role: 'systeem' }, settings };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: screeningRunWorkflowType,
    // Temporal appends the scheduled time, so every month gets its own workflow id.
    workflowId: `screening-run-scheduled`,
    taskQueue: options.taskQueue,
    args: [input],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' } as const;
  try {
    await client.schedule.create({ scheduleId, spec: screeningScheduleSpec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: screeningScheduleSpec,
      action,
      policies: { ...previous.policies, ...policies },
    }));
    return 'updated';
  } finally {
    await connection?.close();
  }
}
