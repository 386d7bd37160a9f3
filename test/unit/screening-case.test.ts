import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, toBrusselsIso, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import { deadlineKinds } from '../../workflows/clock/defaults.js';
import { type CodeScreeningCommand, followUpKind, screeningRefusals, type ScreeningTaskInput } from '../../workflows/screening/definitions.js';
import { minMotivationLength, ScreeningCase } from '../../workflows/screening/screening-case.js';
import type { Actor } from '../../workflows/shared/actor.js';

// The screening case is pure: the workflow hands it workflow time. Fixed instants only. The
// default screening deadline is 15 working days from the opening, a reminder 3 days (72 clock
// hours) before the due moment and an alert to the team coordinator at it. Closing days written
// out: 11 and 21 July, 15 August, 2 and 11 November.
const calendar = { closedDates: ['2025-07-11', '2025-07-21', '2025-08-15', '2026-07-11', '2026-07-21', '2026-08-15', '2026-11-02', '2026-11-11'] };
const kb: Actor = { id: 'u-kb-gent-3', role: 'klantenbeheerder' };
const T = (iso: string) => Date.parse(iso);

function input(over: Partial<ScreeningTaskInput> = {}): ScreeningTaskInput {
  return {
    taskId: 'SCR-2025-07-DOS-0042',
    month: '2025-07',
    dossierId: 'DOS-0042',
    locationId: 'LOC-0042',
    locationName: 'Kinderopvang De Regenboog',
    teamId: 'team-gent',
    caseManagerId: kb.id,
    rank: 3,
    score: 0.41,
    modelVersion: 2,
    settings: { deadline: deadlineKinds().screening, calendar },
    ...over,
  };
}

const code = (over: Partial<CodeScreeningCommand> = {}): CodeScreeningCommand => ({
  actor: kb,
  code: 'geen_risico',
  motivation: 'Recente inspectie zonder opmerkingen.',
  ...over,
});

function refusal(check: () => void): { type: string | null | undefined; message: string } {
  try {
    check();
  } catch (err) {
    if (err instanceof ApplicationFailure) return { type: err.type, message: err.message };
    throw err;
  }
  throw new Error('expected the validator to refuse');
}

describe('a screening task when it opens', () => {
  it('is open, assigned to the dossier\'s case manager in its team, version 0, nothing coded', () => {
    const t = new ScreeningCase(input(), T('2025-07-02T07:00:00.000Z'));
    expect(t.isOpen).toBe(true);
    expect(t.state).toMatchObject({
      taskId: 'SCR-2025-07-DOS-0042',
      status: 'open',
      assigneeId: kb.id,
      teamId: 'team-gent',
      code: null,
      motivation: null,
      codedBy: null,
      codedAt: null,
      overdue: false,
      firedRungs: [],
      followUp: null,
      version: 0,
    });
    expect(t.state.deadline).toMatchObject({ id: 'screening-1', kind: 'screening', anchor: '2025-07-02T07:00:00.000Z', budget: { unit: 'working_days', amount: 15 } });
  });

  it('is due at the end of the 15th working day after the opening date, skipping weekends, 11 and 21 July', () => {
    // Wednesday 2 July 2025: 3, 4, 7–10, 14–18, 22–25 July are the 15 working days.
    const t = new ScreeningCase(input(), T('2025-07-02T07:00:00.000Z'));
    expect(toBrusselsIso(t.state.dueAt!)).toBe('2025-07-25T23:59:59.999+02:00');
  });

  it('counts from the Brussels date: opened at 00:30 on Thursday (22:30 UTC on Wednesday), it is due a working day later', () => {
    const t = new ScreeningCase(input(), T('2025-07-02T22:30:00.000Z'));
    expect(toBrusselsIso(t.state.dueAt!)).toBe('2025-07-28T23:59:59.999+02:00');
  });

  it('across the end of summer time, 2 and 11 November: the due day ends at 23:59:59.999 CET', () => {
    // Tuesday 20 October 2026: 21–23, 26–30 Oct, 3–6, 9, 10, 12 Nov (2 and 11 Nov closed).
    const t = new ScreeningCase(input({ month: '2026-10' }), T('2026-10-20T08:00:00.000Z'));
    expect(t.state.dueAt).toBe('2026-11-12T22:59:59.999Z');
    expect(toBrusselsIso(t.state.dueAt!)).toBe('2026-11-12T23:59:59.999+01:00');
  });
});

describe('reminder and alert (the escalation ladder)', () => {
  const opened = T('2025-07-02T07:00:00.000Z');
  const due = T('2025-07-25T21:59:59.999Z');

  it('wakes for the reminder 72 clock hours before the due moment, then for the alert at it; each rung once', () => {
    const t = new ScreeningCase(input(), opened);
    expect(t.state.dueAt).toBe(toIsoUtc(due));
    const reminder = due - 3 * DAY_MS;
    expect(t.msUntilNextWakeUp(opened)).toBe(reminder - opened);
    expect(t.dueRungs(reminder - 1)).toEqual([]);
    expect(t.dueRungs(reminder)).toEqual([{ rung: expect.objectContaining({ id: 'reminder_handler', target: 'handler' }), key: 'screening-1:reminder_handler' }]);
    t.markFired('screening-1:reminder_handler');
    expect(t.dueRungs(reminder)).toEqual([]);
    expect(t.msUntilNextWakeUp(reminder)).toBe(3 * DAY_MS);
    expect(t.dueRungs(due).map((d) => d.key)).toEqual(['screening-1:due_teamcoordinator']);
    t.markFired('screening-1:due_teamcoordinator');
    expect(t.dueRungs(due + 30 * DAY_MS)).toEqual([]);
    expect(t.msUntilNextWakeUp(due + 30 * DAY_MS)).toBeUndefined();
  });

  it('after downtime every missed rung comes back at once, in ladder order, and the wake-up is "now"', () => {
    const t = new ScreeningCase(input(), opened);
    const later = due + 5 * DAY_MS;
    expect(t.dueRungs(later).map((d) => d.rung.id)).toEqual(['reminder_handler', 'due_teamcoordinator']);
    expect(t.msUntilNextWakeUp(later)).toBe(1);
  });

  it('the reminder is 72 clock hours, not 3 calendar days: across the end of summer time it falls at 00:59:59.999 local', () => {
    // Opened Monday 5 October 2026: due end of Monday 26 October (CET); 72 hours earlier is Saturday 00:59 CEST.
    const t = new ScreeningCase(input({ month: '2026-10' }), T('2026-10-05T08:00:00.000Z'));
    expect(toBrusselsIso(t.state.dueAt!)).toBe('2026-10-26T23:59:59.999+01:00');
    const wake = T('2026-10-05T08:00:00.000Z') + t.msUntilNextWakeUp(T('2026-10-05T08:00:00.000Z'))!;
    expect(toBrusselsIso(wake)).toBe('2026-10-24T00:59:59.999+02:00');
  });

  it('is overdue only strictly after the due moment, as refresh computes it', () => {
    const t = new ScreeningCase(input(), opened);
    t.refresh(due);
    expect(t.state.overdue).toBe(false);
    t.refresh(due + 1);
    expect(t.state.overdue).toBe(true);
    expect(t.state.dueAt).toBe(toIsoUtc(due));
  });

  it('with a seconds-long test budget (DEADLINE_OVERRIDES) the reminder, 3 days before, is due at once', () => {
    const deadline = deadlineKinds({ screening: { budget: { unit: 'hours', amount: 0.002 } } }).screening;
    const t = new ScreeningCase(input({ settings: { deadline, calendar } }), opened);
    expect(t.state.dueAt).toBe(toIsoUtc(opened + 7_200));
    expect(t.dueRungs(opened).map((d) => d.rung.id)).toEqual(['reminder_handler']);
    expect(t.msUntilNextWakeUp(opened)).toBe(1);
  });
});

describe('coding', () => {
  const opened = T('2025-07-02T07:00:00.000Z');

  it('refuses an unknown code and a motivation under 10 characters (blanks do not count) as invalid', () => {
    const t = new ScreeningCase(input(), opened);
    expect(refusal(() => t.checkCode(code({ code: 'misschien' as unknown as CodeScreeningCommand['code'] }))).type).toBe(screeningRefusals.invalid);
    expect(minMotivationLength).toBe(10);
    expect(refusal(() => t.checkCode(code({ motivation: '   123456789   ' }))).type).toBe(screeningRefusals.invalid);
    expect(refusal(() => t.checkCode(code({ motivation: undefined as unknown as string }))).type).toBe(screeningRefusals.invalid);
    expect(t.checkCode(code({ motivation: '1234567890' }))).toBeUndefined();
  });

  it('records the code, the trimmed motivation, who and when; the deadline no longer shows or escalates', () => {
    const t = new ScreeningCase(input(), opened);
    const late = T('2025-07-28T08:00:00.000Z');
    t.refresh(late);
    expect(t.state.overdue).toBe(true);
    t.applyCode(code({ code: 'risico', motivation: '  Twee aanmaningen dit jaar.  ' }), late);
    expect(t.isOpen).toBe(false);
    expect(t.state).toMatchObject({
      status: 'gecodeerd',
      code: 'risico',
      motivation: 'Twee aanmaningen dit jaar.',
      codedBy: kb.id,
      codedAt: '2025-07-28T08:00:00.000Z',
      dueAt: null,
      overdue: false,
      followUp: null,
    });
    expect(t.dueRungs(late + 100 * DAY_MS)).toEqual([]);
    expect(t.msUntilNextWakeUp(late)).toBeUndefined();
  });

  it('a coded task refuses another code as not allowed now, naming the code it has', () => {
    const t = new ScreeningCase(input(), opened);
    t.applyCode(code(), opened + HOUR_MS);
    const refused = refusal(() => t.checkCode(code({ code: 'risico' })));
    expect(refused.type).toBe(screeningRefusals.notAllowedNow);
    expect(refused.message).toMatch(/geen_risico/);
  });

  it('verder_onderzoek_nodig sets up the follow-up with the month and the motivation; the other codes do not', () => {
    const t = new ScreeningCase(input(), opened);
    t.applyCode(code({ code: 'verder_onderzoek_nodig', motivation: 'Signalen van ouders niet onderzocht.' }), opened + HOUR_MS);
    expect(t.state.followUp).toEqual({ kind: followUpKind, note: 'Verder onderzoek na risicoscreening 2025-07: Signalen van ouders niet onderzocht.' });
    const other = new ScreeningCase(input(), opened);
    other.applyCode(code({ code: 'geen_risico' }), opened + HOUR_MS);
    expect(other.state.followUp).toBeNull();
  });

  it('bump gives each saved change its own version', () => {
    const t = new ScreeningCase(input(), opened);
    expect([t.bump(), t.bump(), t.bump()]).toEqual([1, 2, 3]);
    expect(t.state.version).toBe(3);
  });
});
