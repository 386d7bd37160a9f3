import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeldingState, pauseDeadlineUpdate, stateQuery } from '../../workflows/melding/definitions.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { getMelding, intake, locationOfTeam, post } from './melding-helpers.js';

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
