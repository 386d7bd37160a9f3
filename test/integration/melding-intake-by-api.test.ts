import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/repositories/audit.js';
import { resolveLocationLink } from '../../db/repositories/locations.js';
import { meldingWriteOf, registerNewMelding } from '../../db/repositories/meldingen.js';
import { isWorkflowGone } from '../../api/temporal-errors.js';
import { meldingIdFor } from '../../workflows/melding/client.js';
import { type MeldingInput, meldingWorkflowId } from '../../workflows/melding/definitions.js';
import { ReportCase } from '../../workflows/melding/report-case.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, getMelding, intake, locationOfTeam, post, replayAll } from './melding-helpers.js';
import { scheduledActivities, untilIdle } from './workflow-history.js';

// Issue 15: the API registers a new report (register row, timeline entries, audit records and its
// workflow's start request, in one transaction), commits, answers, and then starts the workflow
// (docs/meldingen.md, "Never lost"). Started only after the commit, the workflow writes none of
// those rows again (`IntakeDecision.committed`). Here: the window between the commit and the start
// (the API gone before its start), and an intake that answers while no worker runs.

let sys: TestSystem;
let location: Awaited<ReturnType<typeof locationOfTeam>>;

beforeAll(async () => {
  sys = await startTestSystem();
  location = await locationOfTeam(sys, 'team-antwerpen', 5);
});
afterAll(async () => sys?.stop());

const coordinator = 'u-tc-antwerpen';

const auditOf = (id: string) =>
  sys.db.selectFrom('audit_log').select(['action', 'idempotency_key', 'actor_id']).where('subject_id', '=', id).where('subject_type', '=', 'melding').orderBy('id').execute();
const timelineOf = (id: string) =>
  sys.db.selectFrom('timeline_entries').select(['idempotency_key', 'kind']).where('idempotency_key', 'like', `melding:${id}:%`).orderBy('idempotency_key').execute();
const queuedStarts = (id: string) => sys.db.selectFrom('melding_starts').select('attempts').where('melding_id', '=', id).execute();
const workflowExists = (id: string) =>
  sys.temporal.workflow.getHandle(meldingWorkflowId(id)).describe().then(() => true, (err: unknown) => (isWorkflowGone(err) ? false : Promise.reject(err)));

/**
 * What the API's intake commits for a crisis report, and nothing after: the API gone between its
 * commit and its start. The coordinator it read on duty is given as decided (another than the
 * roster's first, so a re-read would show).
 */
async function committedWithoutStart(key: string) {
  const meldingId = meldingIdFor({ idempotencyKey: key });
  const at = new Date();
  const hint = { locationId: location.location_id };
  const input: MeldingInput & { intake: NonNullable<MeldingInput['intake']> } = {
    meldingId,
    receivedAt: at.toISOString(),
    source: 'voorziening',
    channel: 'telefoon',
    externalRef: null,
    idempotencyKey: key,
    reporter: { name: 'Noor Peeters', phone: '+32 3 123 45 67' },
    description: 'Een kind werd vastgebonden in een stoel tijdens het middagdutje.',
    categories: ['vastbinden'],
    immediateDanger: true,
    locationHint: hint,
    link: (await resolveLocationLink(sys.db, hint)) ?? null,
    createdBy: { id: coordinator, role: 'teamcoordinator', requestId: 'req-crash-1' },
    settings: sys.settings.melding(at),
    intake: { at: at.toISOString(), crisisCoordinator: 'u-cc-3' },
  };
  const decided = new ReportCase(input);
  const events = decided.registerAndRoute(at.getTime(), input.createdBy, 'u-cc-3');
  const { settings: _settings, ...record } = input;
  const registered = await registerNewMelding(sys.db, meldingWriteOf(record, decided.state, events), input);
  expect(registered).toBe(true);
  return { meldingId, decided, events };
}

describe('the API gone between its register commit and the workflow start', () => {
  it('the sweep starts the workflow with the state the API decided; nothing is written twice', async () => {
    const { meldingId, decided, events } = await committedWithoutStart(`crash-${randomBytes(4).toString('hex')}`);
    expect(await workflowExists(meldingId)).toBe(false);
    expect(await queuedStarts(meldingId)).toEqual([{ attempts: 0 }]);

    // No request names the report: the API's sweep finds the start still queued after its grace.
    await eventually(() => workflowExists(meldingId), (exists) => exists, 30_000);
    await eventually(() => queuedStarts(meldingId), (q) => q.length === 0);
    await untilIdle(sys, meldingWorkflowId(meldingId));
    const row = await sys.db.selectFrom('meldingen').selectAll().where('id', '=', meldingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phase: 'toegewezen', triage: 'crisis', assignee_id: 'u-cc-3', version: events.length, created_by: coordinator });
    expect(row.due_at?.toISOString()).toBe(decided.state.dueAt);
    expect(await auditOf(meldingId)).toEqual([
      { action: 'melding.registered', idempotency_key: `melding:${meldingId}:v1`, actor_id: coordinator },
      { action: 'melding.assigned', idempotency_key: `melding:${meldingId}:v2`, actor_id: 'systeem' },
    ]);
    expect((await timelineOf(meldingId)).map((t) => t.kind)).toEqual(['crisismelding', 'crisismelding']);
    expect((await getMelding(sys, meldingId)).live).toMatchObject({ version: 2, history: decided.state.history });
    // Published with the start, as the API decided.
    const published = await sys.temporal.workflow.count(`WorkflowId = "${meldingWorkflowId(meldingId)}" AND Assignee = "u-cc-3" AND Triage = "crisis"`);
    expect(published.count).toBe(1);
  });

  it('a command or a read of the report starts it at once; a resend answers 200 with the report', async () => {
    const key = `crash-${randomBytes(4).toString('hex')}`;
    const { meldingId } = await committedWithoutStart(key);

    // The client, without an answer, sends the report again: the same report, 200, from the register.
    const again = await post(sys, '/meldingen', coordinator, intake.crisis(location.location_id), key);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: meldingId, assigneeId: 'u-cc-3', triage: 'crisis' });

    // The crisis coordinator picks it up before any sweep (its grace is longer than this takes).
    const picked = await post(sys, `/meldingen/${meldingId}/acknowledge`, 'u-cc-3', { note: 'Opgenomen.' });
    expect(picked.status).toBe(200);
    expect(picked.body).toMatchObject({ id: meldingId, phase: 'in_behandeling' });
    expect(await queuedStarts(meldingId)).toEqual([]);
    await untilIdle(sys, meldingWorkflowId(meldingId));
    expect((await auditOf(meldingId)).map((a) => a.action)).toEqual(['melding.registered', 'melding.assigned', 'melding.acknowledged']);

    // A read of another such report starts it too, and shows its live state.
    const { meldingId: second } = await committedWithoutStart(`crash-${randomBytes(4).toString('hex')}`);
    expect((await getMelding(sys, second)).live).toMatchObject({ version: 2, phase: 'toegewezen' });
    expect(await queuedStarts(second)).toEqual([]);
  });
});

describe('an intake while no worker runs', () => {
  it('answers 201 with the register row written; the worker, back, writes nothing twice', async () => {
    await sys.stopWorker();
    let id: string;
    try {
      const created = await post(sys, '/meldingen', coordinator, intake.regular(location.location_id));
      expect(created.status).toBe(201);
      id = created.body.id;
      expect(created.body).toMatchObject({ phase: 'toegewezen', assigneeId: location.case_manager_id });
      const row = await sys.db.selectFrom('meldingen').select(['assignee_id', 'version', 'due_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ assignee_id: location.case_manager_id, version: 2 });
      expect(row.due_at?.toISOString()).toBe(created.body.dueAt);
      expect((await auditOf(id)).map((a) => a.action)).toEqual(['melding.registered', 'melding.assigned']);
      // Published with the start (after the commit), without a workflow task.
      await eventually(
        () => sys.temporal.workflow.count(`WorkflowId = "${meldingWorkflowId(id)}" AND ProcessKind = "melding" AND Assignee = "${location.case_manager_id}" AND Phase = "toegewezen"`),
        (c) => c.count === 1,
      );
    } finally {
      await sys.startWorker();
    }
    // The worker's first task writes nothing: no activity, local or not; nothing is outstanding afterwards.
    const history = await untilIdle(sys, meldingWorkflowId(id));
    expect(scheduledActivities(history)).toEqual([]);
    expect(history.map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean)).not.toContain('core_local_activity');
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['melding.registered', 'melding.assigned']);
    expect(await timelineOf(id)).toHaveLength(2);
    expect((await getMelding(sys, id)).live).toMatchObject({ version: 2 });
    // The audit records of a save go in one statement: the hash chain still holds.
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });
});

describe('on the embedded database (PGlite: one connection for the API and the worker)', () => {
  it('registers in the API\'s transaction and starts after the commit', async () => {
    const embedded = await startTestSystem({ database: 'embedded' });
    try {
      const loc = await locationOfTeam(embedded, 'team-antwerpen');
      const sends = await Promise.all([1, 2].map(() => post(embedded, '/meldingen', coordinator, intake.regular(loc.location_id), `embedded-${randomBytes(3).toString('hex')}`)));
      expect(sends.map((s) => s.status)).toEqual([201, 201]);
      for (const { body } of sends) {
        expect(body).toMatchObject({ phase: 'toegewezen', assigneeId: loc.case_manager_id });
        await untilIdle(embedded, meldingWorkflowId(body.id));
        const audit = await embedded.db.selectFrom('audit_log').select('action').where('subject_id', '=', body.id).orderBy('id').execute();
        expect(audit.map((a) => a.action)).toEqual(['melding.registered', 'melding.assigned']);
      }
    } finally {
      await embedded.stop();
    }
  }, 120_000);
});

it('replays every workflow of this file against the current workflow code', async () => {
  expect(await replayAll(sys)).toBeGreaterThanOrEqual(2);
});
