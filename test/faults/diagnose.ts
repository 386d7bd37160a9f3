import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { RUN_DIR } from './system.js';
import type { Proc } from './workload.js';

const proto = protos.temporal;
type HistoryEvent = protos.temporal.api.history.v1.IHistoryEvent;

/**
 * What a lost process was waiting on when the check gave up, read from Temporal: its workflows
 * (the process and, for a case, its step flows), each with its status, a pending workflow task,
 * its pending activities with their last failure, the last events of its history, and how long
 * a query takes to answer (the built-in stack trace: a worker must take it up, so a query that
 * does not come back points at the worker or the task queue, not at the process's code). The
 * whole history goes to RUN_DIR/history-<workflow>.json (kept with FAULTS_KEEP_LOGS=1). A lost
 * process is a defect to explain, not a number to report.
 */
export async function diagnoseLost(temporal: Client, db: Kysely<Database>, lost: Proc[], max = 3): Promise<string[]> {
  const lines: string[] = [];
  for (const p of lost.slice(0, max)) {
    const root = await rootWorkflowId(db, p);
    if (!root) {
      lines.push(`${p.kind} ${p.id}: no register row`);
      continue;
    }
    const ids = [root];
    for await (const wf of temporal.workflow.list({ query: `WorkflowId STARTS_WITH "${root}/"` })) ids.push(wf.workflowId);
    for (const id of ids) lines.push(`${p.kind} ${p.id}: ${await describeBriefly(temporal, id)}`);
    const incidents = await db.selectFrom('incidents').select(['kind', 'status', 'workflow_id', 'activity_type', 'attempts', 'message'])
      .where('workflow_id', 'in', ids).execute();
    for (const i of incidents) lines.push(`${p.kind} ${p.id}: incident (${i.kind}, ${i.status}) ${i.activity_type} in ${i.workflow_id} after ${i.attempts} attempts: ${i.message.slice(0, 200)}`);
  }
  return lines;
}

/** Incidents raised since the check began and not resolved: each a process waiting for a person or a slow retry. */
export async function openIncidents(db: Kysely<Database>, since: Date): Promise<string[]> {
  const rows = await db.selectFrom('incidents').select(['kind', 'workflow_id', 'activity_type', 'message'])
    .where('raised_at', '>=', since).where('status', '<>', 'opgelost').execute();
  return rows.map((i) => `${i.kind} ${i.activity_type} in ${i.workflow_id}: ${i.message.slice(0, 160)}`);
}

/** Every incident raised during the check, resolved or not, counted by kind and step: a passing cause leaves its trace here. */
export async function raisedIncidents(db: Kysely<Database>, since: Date): Promise<string> {
  const rows = await db.selectFrom('incidents').select(['kind', 'activity_type', 'status']).where('raised_at', '>=', since).execute();
  const by = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.kind} ${r.activity_type} (${r.status})`;
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  return rows.length === 0 ? '0' : `${rows.length}: ${[...by].map(([k, n]) => `${k} ×${n}`).join(', ')}`;
}

async function rootWorkflowId(db: Kysely<Database>, p: Proc): Promise<string | undefined> {
  if (!p.id) return undefined;
  const table = p.kind === 'aanmaning' ? 'enforcement_cases' : p.kind === 'inspection' ? 'inspections' : 'meldingen';
  const row = await db.selectFrom(table).select('workflow_id').where('id', '=', p.id).executeTakeFirst();
  return row?.workflow_id;
}

async function describeBriefly(temporal: Client, workflowId: string): Promise<string> {
  try {
    const handle = temporal.workflow.getHandle(workflowId);
    const d = await handle.describe();
    const task = d.raw.pendingWorkflowTask;
    const activities = (d.raw.pendingActivities ?? []).map((a) =>
      `${a.activityType?.name ?? '?'} attempt ${a.attempt ?? 1}${a.lastFailure?.message ? ` (${a.lastFailure.message.slice(0, 160)})` : ''}`);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    writeFileSync(join(RUN_DIR, `history-${workflowId.replace(/[^A-Za-z0-9-]+/g, '_')}.json`), JSON.stringify(proto.api.history.v1.History.toObject(history as protos.temporal.api.history.v1.History, { longs: String, enums: String }), null, 1));
    const last = events.slice(-8).map(eventName);
    return `${workflowId} ${d.status.name}` +
      (task ? `; workflow task ${String(task.state).toLowerCase()} attempt ${task.attempt ?? 1}` : '') +
      (activities.length ? `; activities ${activities.join(', ')}` : '') +
      `; ${events.length} events, last: ${last.join(' > ')}` +
      (d.status.name === 'RUNNING' ? `; ${await timedQuery(handle)}` : '');
  } catch (err) {
    return `${workflowId}: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`;
  }
}

function eventName(e: HistoryEvent): string {
  const name = typeof e.eventType === 'number' ? proto.api.enums.v1.EventType[e.eventType] : String(e.eventType ?? '?');
  return (name ?? '?').replace('EVENT_TYPE_', '').toLowerCase();
}

/** The built-in stack-trace query, timed (at most 15 s). */
async function timedQuery(handle: ReturnType<Client['workflow']['getHandle']>): Promise<string> {
  const t = Date.now();
  const answer = await Promise.race([
    handle.query('__stack_trace').then(() => 'answered', (err: unknown) => `failed: ${err instanceof Error ? err.message.slice(0, 160) : String(err)}`),
    new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 15_000).unref()),
  ]);
  return `query ${answer} after ${Date.now() - t} ms`;
}
