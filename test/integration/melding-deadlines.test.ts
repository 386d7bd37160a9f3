import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { crisisCoordinatorsOnDuty, eventually, getMelding, intake, locationOfTeam, post, replayAll } from './melding-helpers.js';
import { historyOf, openTimers, scheduledActivities, timerFired, untilIdle } from './workflow-history.js';
import { meldingWorkflowId } from '../../workflows/melding/definitions.js';
import { crisisRungs, reportRungs, secondsDeadline } from '../support/deadlines.js';

// Deadlines of seconds instead of hours (DEADLINE_OVERRIDES), on the real Temporal dev server:
// the timers, escalation ladders and a worker restart as they happen in production, only faster.
const SECOND = 1_000;
const deadlineOverrides = {
  report_follow_up: secondsDeadline(6 * SECOND, ...reportRungs(2 * SECOND, 2 * SECOND)),
  crisis_report_acknowledgement: secondsDeadline(4 * SECOND, ...crisisRungs(1 * SECOND, 2 * SECOND)),
};

let sys: TestSystem;
let location: Awaited<ReturnType<typeof locationOfTeam>>;
const coordinator = 'u-tc-limburg';

beforeAll(async () => {
  sys = await startTestSystem({ deadlineOverrides });
  location = await locationOfTeam(sys, 'team-limburg');
});
afterAll(async () => sys?.stop());

async function alertsFor(meldingId: string) {
  return sys.db
    .selectFrom('outbox_messages')
    .select(['recipient_user_id', 'template', 'idempotency_key', 'channel'])
    .where('subject_id', '=', meldingId)
    .where('channel', '=', 'intern')
    .orderBy('id')
    .execute();
}

/**
 * A regular report whose workflow waits on its deadline's timers: the API answers once the report
 * is registered, starts its workflow after that, and the workflow arms its timers on its first task.
 */
async function regularWaitingOnItsTimers() {
  const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
  await eventually(() => historyOf(sys, meldingWorkflowId(m.id)), (h) => openTimers(h).length > 0);
  return { m, dueAt: Date.parse(m.dueAt!) };
}

/** While no worker runs: until the server has fired a timer of the report and `moment` has passed. */
const untilMissed = (id: string, moment: number) =>
  eventually(() => historyOf(sys, meldingWorkflowId(id)), (h) => timerFired(h) && Date.now() > moment + 500, 30 * SECOND);

const pickUpAudit = (id: string) =>
  sys.db.selectFrom('audit_log').select('details').where('subject_id', '=', id).where('action', '=', 'melding.acknowledged').executeTakeFirstOrThrow();

describe('the 24-hour deadline of a regular report (6 seconds here)', () => {
  it('reminds the handler, alerts the team coordinator at expiry, then the central lead; stays overdue until handled', async () => {
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    expect(m.assigneeId).toBe(location.case_manager_id);

    const overdue = await eventually(() => getMelding(sys, m.id), (r) => r.overdue && r.live!.firedRungs.length === 3);
    expect(overdue.live!.firedRungs).toEqual([
      'report_follow_up-1:reminder_handler',
      'report_follow_up-1:due_teamcoordinator',
      'report_follow_up-1:overdue_central_lead',
    ]);
    const alerts = await alertsFor(m.id);
    expect(alerts.map((a) => [a.recipient_user_id, a.template])).toEqual([
      [location.case_manager_id, 'escalatie_herinnering'],
      ['u-tc-limburg', 'escalatie_teamcoordinator'],
      ['u-tc-centraal', 'escalatie_centraal'],
    ]);
    const flagged = await sys.http('/meldingen?overdue=true&teamId=team-limburg', { as: coordinator });
    expect(((await flagged.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(m.id);

    const handled = await post(sys, `/meldingen/${m.id}/acknowledge`, location.case_manager_id!, { note: 'Laat, maar opgenomen' });
    expect(handled.body).toMatchObject({ phase: 'in_behandeling', overdue: false });
    const audit = await pickUpAudit(m.id);
    expect(audit.details).toMatchObject({ wasOverdue: true });
  });

  it('is never overdue while paused, and fires nothing while paused', async () => {
    // Paused once its timers run, so that the pause is seen to cancel one.
    const { m } = await regularWaitingOnItsTimers();
    await post(sys, `/meldingen/${m.id}/deadline/pause`, m.assigneeId!, { reason: 'Wachten op parket', basis: 'Afspraak met parket' });
    // Once the workflow has handled the pause, it holds no timer: nothing can fire or turn it
    // overdue until it is given another command (the first rung's timer was cancelled).
    const history = await untilIdle(sys, meldingWorkflowId(m.id));
    expect(history.some((e) => e.timerStartedEventAttributes)).toBe(true);
    expect(openTimers(history)).toEqual([]);
    expect(scheduledActivities(history, 'escalate')).toEqual([]);
    const paused = await getMelding(sys, m.id);
    expect(paused).toMatchObject({ overdue: false, deadlinePaused: true, dueAt: null });
    expect(await alertsFor(m.id)).toHaveLength(0);
  });
});

describe('the crisis escalation chain (4 seconds here)', () => {
  it('reminds the coordinator on duty, reassigns to the next coordinator at expiry, then alerts the central lead', async () => {
    const [first, second] = await crisisCoordinatorsOnDuty(sys);
    const m = (await post(sys, '/meldingen', coordinator, intake.crisis(location.location_id))).body;
    expect(m.assigneeId).toBe(first);

    const escalated = await eventually(() => getMelding(sys, m.id), (r) => r.live!.firedRungs.length === 3);
    expect(escalated.assigneeId).toBe(second);
    const alerts = await alertsFor(m.id);
    expect(alerts.map((a) => [a.recipient_user_id, a.template])).toEqual([
      [first, 'escalatie_herinnering'],
      [second, 'escalatie_volgende_coordinator'],
      ['u-tc-centraal', 'escalatie_centraal'],
    ]);
    expect((await post(sys, `/meldingen/${m.id}/acknowledge`, second!, {})).body.phase).toBe('in_behandeling');
  });
});

describe('a worker stopped mid-flow', () => {
  it('loses nothing: the rungs missed while it was down fire after its restart, in order, each once', async () => {
    // Stopped only once the workflow waits on its timers, so that the server has a timer to fire
    // while the worker is away (stopped before, the report would start on the restart).
    const { m, dueAt } = await regularWaitingOnItsTimers();
    await sys.stopWorker();
    try {
      // The server fires the first rung's timer without a worker; the workflow cannot act on it.
      // Keep the worker away until the last rung's moment has passed too: all three are missed.
      const missed = await untilMissed(m.id, dueAt + 2 * SECOND);
      expect(scheduledActivities(missed, 'escalate')).toEqual([]);
      expect(await alertsFor(m.id)).toHaveLength(0);
    } finally {
      await sys.startWorker();
    }
    await eventually(() => alertsFor(m.id), (alerts) => alerts.length === 3);
    // Done with the ladder: nothing outstanding and no timer left, so no fourth alert can follow.
    const history = await untilIdle(sys, meldingWorkflowId(m.id));
    expect(openTimers(history)).toEqual([]);
    expect(scheduledActivities(history, 'escalate')).toHaveLength(3);
    const alerts = await alertsFor(m.id);
    expect(alerts.map((a) => a.template)).toEqual(['escalatie_herinnering', 'escalatie_teamcoordinator', 'escalatie_centraal']);
    const record = await getMelding(sys, m.id);
    expect(record.live!.firedRungs).toHaveLength(3);
    expect(record.overdue).toBe(true);
    const escalations = await sys.db.selectFrom('audit_log').select('action').where('subject_id', '=', m.id).where('action', '=', 'melding.escalated').execute();
    expect(escalations).toHaveLength(3);
  });
});

describe('a pick-up sent in time while the worker is away', () => {
  it('counts when the API received it: met, not overdue, and no rung fires after the worker returns', async () => {
    const { m, dueAt } = await regularWaitingOnItsTimers();
    await sys.stopWorker();
    let pickUp: ReturnType<typeof post> | undefined;
    const sentAt = Date.now();
    try {
      // The Update waits at the server for a worker; the due moment and the reminder's pass meanwhile.
      pickUp = post(sys, `/meldingen/${m.id}/acknowledge`, location.case_manager_id!, { note: 'Op tijd opgenomen' });
      await untilMissed(m.id, dueAt);
    } finally {
      await sys.startWorker();
    }
    expect(sentAt).toBeLessThan(dueAt);
    const answered = await pickUp;
    // Answered 200 once the worker is back, or 503 if the wait outlasted the API's: the Update stays admitted.
    expect([200, 503]).toContain(answered.status);
    const record = await eventually(() => getMelding(sys, m.id), (r) => r.phase === 'in_behandeling');
    expect(record.overdue).toBe(false);
    const history = await untilIdle(sys, meldingWorkflowId(m.id));
    expect(openTimers(history)).toEqual([]);
    expect(scheduledActivities(history, 'escalate')).toEqual([]);
    expect(await alertsFor(m.id)).toHaveLength(0);
    const row = await sys.db.selectFrom('meldingen').select('picked_up_at').where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.picked_up_at!.getTime()).toBeLessThan(dueAt);
    expect(row.picked_up_at!.getTime()).toBeGreaterThanOrEqual(sentAt - 1_000);
    const audit = await pickUpAudit(m.id);
    expect(audit.details).toMatchObject({ wasOverdue: false });
    expect(audit.details).not.toHaveProperty('passedRungs');
  });

  it('a late one reached before the worker fired its rungs: overdue at the pick-up, the passed rungs recorded, none sent after', async () => {
    const { m, dueAt } = await regularWaitingOnItsTimers();
    await sys.stopWorker();
    let pickUp: ReturnType<typeof post> | undefined;
    try {
      await untilMissed(m.id, dueAt);
      pickUp = post(sys, `/meldingen/${m.id}/acknowledge`, location.case_manager_id!, { note: 'Te laat opgenomen' });
      // The pick-up is admitted before the worker returns, so its task carries it with the fired timer.
      await eventually(() => sys.temporal.workflow.getHandle(meldingWorkflowId(m.id)).describe(), (d) => (d.raw.pendingWorkflowTask ? true : false));
    } finally {
      await sys.startWorker();
    }
    expect([200, 503]).toContain((await pickUp)?.status);
    await eventually(() => getMelding(sys, m.id), (r) => r.phase === 'in_behandeling');
    const history = await untilIdle(sys, meldingWorkflowId(m.id));
    expect(openTimers(history)).toEqual([]);
    const audit = await pickUpAudit(m.id);
    expect(audit.details).toMatchObject({ wasOverdue: true });
    // One workflow task carries the pick-up and the fired timer; the SDK applies the Update first.
    // The reminder and the alert at expiry had passed: recorded, not sent; the central lead's rung
    // had not, and never comes (the deadline is met).
    expect(audit.details).toMatchObject({ passedRungs: ['reminder_handler', 'due_teamcoordinator'] });
    expect(scheduledActivities(history, 'escalate')).toEqual([]);
    expect(await alertsFor(m.id)).toHaveLength(0);
  });
});

it('replays every recorded history against the current workflow code', async () => {
  expect(await replayAll(sys)).toBeGreaterThanOrEqual(4);
});
