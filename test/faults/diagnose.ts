import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Proc } from './workload.js';

/**
 * What a lost process was waiting on when the check gave up, read from Temporal: its workflows
 * (the process and, for a case, its step flows), each with its status, a pending workflow task,
 * its pending activities with their last failure, and the last events of its history. A lost
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
    const events = (await handle.fetchHistory()).events ?? [];
    const last = events.slice(-8).map((e) => String(e.eventType ?? '?').replace('EVENT_TYPE_', '').toLowerCase());
    return `${workflowId} ${d.status.name}` +
      (task ? `; workflow task ${String(task.state).toLowerCase()} attempt ${task.attempt ?? 1}` : '') +
      (activities.length ? `; activities ${activities.join(', ')}` : '') +
      `; ${events.length} events, last: ${last.join(' > ')}`;
  } catch (err) {
    return `${workflowId}: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`;
  }
}
