import type { Client } from '@temporalio/client';
import { type CaseState, caseStateQuery, enforcementCaseWorkflowType, republishProgressSignal } from './definitions.js';

// The operator's repair for cases that lost their step's progress (docs/reliability.md, gap 7):
// a case started before patch `case-progress-before-step-started` could drop the first reports of
// a step started just before a worker died. It then has a running step it does not know the
// state of: it takes no command for it and its opening request never answers. Its step flow,
// asked, tells it again (`republishProgress`), and the case takes it as it takes any report.

/** The step whose progress its case has not seen after `graceMs`, or null for a case that is fine. */
export function stepWithoutProgress(state: CaseState, now: number, graceMs: number): { workflowId: string; since: string } | null {
  if (state.status !== 'open' || state.current !== null) return null;
  const last = state.steps.at(-1);
  if (!last || last.endedAt !== null || now - Date.parse(last.startedAt) < graceMs) return null;
  return { workflowId: last.workflowId, since: last.startedAt };
}

export interface StuckCase {
  caseId: string;
  workflowId: string;
  stepWorkflowId: string;
  stepStartedAt: string;
  /** With `apply`: whether the case showed its step within `confirmMs` of the request; otherwise null. */
  repaired: boolean | null;
}

export interface ResyncReport {
  /** Running cases whose state was read. */
  checked: number;
  /** Running cases whose state could not be read (no worker, query failed): not judged. */
  unreadable: { workflowId: string; error: string }[];
  stuck: StuckCase[];
}

export interface ResyncOptions {
  /** The deployment's task queue: its cases only. */
  taskQueue: string;
  /** Ask each stuck case's step to report again; without it only the report. */
  apply: boolean;
  /** How long a step may run before its case has seen it (a normal step reports within seconds). */
  graceMs: number;
  /** How long to wait, per case, to see the repair hold. */
  confirmMs?: number;
  /** Called before each repair request (the script's audit record): when it throws, nothing is sent. */
  beforeRepair?: (c: StuckCase) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads every running enforcement case and finds (and with `apply` repairs) those without their step's progress. */
export async function resyncCases(client: Client, o: ResyncOptions): Promise<ResyncReport> {
  const report: ResyncReport = { checked: 0, unreadable: [], stuck: [] };
  const query = `WorkflowType = "${enforcementCaseWorkflowType}" AND TaskQueue = "${o.taskQueue}" AND ExecutionStatus = "Running"`;
  for await (const execution of client.workflow.list({ query })) {
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    let state: CaseState;
    try {
      state = await handle.query(caseStateQuery);
    } catch (err) {
      report.unreadable.push({ workflowId: execution.workflowId, error: (err as Error).message });
      continue;
    }
    report.checked += 1;
    const step = stepWithoutProgress(state, Date.now(), o.graceMs);
    if (!step) continue;
    const stuck: StuckCase = { caseId: state.caseId, workflowId: execution.workflowId, stepWorkflowId: step.workflowId, stepStartedAt: step.since, repaired: null };
    report.stuck.push(stuck);
    if (!o.apply) continue;
    await o.beforeRepair?.(stuck);
    await client.workflow.getHandle(step.workflowId).signal(republishProgressSignal);
    const by = Date.now() + (o.confirmMs ?? 10_000);
    do {
      stuck.repaired = (await handle.query(caseStateQuery).catch(() => state)).current !== null;
      if (!stuck.repaired) await sleep(250);
    } while (!stuck.repaired && Date.now() < by);
  }
  return report;
}
