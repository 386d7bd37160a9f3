import { flemishWorkingCalendar } from '../../workflows/clock/flemish-holidays.js';
import { DEFAULT_DEADLINE_KINDS } from '../../workflows/clock/defaults.js';
import { createDeadline, dueAt, type BudgetUnit } from '../../workflows/clock/deadline.js';
import { nextWakeUp, rungsDue } from '../../workflows/clock/escalation.js';
import { addWorkingDays } from '../../workflows/clock/calendar.js';
import { endOfLocalDay, localDateOf, toBrusselsIso } from '../../workflows/clock/brussels-time.js';
import type { CheckResult } from './report.js';

/**
 * Check 6: clock edges. A live process cannot be started "in the past" (Temporal's timers run on
 * the real clock, and this machine's clock is not ours to move), and with compressed terms
 * (ENFORCEMENT_OVERRIDES.compressDayMs, hour budgets of seconds) the working calendar is bypassed
 * altogether. So this check runs the REAL deadline code the workflows run (workflows/clock:
 * createDeadline, dueAt, rungsDue, nextWakeUp, addWorkingDays; the Flemish working calendar of
 * activities/calendar) for start moments just before the summer-time change of 2027-03-28 02:00
 * Brussels, the winter-time change of 2027-10-31 03:00, and around New Year 2026/2027, and compares
 * every due moment with a value worked out by hand from the calendar (UTC instants below).
 */

const HOUR = 3_600_000;

interface Case {
  name: string;
  unit: BudgetUnit;
  amount: number;
  anchor: string;
  /** The expected due moment (UTC), worked out by hand. */
  expected: string;
  why: string;
}

const cases: Case[] = [
  { name: 'hours over the spring gap', unit: 'hours', amount: 1, anchor: '2027-03-28T00:59:00Z', expected: '2027-03-28T01:59:00.000Z',
    why: '01:59 CET + 1 elapsed hour = 03:59 CEST (02:00–03:00 does not exist)' },
  { name: '24 h report over the spring gap', unit: 'hours', amount: 24, anchor: '2027-03-27T21:00:00Z', expected: '2027-03-28T21:00:00.000Z',
    why: '22:00 CET Sat + 24 elapsed hours = 23:00 CEST Sun (a 23-hour day)' },
  { name: 'hours over the autumn overlap', unit: 'hours', amount: 3, anchor: '2027-10-31T00:30:00Z', expected: '2027-10-31T03:30:00.000Z',
    why: '02:30 CEST + 3 elapsed hours = 04:30 CET (02:00–03:00 happens twice)' },
  { name: '1 working day before Easter Monday and the summer-time change', unit: 'working_days', amount: 1, anchor: '2027-03-26T14:00:00Z', expected: '2027-03-30T21:59:59.999Z',
    why: 'Fri 26/3 → Sat, Sun (28/3, switch day), Mon 29/3 Easter Monday closed → Tue 30/3 ends 23:59:59.999 CEST' },
  { name: '1 calendar day landing on the switch Sunday', unit: 'calendar_days', amount: 1, anchor: '2027-03-27T11:00:00Z', expected: '2027-03-30T21:59:59.999Z',
    why: 'Sat 27/3 + 1 = Sun 28/3, not a working day → Mon 29/3 Easter Monday → Tue 30/3, end of day CEST' },
  { name: 'start 01:59 on the switch night, 1 working day', unit: 'working_days', amount: 1, anchor: '2027-03-28T00:59:00Z', expected: '2027-03-30T21:59:59.999Z',
    why: 'Sun 28/3 01:59 CET → next working day Tue 30/3 (Easter Monday closed)' },
  { name: '2 working days from New Year\'s Eve', unit: 'working_days', amount: 2, anchor: '2026-12-31T09:00:00Z', expected: '2027-01-05T22:59:59.999Z',
    why: 'Thu 31/12 → Fri 1/1 closed, weekend → Mon 4/1 (1), Tue 5/1 (2), end of day CET' },
  { name: '1 calendar day from New Year\'s Eve', unit: 'calendar_days', amount: 1, anchor: '2026-12-31T09:00:00Z', expected: '2027-01-04T22:59:59.999Z',
    why: '31/12 + 1 = Fri 1/1 closed → Mon 4/1' },
  { name: 'start 00:30 Brussels on New Year (23:30 UTC the day before)', unit: 'working_days', amount: 1, anchor: '2026-12-31T23:30:00Z', expected: '2027-01-04T22:59:59.999Z',
    why: 'the Brussels date is already Fri 1/1 (closed); 1 working day after it is Mon 4/1' },
  { name: '24 h report over New Year', unit: 'hours', amount: 24, anchor: '2026-12-31T22:00:00Z', expected: '2027-01-01T22:00:00.000Z',
    why: 'hours are elapsed time: closing days do not stop an hour budget' },
  { name: '1 working day before All Saints and the staff holiday', unit: 'working_days', amount: 1, anchor: '2027-10-29T10:00:00Z', expected: '2027-11-03T22:59:59.999Z',
    why: 'Fri 29/10 → weekend (31/10 switch day), Mon 1/11 All Saints, Tue 2/11 staff holiday → Wed 3/11, CET' },
  { name: '5 working days over Christmas to New Year\'s Eve', unit: 'working_days', amount: 5, anchor: '2026-12-23T10:00:00Z', expected: '2026-12-31T22:59:59.999Z',
    why: 'Wed 23/12 → Thu 24 (1), Fri 25 Christmas, Sat 26 (staff holiday, weekend anyway), Sun, Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5), end of day CET' },
];

export async function clockEdgesCheck(): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const calendar = flemishWorkingCalendar({ fromYear: 2026, toYear: 2028 });
  let checked = 0;
  for (const c of cases) {
    const d = createDeadline({ id: `edge-${checked}`, kind: 'report_follow_up', budget: { unit: c.unit, amount: c.amount }, anchor: c.anchor, extensionCap: 0 });
    const due = dueAt(d, calendar);
    checked += 1;
    const got = due === undefined ? 'none' : new Date(due).toISOString();
    if (got !== c.expected) failures.push(`${c.name}: due ${got} (${due === undefined ? '' : toBrusselsIso(due)}), expected ${c.expected} — ${c.why}`);
  }

  // The escalation ladder of a report whose 24 h run over the spring gap: each rung at due + offset,
  // fired once, in order, and the workflow's next wake-up at the first unfired rung.
  const ladder = DEFAULT_DEADLINE_KINDS.report_follow_up.ladder;
  const d = createDeadline({ id: 'ladder', kind: 'report_follow_up', budget: { unit: 'hours', amount: 24 }, anchor: '2027-03-27T21:00:00Z', extensionCap: 0 });
  const due = dueAt(d, calendar)!;
  const fired: string[] = [];
  const moments: string[] = [];
  for (let now = Date.parse('2027-03-27T21:00:00Z'); now <= due + 25 * HOUR; now += 15 * 60_000) {
    const wake = nextWakeUp(ladder, d, now, fired, calendar);
    for (const r of rungsDue(ladder, d, now, fired, calendar)) {
      fired.push(r.id);
      moments.push(new Date(due + r.offsetMs).toISOString());
      if (wake === undefined || wake > now) failures.push(`rung ${r.id} due at ${now} but nextWakeUp said ${wake}`);
    }
    checked += 1;
  }
  const expectedMoments = ['2027-03-28T17:00:00.000Z', '2027-03-28T21:00:00.000Z', '2027-03-29T21:00:00.000Z'];
  if (JSON.stringify(fired) !== JSON.stringify(ladder.rungs.map((r) => r.id))) failures.push(`ladder fired ${fired.join(',')}`);
  if (JSON.stringify(moments) !== JSON.stringify(expectedMoments)) failures.push(`rung moments ${moments.join(',')}, expected ${expectedMoments.join(',')}`);

  // Enforcement day terms (flow-kit workingDaysFrom without compression = endOfLocalDay(addWorkingDays(...))).
  const term = endOfLocalDay(addWorkingDays(calendar, localDateOf(Date.parse('2026-12-31T23:30:00Z')), 2));
  checked += 1;
  if (new Date(term).toISOString() !== '2027-01-05T22:59:59.999Z') failures.push(`enforcement 2-working-day term from 1/1 00:30 Brussels: ${new Date(term).toISOString()}, expected 2027-01-05T22:59:59.999Z`);

  // The hand-worked expectations assume these calendar facts; check them independently of the code.
  const weekday = (s: string) => new Date(`${s}T12:00:00Z`).getUTCDay();
  const facts: [string, number][] = [['2026-12-31', 4], ['2027-01-01', 5], ['2027-03-28', 0], ['2027-03-29', 1], ['2027-10-31', 0], ['2027-11-02', 2], ['2026-12-25', 5]];
  for (const [date, wd] of facts) if (weekday(date) !== wd) failures.push(`calendar fact wrong: ${date} is weekday ${weekday(date)}`);

  return {
    id: '6',
    title: 'clock edges (pure-function check of the real deadline code; no live process)',
    ok: failures.length === 0,
    started: 0,
    inFlight: 0,
    lost: 0,
    duplicated: 0,
    figures: { 'due moments compared with hand-worked values': cases.length + 1 + 3, 'ladder instants stepped (15 min apart)': checked - cases.length - 1, 'cases (spring gap, autumn overlap, New Year, Easter, All Saints)': cases.length, 'report ladder over the spring gap': moments.join(', ') },
    failures,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
}
