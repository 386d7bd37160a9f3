/**
 * Closing days of the Flemish administration, from the date-holidays library, turned into the
 * plain closed-date list the workflow-side WorkingCalendar is built from. Runs at start-up or in
 * an activity, never in workflow code (the library reads timezone data).
 *
 * What counts as a closing day (docs/deadlines.md, "Calendar"):
 * - the ten Belgian public holidays (library type 'public'; Easter-based ones computed by it);
 * - 11 July, Feestdag van de Vlaamse Gemeenschap (library type 'observance', so not selected by type);
 * - by default also 2 November, 15 November and 26 December: the Flemish government's staff
 *   statute gives these as feestdagen, so the agency's handlers do not work then. Switch them off
 *   (`includeStaffHolidays: false`) for a deadline that must follow the public holidays only;
 * - configured extra closing days (e.g. a collective closing day).
 * No replacement days: when a feestdag falls in a weekend, staff get an individual day off, not a
 * collective closing day.
 */
import Holidays from 'date-holidays';
import { createWorkingCalendar, isLocalDate, type LocalDate, type WorkingCalendar, type WorkingCalendarSpec } from './index.js';

export type ClosingDaySource = 'public_holiday' | 'flemish_community' | 'staff_holiday' | 'extra';

export interface ClosingDay {
  date: LocalDate;
  name: string;
  source: ClosingDaySource;
}

export interface FlemishCalendarOptions {
  fromYear: number;
  toYear: number;
  /** 2 November, 15 November and 26 December; default true. */
  includeStaffHolidays?: boolean;
  /** Extra closing days, 'YYYY-MM-DD'. */
  extraClosedDates?: readonly LocalDate[];
}

const FLEMISH_COMMUNITY_DAY = '07-11';
const STAFF_HOLIDAYS = ['11-02', '11-15', '12-26'];

export function flemishClosingDays(options: FlemishCalendarOptions): ClosingDay[] {
  const { fromYear, toYear } = options;
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new RangeError(`Invalid year range ${fromYear}–${toYear}`);
  }
  const includeStaff = options.includeStaffHolidays ?? true;
  const holidays = new Holidays('BE', 'VLG');
  const byDate = new Map<LocalDate, ClosingDay>();

  for (let year = fromYear; year <= toYear; year++) {
    const found = new Set<ClosingDaySource>();
    for (const h of holidays.getHolidays(year, 'nl')) {
      // 'YYYY-MM-DD hh:mm:ss': the local date, independent of the host's timezone.
      const date = h.date.slice(0, 10);
      const monthDay = date.slice(5);
      const source: ClosingDaySource | undefined =
        h.type === 'public'
          ? 'public_holiday'
          : monthDay === FLEMISH_COMMUNITY_DAY
            ? 'flemish_community'
            : includeStaff && STAFF_HOLIDAYS.includes(monthDay)
              ? 'staff_holiday'
              : undefined;
      if (source && !byDate.has(date)) {
        byDate.set(date, { date, name: h.name, source });
        found.add(source);
      }
    }
    // 11 July is the one closing day we take from a non-public type: fail loudly if a library
    // update drops or retypes it rather than count deadlines through it.
    if (!found.has('flemish_community')) throw new Error(`date-holidays gave no Feestdag van de Vlaamse Gemeenschap for ${year}`);
  }

  for (const date of options.extraClosedDates ?? []) {
    if (!isLocalDate(date)) throw new RangeError(`Extra closing day is not a date (YYYY-MM-DD): "${date}"`);
    if (!byDate.has(date)) byDate.set(date, { date, name: 'Extra sluitingsdag', source: 'extra' });
  }

  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The JSON spec a workflow receives; coverage is the requested years, so later dates fail loudly. */
export function flemishCalendarSpec(options: FlemishCalendarOptions): WorkingCalendarSpec {
  return {
    closedDates: flemishClosingDays(options).map((d) => d.date),
    coverage: { from: `${options.fromYear}-01-01`, to: `${options.toYear}-12-31` },
  };
}

export function flemishWorkingCalendar(options: FlemishCalendarOptions): WorkingCalendar {
  return createWorkingCalendar(flemishCalendarSpec(options));
}
