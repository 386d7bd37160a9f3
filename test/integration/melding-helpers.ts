import { Worker } from '@temporalio/worker';
import { expect, inject } from 'vitest';
import type { TestSystem } from './harness.js';

export interface MeldingView {
  id: string;
  phase: string;
  triage: string;
  triageProposed: string;
  assigneeId: string | null;
  teamId: string | null;
  dossierId: string | null;
  locationId: string | null;
  dueAt: string | null;
  overdue: boolean;
  deadlinePaused: boolean;
  followUps: { kind: string }[];
  live: {
    version: number;
    firedRungs: string[];
    deadline: { state: string; extensionTotal: number; changes: { type: string; actor: string; reason: string; basis: string }[] } | null;
    triageReasons: string[];
    feedback: { outboxKey: string | null } | null;
    history: { action: string }[];
  } | null;
}

export const intake = {
  regular: (locationId: string) => ({
    source: 'derde',
    channel: 'webformulier',
    reporter: { name: 'Sam Janssens', email: 'sam.janssens@voorbeeld.test' },
    location: { locationId },
    description: 'De verzorgers reageren niet op vragen van ouders en de ruimte is rommelig.',
    categories: ['kwaliteit_pedagogisch', 'communicatie_ouders'],
  }),
  crisis: (locationId: string) => ({
    source: 'voorziening',
    channel: 'telefoon',
    location: { locationId },
    description: 'Een kind werd vastgebonden in een stoel tijdens het middagdutje.',
    categories: ['vastbinden'],
    immediateDanger: true,
  }),
};

/** A regular report from a third party with personal data in every field that can hold it. */
export function personalIntake(locationId: string, p: { ref: string; name: string; email: string; phone: string; address: string }, description: string, categories: string[]) {
  return {
    source: 'derde',
    channel: 'webformulier',
    externalRef: p.ref,
    reporter: { name: p.name, email: p.email, phone: p.phone },
    location: { locationId, addressText: p.address },
    description,
    categories,
  };
}

/** The crisis coordinators on duty now, in roster order (the seed stretches the roster to today). */
export async function crisisCoordinatorsOnDuty(sys: TestSystem): Promise<string[]> {
  const rows = await sys.db
    .selectFrom('crisis_roster')
    .select('user_id')
    .where('starts_at', '<=', new Date())
    .where('ends_at', '>', new Date())
    .orderBy('position')
    .execute();
  return rows.map((r) => r.user_id);
}

/** POSTs a body and returns status and parsed JSON. */
export async function post(sys: TestSystem, path: string, as: string, json: unknown, key?: string) {
  const res = await sys.http(path, { method: 'POST', as, json, headers: key ? { 'idempotency-key': key } : {} });
  return { status: res.status, body: (await res.json()) as MeldingView & { type?: string; detail?: string; errors?: { field: string }[] } };
}

/**
 * Reads a report as someone whose scope holds it (docs/access.md): by default its team's
 * coordinator, or a crisis coordinator for a report without a team yet.
 */
export async function getMelding(sys: TestSystem, id: string, as?: string): Promise<MeldingView> {
  const reader = as ?? (await readerOf(sys, id));
  const res = await sys.http(`/meldingen/${id}`, { as: reader });
  expect(res.status).toBe(200);
  return (await res.json()) as MeldingView;
}

async function readerOf(sys: TestSystem, id: string): Promise<string> {
  const row = await sys.db.selectFrom('meldingen').select(['team_id', 'triage']).where('id', '=', id).executeTakeFirst();
  if (row?.team_id) return `u-tc-${row.team_id.replace(/^team-/, '')}`;
  return 'u-cc-1';
}

/** Polls until the check passes (bounded): escalations happen on Temporal timers, not at once. */
export async function eventually<T>(fn: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2_000)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await fn();
  }
  return value;
}

/** A location of a given team with its case manager, from the seeded data. */
export async function locationOfTeam(sys: TestSystem, teamId: string, offset = 0) {
  return sys.db
    .selectFrom('dossiers')
    .select(['location_id', 'id', 'case_manager_id', 'team_id'])
    .where('team_id', '=', teamId)
    .where('case_manager_id', 'is not', null)
    .orderBy('id')
    .offset(offset)
    .limit(1)
    .executeTakeFirstOrThrow();
}

/**
 * Replays every workflow this test file ran against the current workflow code: a change that
 * breaks determinism for a recorded history fails here, not in production.
 */
export async function replayAll(sys: TestSystem): Promise<number> {
  const histories = sys.temporal.workflow.list({ query: `TaskQueue = "${sys.taskQueue}"` }).intoHistories();
  const results = Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: sys.dataConverter }, histories);
  let count = 0;
  for await (const result of results) {
    expect(result.error, `replay of ${result.workflowId}`).toBeUndefined();
    count += 1;
  }
  return count;
}
