/**
 * A working calendar: weekends plus an explicit list of closed dates. The list is computed outside
 * the workflow (workflows/clock/flemish-holidays.ts) and handed in as plain data, so the
 * workflow never depends on a holiday library or on the year it happens to be replayed in.
 */
import { addDays, isoWeekday, parseLocalDate, type LocalDate } from './brussels-time.js';

/** The JSON form: what a workflow receives as input or from an activity. */
export interface WorkingCalendarSpec {
  /** Closed dates besides weekends, 'YYYY-MM-DD' in Brussels time. */
  closedDates: readonly LocalDate[];
  /** ISO weekdays that are never working days; default Saturday and Sunday. */
  weekendDays?: readonly number[];
  /**
   * The dates the closed-date list is known to be complete for. Outside it a holiday would be
   * silently missed, so queries there throw instead; without coverage nothing is checked.
   */
  coverage?: { from: LocalDate; to: LocalDate };
}

export interface WorkingCalendar {
  readonly closedDates: ReadonlySet<LocalDate>;
  readonly weekendDays: ReadonlySet<number>;
  readonly coverage: { readonly from: LocalDate; readonly to: LocalDate } | undefined;
}

export class CalendarCoverageError extends Error {
  constructor(
    readonly date: LocalDate,
    readonly coverage: { from: LocalDate; to: LocalDate },
  ) {
    super(`Working calendar covers ${coverage.from} to ${coverage.to}; asked about ${date}`);
    this.name = 'CalendarCoverageError';
  }
}

const SATURDAY = 6;
const SUNDAY = 7;

export function createWorkingCalendar(spec: WorkingCalendarSpec): WorkingCalendar {
  for (const date of spec.closedDates) parseLocalDate(date);
  const weekendDays = new Set(spec.weekendDays ?? [SATURDAY, SUNDAY]);
  for (const day of weekendDays) {
    if (!Number.isInteger(day) || day < 1 || day > 7) throw new RangeError(`Not an ISO weekday: ${day}`);
  }
  // Without a single working weekday every working-day search would loop forever.
  if (weekendDays.size === 7) throw new RangeError('A working calendar needs at least one working weekday');
  if (spec.coverage) {
    parseLocalDate(spec.coverage.from);
    parseLocalDate(spec.coverage.to);
    if (spec.coverage.from > spec.coverage.to) throw new RangeError('Calendar coverage ends before it starts');
  }
  return {
    closedDates: new Set(spec.closedDates),
    weekendDays,
    coverage: spec.coverage ? { ...spec.coverage } : undefined,
  };
}

export function toWorkingCalendarSpec(calendar: WorkingCalendar): WorkingCalendarSpec {
  return {
    closedDates: [...calendar.closedDates].sort(),
    weekendDays: [...calendar.weekendDays].sort(),
    ...(calendar.coverage ? { coverage: { ...calendar.coverage } } : {}),
  };
}

function checkCoverage(calendar: WorkingCalendar, date: LocalDate): void {
  const c = calendar.coverage;
  // 'YYYY-MM-DD' strings compare in date order.
  if (c && (date < c.from || date > c.to)) throw new CalendarCoverageError(date, c);
}

export function isWorkingDay(calendar: WorkingCalendar, date: LocalDate): boolean {
  checkCoverage(calendar, date);
  return !calendar.weekendDays.has(isoWeekday(date)) && !calendar.closedDates.has(date);
}

/** `date` itself when it is a working day, else the first working day after it. */
export function workingDayOnOrAfter(calendar: WorkingCalendar, date: LocalDate): LocalDate {
  let d = date;
  while (!isWorkingDay(calendar, d)) d = addDays(d, 1);
  return d;
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(calendar: WorkingCalendar, date: LocalDate): LocalDate {
  return workingDayOnOrAfter(calendar, addDays(date, 1));
}

/**
 * The n-th working day after `date`, not counting `date` itself (the day of the event is not
 * counted, as in Belgian procedural law). n = 0 returns `date` unchanged.
 */
export function addWorkingDays(calendar: WorkingCalendar, date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a whole number ≥ 0, got ${n}`);
  let d = date;
  for (let i = 0; i < n; i++) d = nextWorkingDay(calendar, d);
  return d;
}

/**
 * The last day of a term of n calendar days after `date` (the event day not counted): `date` + n,
 * or, when that day is a weekend day or a closed date, the next working day (art. 53 Ger.W.).
 */
export function addCalendarDays(calendar: WorkingCalendar, date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Calendar days must be a whole number ≥ 0, got ${n}`);
  return workingDayOnOrAfter(calendar, addDays(date, n));
}

/** Working days d with after < d ≤ through: the counting rule of addWorkingDays, inverted. */
export function countWorkingDays(calendar: WorkingCalendar, after: LocalDate, through: LocalDate): number {
  let count = 0;
  for (let d = addDays(after, 1); d <= through; d = addDays(d, 1)) {
    if (isWorkingDay(calendar, d)) count++;
  }
  return count;
}
