import type { temporal } from '@temporalio/proto';
import { isWorkflowGone } from '../../api/temporal-errors.js';
import type { TestSystem } from './harness.js';
import { eventually } from './melding-helpers.js';

// Proving that something did NOT happen without sleeping: a workflow acts only on a workflow task,
// and it gets one only from an input (signal, update, activity or child result) or from one of
// its own timers. So once Temporal shows nothing outstanding for it (no workflow task or activity
// pending; a running child is judged on its own) and its history holds no open timer, it will do
// nothing more until it is given something: an assertion of absence made then is final, not a
// guess after N ms.

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * The workflow's history as the server has it now (the latest run of the id); none yet for a
 * report whose start is still queued after its intake (docs/meldingen.md, "Never lost").
 */
export async function historyOf(sys: TestSystem, workflowId: string): Promise<HistoryEvent[]> {
  try {
    return (await sys.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  } catch (err) {
    if (isWorkflowGone(err)) return [];
    throw err;
  }
}

/** Timer ids started in the history and neither fired nor cancelled. */
export function openTimers(events: HistoryEvent[]): string[] {
  const open = new Set<string>();
  for (const e of events) {
    if (e.timerStartedEventAttributes?.timerId) open.add(e.timerStartedEventAttributes.timerId);
    if (e.timerFiredEventAttributes?.timerId) open.delete(e.timerFiredEventAttributes.timerId);
    if (e.timerCanceledEventAttributes?.timerId) open.delete(e.timerCanceledEventAttributes.timerId);
  }
  return [...open];
}

/** The activity types the workflow scheduled, in order (one entry per scheduling, retries not repeated). */
export function scheduledActivities(events: HistoryEvent[], type?: string): string[] {
  return events
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((name): name is string => name !== undefined && name !== null && (type === undefined || name === type));
}

/** Whether the server fired one of the workflow's timers (needs no worker). */
export const timerFired = (events: HistoryEvent[]) => events.some((e) => e.timerFiredEventAttributes);

/**
 * What the workflow has outstanding (Temporal's describe): a workflow task or an activity (also
 * one waiting out its retry backoff). Empty once it is closed or waits only on timers, inputs or
 * its children (each child is a workflow with its own answer to this).
 */
async function outstanding(sys: TestSystem, workflowId: string, runId?: string): Promise<string[]> {
  const d = await sys.temporal.workflow.getHandle(workflowId, runId).describe().catch((err: unknown) => {
    if (isWorkflowGone(err)) return undefined;
    throw err;
  });
  // A report's workflow whose start is still queued after its intake: its start is outstanding.
  if (!d) return ['start (queued)'];
  if (d.status.name !== 'RUNNING') return [];
  return [
    ...(d.raw.pendingWorkflowTask ? ['workflow task'] : []),
    ...(d.raw.pendingActivities ?? []).map((a) => `activity ${a.activityType?.name ?? '?'} (attempt ${a.attempt ?? 1})`),
  ];
}

/**
 * Waits (bounded) until the workflow has processed everything it was given: nothing outstanding.
 * Returns its history as of then; with no open timer in it, nothing more will happen unasked.
 */
export async function untilIdle(sys: TestSystem, workflowId: string, timeoutMs = 30_000): Promise<HistoryEvent[]> {
  await eventually(() => outstanding(sys, workflowId), (o) => o.length === 0, timeoutMs);
  return historyOf(sys, workflowId);
}

/**
 * The same for every running workflow on the system's task queue (children included, each on its
 * own), but those in `except`: a workflow a test knows to be waiting out an outage on purpose.
 */
export async function untilAllIdle(sys: TestSystem, timeoutMs = 60_000, except: ReadonlySet<string> = new Set()): Promise<void> {
  const busy = async () => {
    const running: { workflowId: string; runId: string }[] = [];
    for await (const wf of sys.temporal.workflow.list({ query: `TaskQueue = "${sys.taskQueue}" AND ExecutionStatus = "Running"` })) {
      if (!except.has(wf.workflowId)) running.push(wf);
    }
    const queued = await sys.db.selectFrom('melding_starts').select('melding_id').execute();
    const found = queued.map((q) => `melding:${q.melding_id}: start (queued)`);
    for (const wf of running) for (const o of await outstanding(sys, wf.workflowId, wf.runId)) found.push(`${wf.workflowId}: ${o}`);
    return found;
  };
  await eventually(busy, (found) => found.length === 0, timeoutMs);
}
