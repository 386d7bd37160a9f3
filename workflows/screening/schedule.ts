/**
 * The monthly Schedule of the risk screening (Temporal Schedules API): on the 1st of every month,
 * Europe/Brussels. Created at start-up of the worker and of `npm start`; idempotent: an existing
 * schedule is updated to the current configuration (ScheduleAlreadyRunning → update).
 * Client-side code: never imported by workflow code.
 */
import { system } from '../shared/actor.js';
import { ensureSchedule, type ScheduledWorkflow, type ScheduleTarget } from '../shared/schedule.js';
import { createProcessSettings } from '../settings.js';
import { type ScreeningRunInput, screeningRunWorkflowType, screeningScheduleId, type ScreeningSettings } from './definitions.js';

export interface ScreeningScheduleOptions extends ScheduleTarget {
  /** Settings for the runs; or the configuration they are made from. */
  settings?: ScreeningSettings;
  config?: Parameters<typeof createProcessSettings>[0];
  scheduleId?: string;
}

/** The monthly schedule: what it starts, and when. */
export const screeningSchedule = {
  scheduleId: screeningScheduleId,
  workflowType: screeningRunWorkflowType,
  workflowId: 'screening-run-scheduled',
  spec: {
    calendars: [{ dayOfMonth: 1, hour: 6, minute: 0, comment: 'Maandelijkse risicoscreening' }],
    timezone: 'Europe/Brussels',
  },
} satisfies Omit<ScheduledWorkflow, 'args'>;

/** Creates the schedule, or updates it when it exists. Answers which of the two happened. */
export async function ensureScreeningSchedule(options: ScreeningScheduleOptions): Promise<'created' | 'updated'> {
  const settings = options.settings ?? createProcessSettings(options.config!).screening();
  const input: ScreeningRunInput = { triggeredBy: system, settings };
  return ensureSchedule(options, { ...screeningSchedule, scheduleId: options.scheduleId ?? screeningSchedule.scheduleId, args: [input] });
}
