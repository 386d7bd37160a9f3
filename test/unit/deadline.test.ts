import { describe, expect, it } from 'vitest';
import { toBrusselsIso, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import { createWorkingCalendar } from '../../workflows/clock/calendar.js';
import {
  DeadlineError,
  ExtensionCapExceededError,
  createDeadline,
  dueAt,
  extend,
  isOverdue,
  pause,
  remaining,
  resume,
  type Budget,
  type Deadline,
} from '../../workflows/clock/deadline.js';

// Written out, so these tests do not depend on the holiday library.
const cal = createWorkingCalendar({
  closedDates: ['2025-12-25', '2025-12-26', '2026-01-01', '2026-04-06', '2026-05-14', '2026-05-25', '2026-07-11', '2026-07-21'],
});

const who = { actor: 'kb.janssens', reason: 'wacht op verslag Zorginspectie', basis: 'dienstafspraak opvolging meldingen' };

const make = (budget: Budget, anchor: string, extensionCap = 0): Deadline =>
  createDeadline({ id: 'd1', kind: 'test', budget, anchor, extensionCap });

const iso = (t: number | undefined) => (t === undefined ? undefined : toIsoUtc(t));
const at = (s: string) => Date.parse(s);

describe('due moment', () => {
  it('hours are exact milliseconds, also across a DST switch', () => {
    const d = make({ unit: 'hours', amount: 24 }, '2026-03-28T12:00:00Z');
    expect(dueAt(d, cal)! - at('2026-03-28T12:00:00Z')).toBe(86_400_000);
    // 13:00 CET becomes 14:00 CEST on the wall clock: a day of 23 hours is not a "day" here.
    expect(toBrusselsIso(dueAt(d, cal)!)).toBe('2026-03-29T14:00:00.000+02:00');
    const autumn = make({ unit: 'hours', amount: 24 }, '2026-10-24T12:00:00Z');
    expect(iso(dueAt(autumn, cal))).toBe('2026-10-25T12:00:00.000Z');
  });

  it('working days: end of the Nth working day after the anchor date, over Easter Monday', () => {
    // Thu 2 April 10:00; Fri 3 April = 1; Easter Monday closed; Tue 7 April = 2.
    const d = make({ unit: 'working_days', amount: 2 }, '2026-04-02T08:00:00Z');
    expect(toBrusselsIso(dueAt(d, cal)!)).toBe('2026-04-07T23:59:59.999+02:00');
  });

  it('working days count from the Brussels date of the anchor, not the UTC date', () => {
    // 22:30 UTC on Thursday is 00:30 on Friday in Brussels: Friday is the anchor day.
    const d = make({ unit: 'working_days', amount: 2 }, '2026-04-02T22:30:00Z');
    expect(toBrusselsIso(dueAt(d, cal)!)).toBe('2026-04-08T23:59:59.999+02:00');
  });

  it('working days from a Saturday start counting on Monday; over the year boundary', () => {
    expect(toBrusselsIso(dueAt(make({ unit: 'working_days', amount: 1 }, '2026-06-06T10:00:00Z'), cal)!)).toBe('2026-06-08T23:59:59.999+02:00');
    // Tue 30 Dec 2025: 31 Dec = 1, 1 Jan closed, Fri 2 Jan = 2.
    expect(toBrusselsIso(dueAt(make({ unit: 'working_days', amount: 2 }, '2025-12-30T09:00:00Z'), cal)!)).toBe('2026-01-02T23:59:59.999+01:00');
  });

  it('calendar days: end of the local day, moved to the next working day when the last day is closed', () => {
    expect(toBrusselsIso(dueAt(make({ unit: 'calendar_days', amount: 2 }, '2026-07-08T09:00:00Z'), cal)!)).toBe('2026-07-10T23:59:59.999+02:00');
    // 11 July 2026 is a Saturday and a holiday: Monday 13 July.
    expect(toBrusselsIso(dueAt(make({ unit: 'calendar_days', amount: 3 }, '2026-07-08T09:00:00Z'), cal)!)).toBe('2026-07-13T23:59:59.999+02:00');
    // Sunday 25 October 2026 (switch day) rolls to Monday, which ends at 23:00 UTC.
    expect(iso(dueAt(make({ unit: 'calendar_days', amount: 2 }, '2026-10-23T09:00:00Z'), cal))).toBe('2026-10-26T22:59:59.999Z');
  });

  it('is overdue only strictly after the due moment', () => {
    const d = make({ unit: 'hours', amount: 1 }, '2026-06-01T08:00:00Z');
    expect(isOverdue(d, '2026-06-01T09:00:00Z', cal)).toBe(false);
    expect(isOverdue(d, at('2026-06-01T09:00:00Z') + 1, cal)).toBe(true);
  });

  it('rejects budgets that make no sense', () => {
    expect(() => make({ unit: 'working_days', amount: 1.5 }, '2026-06-01T08:00:00Z')).toThrow(DeadlineError);
    expect(() => make({ unit: 'hours', amount: 0 }, '2026-06-01T08:00:00Z')).toThrow(DeadlineError);
    expect(() => make({ unit: 'hours', amount: 1 }, '2026-06-01T08:00:00')).toThrow(RangeError);
    expect(() => createDeadline({ id: ' ', kind: 'k', budget: { unit: 'hours', amount: 1 }, anchor: 0, extensionCap: 0 })).toThrow(DeadlineError);
  });
});

describe('pause and resume (opschorting)', () => {
  it('hours: keeps the remaining budget and moves the due moment', () => {
    const d0 = make({ unit: 'hours', amount: 24 }, '2026-06-01T08:00:00Z');
    const paused = pause(d0, '2026-06-01T18:00:00Z', who, cal);
    expect(dueAt(paused, cal)).toBeUndefined();
    expect(remaining(paused, '2026-06-10T00:00:00Z', cal)).toEqual({ unit: 'hours', amount: 14, msUntilDue: undefined, overdue: false });
    const resumed = resume(paused, '2026-06-02T14:00:00Z', who);
    expect(iso(dueAt(resumed, cal))).toBe('2026-06-03T04:00:00.000Z');
    expect(remaining(resumed, '2026-06-02T20:00:00Z', cal).amount).toBe(8);
  });

  it('is never overdue while paused, however long', () => {
    const d = pause(make({ unit: 'hours', amount: 1 }, '2026-06-01T08:00:00Z'), '2026-06-01T08:30:00Z', who, cal);
    expect(isOverdue(d, '2030-01-01T00:00:00Z', cal)).toBe(false);
    expect(remaining(d, '2030-01-01T00:00:00Z', cal).overdue).toBe(false);
  });

  it('working days: the pause day counts as used, the resume day does not', () => {
    // Mon 1 June 09:00; 2 working days: due end of Wed 3 June.
    const d0 = make({ unit: 'working_days', amount: 2 }, '2026-06-01T07:00:00Z');
    expect(toBrusselsIso(dueAt(d0, cal)!)).toBe('2026-06-03T23:59:59.999+02:00');
    expect(remaining(d0, '2026-06-02T10:00:00Z', cal).amount).toBe(1);

    const paused = pause(d0, '2026-06-02T12:00:00Z', who, cal); // Tuesday used
    expect(paused.consumedDays).toBe(1);
    const resumed = resume(paused, '2026-06-08T07:00:00Z', who); // Monday: 1 left, counted from Tuesday
    expect(toBrusselsIso(dueAt(resumed, cal)!)).toBe('2026-06-09T23:59:59.999+02:00');
  });

  it('working days: a pause and resume on the same day leave the due moment where it was', () => {
    const d0 = make({ unit: 'working_days', amount: 2 }, '2026-06-01T07:00:00Z');
    const d1 = resume(pause(d0, '2026-06-02T08:00:00Z', who, cal), '2026-06-02T13:00:00Z', who);
    expect(dueAt(d1, cal)).toBe(dueAt(d0, cal));
  });

  it('working days: paused on the anchor day uses nothing; paused on the last day leaves the resume day', () => {
    const d0 = make({ unit: 'working_days', amount: 2 }, '2026-06-01T07:00:00Z');
    expect(pause(d0, '2026-06-01T15:00:00Z', who, cal).consumedDays).toBe(0);
    const last = pause(d0, '2026-06-03T08:00:00Z', who, cal);
    expect(last.consumedDays).toBe(2);
    expect(toBrusselsIso(dueAt(resume(last, '2026-06-05T08:00:00Z', who), cal)!)).toBe('2026-06-05T23:59:59.999+02:00');
    // Resumed on a Saturday: the next working day.
    expect(toBrusselsIso(dueAt(resume(last, '2026-06-06T08:00:00Z', who), cal)!)).toBe('2026-06-08T23:59:59.999+02:00');
  });

  it('working days: a pause over a holiday resumes past it', () => {
    // Wed 13 May, 2 working days: Thu 14 May Ascension closed → Fri 15 (1), Mon 18 (2).
    const d0 = make({ unit: 'working_days', amount: 2 }, '2026-05-13T07:00:00Z');
    expect(toBrusselsIso(dueAt(d0, cal)!)).toBe('2026-05-18T23:59:59.999+02:00');
    const paused = pause(d0, '2026-05-15T07:00:00Z', who, cal); // Friday used
    const resumed = resume(paused, '2026-05-22T07:00:00Z', who); // Fri 22; Whit Monday 25 closed
    expect(toBrusselsIso(dueAt(resumed, cal)!)).toBe('2026-05-26T23:59:59.999+02:00');
  });

  it('calendar days: whole days used are kept', () => {
    const d0 = make({ unit: 'calendar_days', amount: 5 }, '2026-06-01T07:00:00Z'); // due end of Sat 6 → Mon 8
    const paused = pause(d0, '2026-06-03T07:00:00Z', who, cal); // 2 and 3 June used
    expect(paused.consumedDays).toBe(2);
    const resumed = resume(paused, '2026-06-10T07:00:00Z', who); // 3 left: 13 June, a Saturday → Mon 15
    expect(toBrusselsIso(dueAt(resumed, cal)!)).toBe('2026-06-15T23:59:59.999+02:00');
  });

  it('rejects pausing an overdue deadline, double pauses, resuming a running one and time going backwards', () => {
    const d0 = make({ unit: 'hours', amount: 1 }, '2026-06-01T08:00:00Z');
    expect(() => pause(d0, '2026-06-01T09:00:01Z', who, cal)).toThrow(expect.objectContaining({ code: 'overdue' }));
    const paused = pause(d0, '2026-06-01T08:10:00Z', who, cal);
    expect(() => pause(paused, '2026-06-01T08:20:00Z', who, cal)).toThrow(expect.objectContaining({ code: 'not_running' }));
    expect(() => resume(d0, '2026-06-01T08:20:00Z', who)).toThrow(expect.objectContaining({ code: 'not_paused' }));
    expect(() => resume(paused, '2026-06-01T08:05:00Z', who)).toThrow(expect.objectContaining({ code: 'time_before_last_change' }));
    expect(() => pause(d0, '2026-06-01T07:00:00Z', who, cal)).toThrow(expect.objectContaining({ code: 'time_before_last_change' }));
    expect(() => pause(d0, '2026-06-01T08:10:00Z', { ...who, basis: '' }, cal)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('extension (verlenging)', () => {
  it('adds to the budget and records who, when, why and on what basis', () => {
    const d0 = make({ unit: 'hours', amount: 24 }, '2026-06-01T08:00:00Z', 48);
    const d1 = extend(d0, '2026-06-01T20:00:00Z', { ...who, amount: 12 });
    expect(iso(dueAt(d1, cal))).toBe('2026-06-02T20:00:00.000Z');
    expect(d1.changes).toEqual([{ type: 'extend', at: '2026-06-01T20:00:00.000Z', amount: 12, ...who }]);
    expect(d0.changes).toEqual([]); // pure: the input is untouched
  });

  it('rejects going beyond the cap with a typed error, and allows reaching it', () => {
    const d0 = make({ unit: 'hours', amount: 24 }, '2026-06-01T08:00:00Z', 48);
    const d1 = extend(d0, '2026-06-01T09:00:00Z', { ...who, amount: 12 });
    let error: unknown;
    try {
      extend(d1, '2026-06-01T10:00:00Z', { ...who, amount: 40 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExtensionCapExceededError);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error).toMatchObject({ code: 'extension_cap_exceeded', requested: 40, alreadyExtended: 12, cap: 48, unit: 'hours' });
    expect(extend(d1, '2026-06-01T10:00:00Z', { ...who, amount: 36 }).extensionTotal).toBe(48);
    expect(() => extend(make({ unit: 'hours', amount: 1 }, '2026-06-01T08:00:00Z'), '2026-06-01T08:00:00Z', { ...who, amount: 1 })).toThrow(
      ExtensionCapExceededError,
    );
  });

  it('rescues an overdue deadline, works while paused, and keeps day budgets whole', () => {
    const d0 = make({ unit: 'working_days', amount: 2 }, '2026-06-01T07:00:00Z', 3);
    expect(isOverdue(d0, '2026-06-04T07:00:00Z', cal)).toBe(true);
    const d1 = extend(d0, '2026-06-04T07:00:00Z', { ...who, amount: 1 });
    expect(isOverdue(d1, '2026-06-04T07:00:00Z', cal)).toBe(false);
    expect(toBrusselsIso(dueAt(d1, cal)!)).toBe('2026-06-04T23:59:59.999+02:00');
    expect(() => extend(d1, '2026-06-04T07:00:00Z', { ...who, amount: 0.5 })).toThrow(DeadlineError);

    const paused = pause(d1, '2026-06-04T08:00:00Z', who, cal); // 3 used, 0 left
    const more = extend(paused, '2026-06-05T08:00:00Z', { ...who, amount: 2 });
    expect(dueAt(more, cal)).toBeUndefined();
    const resumed = resume(more, '2026-06-08T08:00:00Z', who); // Mon; 2 left: Tue 9, Wed 10
    expect(toBrusselsIso(dueAt(resumed, cal)!)).toBe('2026-06-10T23:59:59.999+02:00');
    expect(resumed.changes.map((c) => c.type)).toEqual(['extend', 'pause', 'extend', 'resume']);
  });
});

describe('serialisation', () => {
  it('survives a JSON round trip (workflow state and history) with the same due moment', () => {
    let d = make({ unit: 'working_days', amount: 2 }, '2026-06-01T07:00:00Z', 3);
    d = pause(d, '2026-06-02T07:00:00Z', who, cal);
    d = resume(d, '2026-06-04T07:00:00Z', who);
    d = extend(d, '2026-06-04T08:00:00Z', { ...who, amount: 1 });
    const copy = JSON.parse(JSON.stringify(d)) as Deadline;
    expect(copy).toEqual(d);
    expect(dueAt(copy, cal)).toBe(dueAt(d, cal));
    // Tue used; resumed Thu with 1 + 1 extended left: Fri 5 and Mon 8 June.
    expect(toBrusselsIso(dueAt(copy, cal)!)).toBe('2026-06-08T23:59:59.999+02:00');
  });
});
