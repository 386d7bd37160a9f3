import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, toBrusselsIso, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import { DeadlineError } from '../../workflows/clock/deadline.js';
import { deadlineKinds, type DeadlineKindOverrides } from '../../workflows/clock/defaults.js';
import {
  type CloseCommand,
  type MeldingInput,
  type PauseCommand,
  refusals,
} from '../../workflows/melding/definitions.js';
import { ReportCase } from '../../workflows/melding/report-case.js';
import { link } from './location-link.js';
import type { Actor } from '../../workflows/shared/actor.js';

// The report case is pure: the workflow hands it workflow time. Every instant here is fixed, so
// nothing depends on the day the test runs. Closing days written out (11 July is the Flemish
// Community's holiday; 2 and 11 November are closing days of the administration).
const calendar = { closedDates: ['2025-07-11', '2025-07-21', '2025-08-15', '2026-07-11', '2026-07-21', '2026-11-02', '2026-11-11'] };

const settingsWith = (overrides: DeadlineKindOverrides = {}): MeldingInput['settings'] => {
  const kinds = deadlineKinds(overrides);
  return { deadlines: { report_follow_up: kinds.report_follow_up, crisis_report_acknowledgement: kinds.crisis_report_acknowledgement }, calendar };
};

const kb: Actor = { id: 'u-kb-antwerpen-1', role: 'klantenbeheerder' };
const tc: Actor = { id: 'u-tc-antwerpen', role: 'teamcoordinator' };
const cc: Actor = { id: 'u-cc-1', role: 'crisiscoordinator' };

/** Saturday 28 March 2026, 13:00 in Brussels: summer time starts the next night. */
const RECEIVED = '2026-03-28T12:00:00.000Z';
const T = (iso: string) => Date.parse(iso);
const R = T(RECEIVED);

function input(over: Partial<MeldingInput> = {}): MeldingInput {
  return {
    meldingId: 'MEL-0000000000000001',
    receivedAt: RECEIVED,
    source: 'derde',
    channel: 'telefoon',
    externalRef: null,
    idempotencyKey: null,
    reporter: { name: 'Een ouder', email: 'ouder@example.test' },
    description: 'De binnenruimte is niet proper.',
    categories: ['hygiene_voeding'],
    immediateDanger: false,
    locationHint: { locationId: link.locationId },
    link,
    createdBy: kb,
    settings: settingsWith(),
    ...over,
  };
}

/** A linked report routed as the workflow routes it: assignee by triage, then the deadline. */
function routed(at: number, over: Partial<MeldingInput> = {}, assignee: string | null = link.caseManagerId): ReportCase {
  const r = new ReportCase(input(over));
  r.assignTo(assignee, link.teamId);
  r.startDeadline(at);
  return r;
}

/** The refusal an update validator throws: its ApplicationFailure type and message. */
function refusal(check: () => void): { type: string | null | undefined; message: string; nonRetryable: boolean | null | undefined } {
  try {
    check();
  } catch (err) {
    if (err instanceof ApplicationFailure) return { type: err.type, message: err.message, nonRetryable: err.nonRetryable };
    throw err;
  }
  throw new Error('expected the validator to refuse');
}
const notNow = (check: () => void) => refusal(check).type === refusals.notAllowedNow;
const invalid = (check: () => void) => refusal(check).type === refusals.invalid;

const pauseCmd = (actor: Actor = kb): PauseCommand => ({ actor, reason: 'Wachten op verslag parket', basis: 'Dienstafspraak opvolging meldingen' });
const closeCmd = (over: Partial<CloseCommand> = {}): CloseCommand => ({ actor: kb, followUps: [{ kind: 'toegevoegd_aan_dossier' }], ...over });
const rungIds = (r: ReportCase, now: number) => r.dueRungs(now).map((d) => d.rung.id);

describe('a new report', () => {
  it('linked at intake: assigned phase, the link\'s team, the triage proposed by the rule version it was registered under', () => {
    const parket = { source: 'parket' as const, categories: ['personeel_bezetting'] };
    const now = new ReportCase(input(parket));
    expect(now.state).toMatchObject({ phase: 'toegewezen', teamId: 'team-antwerpen', triage: 'crisis', triageProposed: 'crisis', triageConfirmed: false, version: 0, history: [] });
    expect(now.state.triageReasons.join(' ')).toMatch(/parket/);
    // A report that ran before issue 9 replays with rule 1, which proposed regular for the parket.
    const before = new ReportCase(input(parket), 1);
    expect(before.state).toMatchObject({ triage: 'regulier', triageProposed: 'regulier', triageReasons: [] });
  });

  it('not linked: waits to be linked, with no team, no deadline and nothing to wake for', () => {
    const r = new ReportCase(input({ link: null }));
    expect(r.phase).toBe('te_koppelen');
    expect(r.isOpen).toBe(true);
    expect(r.state).toMatchObject({ teamId: null, assigneeId: null, deadline: null, dueAt: null, overdue: false });
    expect(r.dueRungs(R + 1_000 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(R)).toBeUndefined();
  });

  it('notes each change as one line of history and one new version; no detail key when there is none', () => {
    const r = new ReportCase(input());
    expect(r.note(R, kb.id, 'melding.registered', 'Melding ontvangen')).toBe(1);
    expect(r.note(R + MINUTE_MS, 'systeem', 'melding.assigned')).toBe(2);
    expect(r.state.history).toEqual([
      { at: '2026-03-28T12:00:00.000Z', actorId: kb.id, action: 'melding.registered', detail: 'Melding ontvangen' },
      { at: '2026-03-28T12:01:00.000Z', actorId: 'systeem', action: 'melding.assigned' },
    ]);
    expect(r.state.version).toBe(2);
  });
});

describe('the regular deadline (24 clock hours from receipt)', () => {
  it('runs from receipt, not from routing, and is 24 clock hours across the switch to summer time', () => {
    const r = routed(R + 5 * MINUTE_MS);
    expect(r.state.deadline).toMatchObject({ id: 'report_follow_up-1', kind: 'report_follow_up', anchor: RECEIVED, state: 'running' });
    expect(r.state.dueAt).toBe('2026-03-29T12:00:00.000Z');
    // 13:00 CET on Saturday, due at 14:00 CEST on Sunday: the wall clock moved 25 hours, the budget 24.
    expect(toBrusselsIso(r.state.dueAt!)).toBe('2026-03-29T14:00:00.000+02:00');
    expect(r.state.overdue).toBe(false);
  });

  it('fires each rung once, in ladder order, and wakes exactly at the next rung', () => {
    const r = routed(R);
    expect(rungIds(r, R + 19 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(R + 19 * HOUR_MS)).toBe(HOUR_MS); // the reminder, 4 h before
    expect(r.dueRungs(R + 20 * HOUR_MS)).toEqual([{ rung: expect.objectContaining({ id: 'reminder_handler', target: 'handler' }), key: 'report_follow_up-1:reminder_handler' }]);
    r.markFired('report_follow_up-1:reminder_handler');
    expect(rungIds(r, R + 20 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(R + 20 * HOUR_MS)).toBe(4 * HOUR_MS);
    // At the due moment the deadline is still met; one millisecond later it is overdue.
    r.refresh(R + 24 * HOUR_MS);
    expect(r.state.overdue).toBe(false);
    expect(rungIds(r, R + 24 * HOUR_MS)).toEqual(['due_teamcoordinator']);
    r.markFired('report_follow_up-1:due_teamcoordinator');
    r.refresh(R + 24 * HOUR_MS + 1);
    expect(r.state.overdue).toBe(true);
    expect(r.msUntilNextWakeUp(R + 24 * HOUR_MS + 1)).toBe(24 * HOUR_MS - 1);
    r.markFired('report_follow_up-1:overdue_central_lead');
    expect(r.msUntilNextWakeUp(R + 48 * HOUR_MS)).toBeUndefined();
  });

  it('a late link is overdue at once, and every missed rung comes back in ladder order (the wake-up is "now")', () => {
    const r = new ReportCase(input({ link: null }));
    const now = T('2026-03-30T08:00:00.000Z'); // Monday, 44 hours after receipt
    expect(r.checkLink({ actor: kb, link })).toBeUndefined();
    r.applyLink({ actor: kb, link });
    r.assignTo(link.caseManagerId, link.teamId);
    r.startDeadline(now);
    expect(r.state).toMatchObject({ phase: 'toegewezen', teamId: 'team-antwerpen', overdue: true, dueAt: '2026-03-29T12:00:00.000Z' });
    expect(r.dueRungs(now).map((d) => d.key)).toEqual(['report_follow_up-1:reminder_handler', 'report_follow_up-1:due_teamcoordinator']);
    expect(r.msUntilNextWakeUp(now)).toBe(1);
  });

  it('counts working days when the kind is overridden to "end of the next working day": over a weekend and 11 July', () => {
    // Thursday 10 July 2025 11:00 in Brussels; Friday 11 July is closed: due end of Monday 14 July.
    const received = '2025-07-10T09:00:00.000Z';
    const r = routed(T(received) + MINUTE_MS, {
      receivedAt: received,
      settings: settingsWith({ report_follow_up: { budget: { unit: 'working_days', amount: 1 }, extensionCap: 2 } }),
    });
    expect(toBrusselsIso(r.state.dueAt!)).toBe('2025-07-14T23:59:59.999+02:00');
    r.refresh(T('2025-07-13T12:00:00.000Z')); // a Sunday
    expect(r.state.overdue).toBe(false);
  });
});

describe('the crisis deadline (1 clock hour from routing)', () => {
  // 02:40 CEST on the night summer time ends: an hour later the clock shows 02:40 CET again.
  const ROUTED = T('2026-10-25T00:40:00.000Z');
  const crisis = () => routed(ROUTED, { receivedAt: '2026-10-25T00:30:00.000Z', immediateDanger: true }, cc.id);

  it('runs from routing and is one clock hour when the clock goes back', () => {
    const r = crisis();
    expect(r.state.triage).toBe('crisis');
    expect(r.state.deadline).toMatchObject({ id: 'crisis_report_acknowledgement-1', anchor: '2026-10-25T00:40:00.000Z' });
    expect(r.state.dueAt).toBe('2026-10-25T01:40:00.000Z');
    expect(toBrusselsIso(ROUTED)).toBe('2026-10-25T02:40:00.000+02:00');
    expect(toBrusselsIso(r.state.dueAt!)).toBe('2026-10-25T02:40:00.000+01:00');
    expect(r.msUntilNextWakeUp(ROUTED)).toBe(45 * MINUTE_MS); // reminder 15 minutes before
    expect(rungIds(r, ROUTED + 2 * HOUR_MS)).toEqual(['reminder_handler', 'due_next_coordinator', 'overdue_central_lead']);
  });

  it('cannot be extended (cap 0): refused as not allowed now, never as a crash', () => {
    const r = crisis();
    const refused = refusal(() => r.checkExtend({ actor: cc, hours: 1, reason: 'Coördinator onbereikbaar', basis: 'Dienstafspraak' }, ROUTED + MINUTE_MS));
    expect(refused).toMatchObject({ type: refusals.notAllowedNow, nonRetryable: true });
    expect(refused.message).toMatch(/cap/);
  });
});

describe('triage', () => {
  it('confirming keeps the triage, changing says so; both mark it confirmed', () => {
    const r = routed(R);
    expect(r.checkTriage({ actor: cc, triage: 'regulier', reason: 'Geen gevaar' })).toBeUndefined();
    expect(r.applyTriage({ actor: cc, triage: 'regulier', reason: 'Geen gevaar' })).toBe(false);
    expect(r.state.triageConfirmed).toBe(true);
    expect(r.applyTriage({ actor: cc, triage: 'crisis', reason: 'Toch een kind gewond' })).toBe(true);
    expect(r.state).toMatchObject({ triage: 'crisis', triageProposed: 'regulier' });
  });

  it('needs a reason that is more than blanks, and an open report; a report still to be linked may be triaged', () => {
    expect(invalid(() => routed(R).checkTriage({ actor: cc, triage: 'crisis', reason: '   ' }))).toBe(true);
    expect(new ReportCase(input({ link: null })).checkTriage({ actor: cc, triage: 'crisis', reason: 'Gevaar' })).toBeUndefined();
  });

  it('a re-route after a change starts a new deadline with its own rungs: rungs fired for the old one do not silence the new', () => {
    const r = routed(R);
    r.markFired('report_follow_up-1:reminder_handler');
    r.applyTriage({ actor: cc, triage: 'crisis', reason: 'Kind gewond' });
    const rerouted = R + 21 * HOUR_MS;
    r.assignTo(cc.id, null);
    r.startDeadline(rerouted);
    expect(r.state.deadline).toMatchObject({ id: 'crisis_report_acknowledgement-2', anchor: toIsoUtc(rerouted) });
    expect(r.state.dueAt).toBe(toIsoUtc(rerouted + HOUR_MS));
    expect(r.dueRungs(rerouted + 45 * MINUTE_MS)).toEqual([{ rung: expect.objectContaining({ id: 'reminder_handler' }), key: 'crisis_report_acknowledgement-2:reminder_handler' }]);
  });

  // Once a defect: the ladder was chosen by the current triage, not by the kind of the running
  // deadline. Between a triage change and the re-route (the workflow awaits two activities in
  // between, and the main loop wakes after the first) the crisis ladder was applied to the
  // regular deadline: here it offers `due_next_coordinator` and `overdue_central_lead` keyed on
  // `report_follow_up-1`, which the workflow would send, and act on the first (reassigning the
  // report to the next crisis coordinator before it is routed to the coordinator on duty).
  it('uses the ladder of the running deadline\'s kind until a new deadline starts', () => {
    const r = routed(R);
    r.markFired('report_follow_up-1:reminder_handler');
    r.markFired('report_follow_up-1:due_teamcoordinator');
    const now = R + 25 * HOUR_MS; // overdue; the central lead is due at +48 h
    expect(rungIds(r, now)).toEqual([]);
    r.applyTriage({ actor: cc, triage: 'crisis', reason: 'Kind gewond' });
    expect(r.dueRungs(now)).toEqual([]);
  });
});

describe('assignment and pick-up', () => {
  it('reassigning needs a linked, open report, another person and a reason', () => {
    expect(notNow(() => new ReportCase(input({ link: null })).checkAssign({ actor: tc, assigneeId: 'u-kb-antwerpen-2', reason: 'Afwezig' }))).toBe(true);
    const r = routed(R);
    expect(notNow(() => r.checkAssign({ actor: tc, assigneeId: link.caseManagerId!, reason: 'Afwezig' }))).toBe(true);
    expect(invalid(() => r.checkAssign({ actor: tc, assigneeId: 'u-kb-antwerpen-2', reason: ' \t ' }))).toBe(true);
    expect(r.checkAssign({ actor: tc, assigneeId: 'u-kb-antwerpen-2', reason: 'Afwezig' })).toBeUndefined();
  });

  it('picking up meets the deadline: no due moment, not overdue (even when it was), nothing to escalate or wake for', () => {
    const r = routed(R, {}, null); // the team's queue: nobody assigned yet
    const late = R + 30 * HOUR_MS;
    r.refresh(late);
    expect(r.state.overdue).toBe(true);
    expect(r.checkAcknowledge({ actor: kb })).toBeUndefined();
    r.applyAcknowledge({ actor: kb }, late);
    expect(r.state).toMatchObject({ phase: 'in_behandeling', assigneeId: kb.id, deadlineMet: true, overdue: false, dueAt: null });
    expect(r.dueRungs(late + 100 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(late)).toBeUndefined();
    expect(notNow(() => r.checkAcknowledge({ actor: kb }))).toBe(true);
    // The assignee stays who it was when someone else picks it up.
    const assigned = routed(R);
    assigned.applyAcknowledge({ actor: tc }, R + HOUR_MS);
    expect(assigned.state.assigneeId).toBe(link.caseManagerId);
  });

  it('a pick-up counts when the API received it, bounded by the receipt and the workflow\'s time', () => {
    const r = routed(R);
    const now = R + 30 * HOUR_MS;
    const at = (iso?: string) => r.pickUpMoment({ actor: kb, ...(iso === undefined ? {} : { at: iso }) }, now);
    // Received by the API in time, reached by a worker that was behind: in time.
    expect(at(toIsoUtc(R + 23 * HOUR_MS))).toBe(R + 23 * HOUR_MS);
    expect(at(toIsoUtc(R + 31 * HOUR_MS))).toBe(now);
    expect(at(toIsoUtc(R - HOUR_MS))).toBe(R);
    expect(at()).toBe(now);
    expect(at('not a moment')).toBe(now);
    // At 23 hours the reminder had fired (or should have) and the deadline had not passed.
    r.refresh(R + 23 * HOUR_MS);
    expect(r.state.overdue).toBe(false);
    expect(rungIds(r, R + 23 * HOUR_MS)).toEqual(['reminder_handler']);
  });

  it('only an assigned report can be picked up', () => {
    expect(notNow(() => new ReportCase(input({ link: null })).checkAcknowledge({ actor: kb }))).toBe(true);
  });
});

describe('pause, resume and extension of the running deadline', () => {
  it('a pause keeps the hours used; paused, the report has no due moment, is never overdue and wakes for nothing', () => {
    const r = routed(R);
    const pausedAt = R + 10 * HOUR_MS; // Saturday 23:00 CET, before the switch
    expect(r.checkPause(pauseCmd(), pausedAt)).toBeUndefined();
    r.applyPause(pauseCmd(), pausedAt);
    expect(r.state).toMatchObject({ dueAt: null, overdue: false });
    expect(r.dueRungs(R + 1_000 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(pausedAt)).toBeUndefined();
    r.refresh(R + 1_000 * HOUR_MS);
    expect(r.state.overdue).toBe(false);
    // Resumed 20 hours later (after the switch): 14 hours left.
    const resumedAt = pausedAt + 20 * HOUR_MS;
    expect(r.checkResume(pauseCmd(), resumedAt)).toBeUndefined();
    r.applyResume(pauseCmd(), resumedAt);
    expect(r.state.dueAt).toBe(toIsoUtc(resumedAt + 14 * HOUR_MS));
    expect(r.state.deadline!.changes.map((c) => [c.type, c.actor])).toEqual([['pause', kb.id], ['resume', kb.id]]);
    expect(r.msUntilNextWakeUp(resumedAt)).toBe(10 * HOUR_MS); // the reminder, 4 h before
  });

  it('refuses, as not allowed now: a second pause, a resume of a running deadline, a pause once overdue, a deadline that is met or absent', () => {
    const r = routed(R);
    expect(notNow(() => r.checkResume(pauseCmd(), R + HOUR_MS))).toBe(true);
    r.applyPause(pauseCmd(), R + HOUR_MS);
    expect(notNow(() => r.checkPause(pauseCmd(), R + 2 * HOUR_MS))).toBe(true);
    const overdue = routed(R);
    expect(refusal(() => overdue.checkPause(pauseCmd(), R + 24 * HOUR_MS + 1)).message).toMatch(/overdue/);
    const picked = routed(R);
    picked.applyAcknowledge({ actor: kb }, R + HOUR_MS);
    expect(refusal(() => picked.checkPause(pauseCmd(), R + 2 * HOUR_MS)).message).toMatch(/no running deadline/);
    expect(refusal(() => new ReportCase(input({ link: null })).checkPause(pauseCmd(), R)).message).toMatch(/Link/);
  });

  it('extends by hours within the 48-hour cap, also an overdue or a paused deadline; beyond the cap is not allowed now, a bad amount invalid', () => {
    const r = routed(R);
    const late = R + 30 * HOUR_MS;
    r.refresh(late);
    expect(r.state.overdue).toBe(true);
    const ext = (hours: number) => ({ actor: tc, hours, reason: 'Complexe melding', basis: 'Beslissing teamcoördinator' });
    r.applyExtend(ext(12), late); // rescues the overdue deadline
    expect(r.state).toMatchObject({ dueAt: '2026-03-30T00:00:00.000Z', overdue: false });
    r.applyPause(pauseCmd(), late + HOUR_MS);
    expect(r.checkExtend(ext(36), late + 2 * HOUR_MS)).toBeUndefined(); // paused, and exactly up to the cap
    expect(notNow(() => r.checkExtend(ext(36.25), late + 2 * HOUR_MS))).toBe(true);
    for (const hours of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(invalid(() => r.checkExtend(ext(hours), late + 2 * HOUR_MS))).toBe(true);
  });

  // Once a defect: the validators checked the clock operation with placeholder texts instead of
  // the command's own reason and basis, so a reason of blanks passed the validator and the apply
  // step threw a DeadlineError, which Temporal treats as a workflow-task failure (the report wedged).
  const blank: PauseCommand = { actor: kb, reason: '   ', basis: 'Dienstafspraak' };
  it.each([
    ['pause', (r: ReportCase) => r.checkPause(blank, R + HOUR_MS)],
    ['resume', (r: ReportCase) => {
      r.applyPause(pauseCmd(), R + HOUR_MS);
      r.checkResume(blank, R + 2 * HOUR_MS);
    }],
    ['extend', (r: ReportCase) => r.checkExtend({ ...blank, hours: 2 }, R + HOUR_MS)],
  ])('%s: a reason of only blanks is refused by the validator (400), not by the apply step', (_name, check) => {
    const r = routed(R);
    expect(invalid(() => check(r))).toBe(true);
  });

  it('the apply step throws a plain DeadlineError, not an ApplicationFailure, on a blank reason: only the validator may refuse it', () => {
    const r = routed(R);
    let thrown: unknown;
    try {
      r.applyPause(blank, R + HOUR_MS);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DeadlineError);
    expect(thrown).not.toBeInstanceOf(ApplicationFailure);
    expect(r.state.deadline!.state).toBe('running');
  });
});

describe('feedback and closure', () => {
  it('feedback by e-mail needs the reporter\'s address; by phone it does not; it needs a linked, open report', () => {
    const anonymous = routed(R, { reporter: null });
    expect(refusal(() => anonymous.checkFeedback({ actor: kb, channel: 'email', message: 'Bedankt' })).message).toMatch(/e-mail/);
    expect(anonymous.checkFeedback({ actor: kb, channel: 'telefoon', message: 'Bedankt' })).toBeUndefined();
    expect(notNow(() => new ReportCase(input({ link: null })).checkFeedback({ actor: kb, channel: 'telefoon', message: 'Bedankt' }))).toBe(true);
    const r = routed(R);
    r.applyFeedback({ actor: kb, channel: 'email', message: 'Bedankt' }, R + HOUR_MS, 'outbox:MEL-1:v3');
    expect(r.state.feedback).toEqual({ at: '2026-03-28T13:00:00.000Z', channel: 'email', outboxKey: 'outbox:MEL-1:v3' });
  });

  it('closing needs a report being handled, a follow-up, feedback or a reason without it, and a destination for doorgestuurd', () => {
    const r = routed(R);
    expect(notNow(() => r.checkClose(closeCmd()))).toBe(true); // not picked up yet
    r.applyAcknowledge({ actor: kb }, R + HOUR_MS);
    expect(invalid(() => r.checkClose(closeCmd({ followUps: [] })))).toBe(true);
    expect(notNow(() => r.checkClose(closeCmd()))).toBe(true); // no feedback, no reason
    expect(notNow(() => r.checkClose(closeCmd({ noFeedbackReason: '  ' })))).toBe(true);
    expect(r.checkClose(closeCmd({ noFeedbackReason: 'Anonieme melder' }))).toBeUndefined();
    r.applyFeedback({ actor: kb, channel: 'telefoon', message: 'Bedankt' }, R + 2 * HOUR_MS, null);
    expect(invalid(() => r.checkClose(closeCmd({ followUps: [{ kind: 'doorgestuurd' }] })))).toBe(true);
    expect(r.checkClose(closeCmd({ followUps: [{ kind: 'doorgestuurd', forwardedTo: 'VECK' }] }))).toBeUndefined();
  });

  it('a closed report keeps its outcome and refuses every further command as not allowed now', () => {
    const r = routed(R);
    r.applyAcknowledge({ actor: kb }, R + HOUR_MS);
    const followUps = [{ kind: 'handhaving_gestart' as const, note: 'Ernstige tekortkomingen' }];
    r.applyClose(closeCmd({ followUps, noFeedbackReason: 'Anonieme melder' }), R + 3 * HOUR_MS);
    expect(r.state).toMatchObject({ phase: 'afgesloten', closedAt: '2026-03-28T15:00:00.000Z', followUps, dueAt: null, overdue: false });
    expect(r.isOpen).toBe(false);
    expect(r.dueRungs(R + 1_000 * HOUR_MS)).toEqual([]);
    expect(r.msUntilNextWakeUp(R)).toBeUndefined();
    const later = R + 4 * HOUR_MS;
    for (const check of [
      () => r.checkTriage({ actor: cc, triage: 'crisis', reason: 'Toch gevaar' }),
      () => r.checkLink({ actor: kb, link }),
      () => r.checkAssign({ actor: tc, assigneeId: 'u-kb-antwerpen-2', reason: 'Afwezig' }),
      () => r.checkAcknowledge({ actor: kb }),
      () => r.checkPause(pauseCmd(), later),
      () => r.checkResume(pauseCmd(), later),
      () => r.checkExtend({ ...pauseCmd(tc), hours: 1 }, later),
      () => r.checkFeedback({ actor: kb, channel: 'telefoon', message: 'Nog iets' }),
      () => r.checkClose(closeCmd({ noFeedbackReason: 'Anoniem' })),
    ]) {
      expect(notNow(check)).toBe(true);
    }
  });
});
