/**
 * The bench worker's workflows: every production workflow, plus probes that only measure.
 * The production bundle (workflows/index.ts) is untouched; the bench bundles this file instead.
 */
import { sleep } from '@temporalio/workflow';

export * from '../workflows/index.js';

/**
 * Sleeps until `fireAt` (epoch ms) on a durable timer and answers when the worker ran it again:
 * workflow time at wake-up is the start of the workflow task that the fired timer caused, so
 * `wokeAt - fireAt` is the timer's lag as a process sees it (server timer queue, matching, the
 * worker's poll and cache).
 */
export async function benchTimerProbe(fireAt: number): Promise<{ fireAt: number; wokeAt: number }> {
  const wait = fireAt - Date.now();
  if (wait > 0) await sleep(wait);
  return { fireAt, wokeAt: Date.now() };
}
