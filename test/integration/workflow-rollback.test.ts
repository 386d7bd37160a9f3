import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCaseUpdate, caseStateQuery, enforcementCaseWorkflowId, milestoneUpdate } from '../../workflows/enforcement/definitions.js';
import { type MeldingState, pauseDeadlineUpdate, stateQuery } from '../../workflows/melding/definitions.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, getMelding, intake, locationOfTeam, post } from './melding-helpers.js';
import { untilAllIdle, untilIdle } from './workflow-history.js';

// Issue 10: a command refused by a data error while it is recorded leaves the process as it was.
// The API refuses a NUL character at its boundary (boundary.test.ts), so these commands go to the
// workflow directly, as a caller past the boundary would: PostgreSQL refuses the text (class 22),
// the recording activity fails without retrying, and the Update is refused.

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => sys?.stop());

const nul = 'Wachten op info\u0000 van de melder';

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as { cause?: { type?: string } } | undefined;
  return cause?.cause?.type ?? '';
}

describe('a command refused by a data error changes nothing', () => {
  it('melding: the pause is refused, the report stays as it was, and the next pause is recorded', async () => {
    const location = await locationOfTeam(sys, 'team-antwerpen');
    const created = await post(sys, '/meldingen', 'u-tc-antwerpen', intake.regular(location.location_id));
    expect(created.status).toBe(201);
    const m = created.body;
    const handle = sys.temporal.workflow.getHandle(`melding:${m.id}`);
    // Its workflow is started after the intake's answer (docs/meldingen.md, "Never lost").
    await untilIdle(sys, handle.workflowId);
    const before = await handle.query(stateQuery);
    expect(before.deadline?.state).toBe('running');

    const actor = { id: m.assigneeId!, role: 'klantenbeheerder' };
    const type = await refusal(handle.executeUpdate(pauseDeadlineUpdate, { args: [{ actor, reason: nul, basis: 'Dienstafspraak opvolging meldingen' }] }));
    expect(type).toBe('DataError');

    // The query shows the report exactly as before the refused command.
    const after = await handle.query(stateQuery);
    expect(after).toEqual(before);

    // A valid command works and is recorded: the live state and the register agree.
    const paused = await post(sys, `/meldingen/${m.id}/deadline/pause`, m.assigneeId!, { reason: 'Wachten op info van de melder', basis: 'Dienstafspraak opvolging meldingen' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ deadlinePaused: true, dueAt: null });
    const live: MeldingState = await handle.query(stateQuery);
    expect(live.version).toBe(before.version + 1);
    expect(live.deadline?.state).toBe('paused');
    expect(live.deadline?.changes.map((c) => c.reason)).toEqual(['Wachten op info van de melder']);
    expect(live.history.map((h) => h.action).slice(-1)).toEqual(['melding.deadline.paused']);
    const row = await sys.db.selectFrom('meldingen').select(['deadline_paused']).where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.deadline_paused).toBe(true);
    expect((await getMelding(sys, m.id)).deadlinePaused).toBe(true);
  });
});

describe('an enforcement case\'s own commands are all or nothing too', () => {
  const kb = 'u-kb-antwerpen-1';

  /** A case in its first step (aanmaning), waiting for the case manager: nothing else changes it meanwhile. */
  async function openCase(offset: number) {
    const location = await locationOfTeam(sys, 'team-antwerpen', offset);
    const opened = await sys.http('/handhaving', {
      method: 'POST',
      as: kb,
      json: { locationId: location.location_id, urgent: false, milestone: { kind: 'rechtstreeks', note: 'Rechtstreeks gestart voor de rollbacktest' } },
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    const handle = sys.temporal.workflow.getHandle(enforcementCaseWorkflowId(location.location_id));
    await eventually(() => handle.query(caseStateQuery), (s) => s.current?.flow === 'aanmaning');
    // The case and its step have done all they were given (the step's reports included): the
    // state below changes only by the commands of the test.
    await untilAllIdle(sys);
    const before = await handle.query(caseStateQuery);
    expect(await sys.db.selectFrom('enforcement_cases').select('version').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ version: before.version });
    return { id, handle, before };
  }

  it('a milestone refused by a data error leaves the case as it was; the next one is recorded', async () => {
    const { id, handle, before } = await openCase(5);
    const actor = { id: kb, role: 'klantenbeheerder' };
    const type = await refusal(handle.executeUpdate(milestoneUpdate, { args: [{ actor, milestone: { kind: 'inspectieverslag', note: nul } }] }));
    expect(type).toBe('DataError');
    expect(await handle.query(caseStateQuery)).toEqual(before);

    await handle.executeUpdate(milestoneUpdate, { args: [{ actor, milestone: { kind: 'inspectieverslag', note: 'Verslag ontvangen' } }] });
    const after = await handle.query(caseStateQuery);
    expect(after.milestones.map((m) => m.note)).toEqual([...before.milestones.map((m) => m.note), 'Verslag ontvangen']);
    expect(after.version).toBe(before.version + 1);
    const row = await sys.db.selectFrom('enforcement_cases').select(['version', 'milestones']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.version).toBe(after.version);
    expect(row.milestones).toHaveLength(after.milestones.length);
  });

  it('a reassignment refused by a data error keeps the case manager; the next one is recorded', async () => {
    const { id, handle, before } = await openCase(6);
    const actor = { id: 'u-tc-antwerpen', role: 'teamcoordinator' };
    const to = before.location.caseManagerId === 'u-kb-antwerpen-2' ? 'u-kb-antwerpen-3' : 'u-kb-antwerpen-2';
    const type = await refusal(handle.executeUpdate(assignCaseUpdate, { args: [{ actor, assigneeId: to, reason: nul }] }));
    expect(type).toBe('DataError');
    expect(await handle.query(caseStateQuery)).toEqual(before);
    const unchanged = await sys.db.selectFrom('enforcement_cases').select(['case_manager_id', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ case_manager_id: before.location.caseManagerId, version: before.version });

    const reassigned = await handle.executeUpdate(assignCaseUpdate, { args: [{ actor, assigneeId: to, reason: 'Afwezigheid' }] });
    expect(reassigned.location.caseManagerId).toBe(to);
    expect(reassigned.version).toBe(before.version + 1);
    const row = await sys.db.selectFrom('enforcement_cases').select(['case_manager_id', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ case_manager_id: to, version: reassigned.version });
  });
});
