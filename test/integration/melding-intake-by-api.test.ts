import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../db/repositories/audit.js';
import { resolveLocationLink } from '../../db/repositories/locations.js';
import { meldingIdFor, meldingStartAttributes } from '../../workflows/melding/client.js';
import { type MeldingInput, meldingWorkflowId, meldingWorkflowType } from '../../workflows/melding/definitions.js';
import { ReportCase } from '../../workflows/melding/report-case.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, getMelding, intake, locationOfTeam, post, replayAll } from './melding-helpers.js';
import { scheduledActivities, untilIdle } from './workflow-history.js';

// Issue 15: the API registers a new report (register row, timeline entries, audit records in one
// transaction) and starts its workflow bare, in that transaction, before the commit; the workflow
// writes the same rows again as a backstop (docs/meldingen.md, "Never lost"). Here: the window
// between the start and the commit (the API gone before its commit), and an intake that answers
// while no worker runs.

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

describe('the API gone between the workflow start and its register commit', () => {
  it('the workflow registers the report itself, with the state the API decided; a resend answers 200 with it', async () => {
    const key = `crash-${randomBytes(4).toString('hex')}`;
    const meldingId = meldingIdFor({ idempotencyKey: key });
    const at = new Date();
    const hint = { locationId: location.location_id };
    // The input exactly as the API builds it for a crisis report; the coordinator it read on duty
    // is given as decided (another than the roster's first, so a re-read would show).
    const input: MeldingInput = {
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

    // The start as the API makes it; the API's transaction then never commits.
    await sys.temporal.workflow.start(meldingWorkflowType, {
      workflowId: meldingWorkflowId(meldingId),
      taskQueue: sys.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: meldingStartAttributes(decided.state),
    });

    const row = await eventually(
      () => sys.db.selectFrom('meldingen').selectAll().where('id', '=', meldingId).executeTakeFirst(),
      (r) => r !== undefined,
    );
    expect(row).toMatchObject({
      phase: 'toegewezen',
      triage: 'crisis',
      assignee_id: 'u-cc-3',
      version: events.length,
      created_by: coordinator,
      reporter: { name: 'Noor Peeters', phone: '+32 3 123 45 67' },
    });
    expect(row!.due_at?.toISOString()).toBe(decided.state.dueAt);
    expect(await auditOf(meldingId)).toEqual([
      { action: 'melding.registered', idempotency_key: `melding:${meldingId}:v1`, actor_id: coordinator },
      { action: 'melding.assigned', idempotency_key: `melding:${meldingId}:v2`, actor_id: 'systeem' },
    ]);
    expect((await timelineOf(meldingId)).map((t) => t.kind)).toEqual(['crisismelding', 'crisismelding']);
    const live = await getMelding(sys, meldingId);
    expect(live.live).toMatchObject({ version: 2, history: decided.state.history });

    // The client, without an answer, sends the report again: the same report, 200.
    const again = await post(sys, '/meldingen', coordinator, intake.crisis(location.location_id), key);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: meldingId, assigneeId: 'u-cc-3', triage: 'crisis' });
    expect(await auditOf(meldingId)).toHaveLength(2);
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
      // Published with the start, without a workflow task.
      await eventually(
        () => sys.temporal.workflow.count(`WorkflowId = "${meldingWorkflowId(id)}" AND ProcessKind = "melding" AND Assignee = "${location.case_manager_id}" AND Phase = "toegewezen"`),
        (c) => c.count === 1,
      );
    } finally {
      await sys.startWorker();
    }
    // The worker's first task ran the backstop save (a local activity: no activity task scheduled)
    // and wrote nothing new; nothing is outstanding afterwards.
    const history = await untilIdle(sys, meldingWorkflowId(id));
    expect(scheduledActivities(history)).toEqual([]);
    expect(history.map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean)).toContain('core_local_activity');
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['melding.registered', 'melding.assigned']);
    expect(await timelineOf(id)).toHaveLength(2);
    expect((await getMelding(sys, id)).live).toMatchObject({ version: 2 });
    // The audit records of a save go in one statement: the hash chain still holds.
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });
});

describe('on the embedded database (PGlite: one connection for the API and the worker)', () => {
  it('registers in the API\'s transaction with the start inside it, and the backstop waits its turn', async () => {
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
