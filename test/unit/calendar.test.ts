import { describe, expect, it } from 'vitest';
import { flemishCalendarSpec, flemishClosingDays, flemishWorkingCalendar } from '../../workflows/clock/flemish-holidays.js';
import {
  CalendarCoverageError,
  addWorkingDays,
  countWorkingDays,
  createWorkingCalendar,
  isWorkingDay,
  nextWorkingDay,
  toWorkingCalendarSpec,
  workingDayOnOrAfter,
} from '../../workflows/clock/calendar.js';

// Known dates, written out by hand to check the library, not derived from it.
const PUBLIC_HOLIDAYS: Record<number, string[]> = {
  // Easter 20 April 2025
  2025: ['2025-01-01', '2025-04-21', '2025-05-01', '2025-05-29', '2025-06-09', '2025-07-21', '2025-08-15', '2025-11-01', '2025-11-11', '2025-12-25'],
  // Easter 5 April 2026: Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May
  2026: ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'],
  // Easter 28 March 2027
  2027: ['2027-01-01', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-17', '2027-07-21', '2027-08-15', '2027-11-01', '2027-11-11', '2027-12-25'],
};
const STAFF_HOLIDAYS = (y: number) => [`${y}-11-02`, `${y}-11-15`, `${y}-12-26`];

describe('Flemish closing days from date-holidays', () => {
  const days = flemishClosingDays({ fromYear: 2025, toYear: 2027 });

  it('are the ten public holidays, 11 July and the three staff holidays for 2025–2027', () => {
    const expected = [2025, 2026, 2027].flatMap((y) => [...PUBLIC_HOLIDAYS[y]!, `${y}-07-11`, ...STAFF_HOLIDAYS(y)]).sort();
    expect(days.map((d) => d.date)).toEqual(expected);
  });

  it('label where each day comes from', () => {
    const source = (date: string) => days.find((d) => d.date === date)?.source;
    expect(source('2026-04-06')).toBe('public_holiday');
    expect(source('2026-05-14')).toBe('public_holiday');
    expect(source('2026-05-25')).toBe('public_holiday');
    expect(source('2026-07-11')).toBe('flemish_community');
    expect(source('2026-07-21')).toBe('public_holiday');
    expect(source('2026-12-26')).toBe('staff_holiday');
    expect(days.filter((d) => d.source === 'public_holiday')).toHaveLength(30);
    // Easter Sunday and Pentecost fall on Sundays and are not public holidays in the library.
    expect(source('2026-04-05')).toBeUndefined();
    expect(source('2026-12-06')).toBeUndefined(); // Sinterklaas: an observance, not a closing day
  });

  it('leave out the staff holidays on request but keep 11 July', () => {
    const dates = flemishClosingDays({ fromYear: 2026, toYear: 2026, includeStaffHolidays: false }).map((d) => d.date);
    expect(dates).toEqual([...PUBLIC_HOLIDAYS[2026]!, '2026-07-11'].sort());
  });

  it('add configured extra closing days and reject malformed ones', () => {
    const extra = flemishClosingDays({ fromYear: 2026, toYear: 2026, extraClosedDates: ['2026-12-24', '2026-12-25'] });
    expect(extra.find((d) => d.date === '2026-12-24')?.source).toBe('extra');
    expect(extra.find((d) => d.date === '2026-12-25')?.source).toBe('public_holiday');
    expect(() => flemishClosingDays({ fromYear: 2026, toYear: 2026, extraClosedDates: ['24/12/2026'] })).toThrow(RangeError);
    expect(() => flemishClosingDays({ fromYear: 2027, toYear: 2026 })).toThrow(RangeError);
  });

  it('build a JSON spec covering exactly the requested years', () => {
    const spec = flemishCalendarSpec({ fromYear: 2025, toYear: 2027 });
    expect(spec.coverage).toEqual({ from: '2025-01-01', to: '2027-12-31' });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(toWorkingCalendarSpec(createWorkingCalendar(spec)).closedDates).toEqual(spec.closedDates);
  });
});

describe('WorkingCalendar', () => {
  const cal = flemishWorkingCalendar({ fromYear: 2025, toYear: 2027 });

  it('closes weekends, Easter Monday, Ascension, Whit Monday, 11 July and 21 July', () => {
    expect(isWorkingDay(cal, '2026-04-04')).toBe(false); // Saturday
    expect(isWorkingDay(cal, '2026-04-05')).toBe(false); // Sunday
    for (const d of ['2026-04-06', '2026-05-14', '2026-05-25', '2025-07-11', '2026-07-21', '2026-01-01']) {
      expect(isWorkingDay(cal, d), d).toBe(false);
    }
    expect(isWorkingDay(cal, '2026-04-07')).toBe(true);
    expect(isWorkingDay(cal, '2026-05-15')).toBe(true); // brugdag: open unless configured as extra
  });

  it('counts working days from the day after, skipping holidays', () => {
    expect(addWorkingDays(cal, '2026-04-03', 1)).toBe('2026-04-07'); // Fri → Easter Monday closed → Tue
    expect(addWorkingDays(cal, '2026-05-13', 1)).toBe('2026-05-15'); // over Ascension
    expect(addWorkingDays(cal, '2026-05-22', 1)).toBe('2026-05-26'); // over Whit Monday
    expect(addWorkingDays(cal, '2025-07-10', 1)).toBe('2025-07-14'); // 11 July 2025 is a Friday
    expect(addWorkingDays(cal, '2025-07-18', 1)).toBe('2025-07-22'); // 21 July 2025 is a Monday
    expect(addWorkingDays(cal, '2026-07-20', 2)).toBe('2026-07-23'); // 21 July 2026 is a Tuesday
    expect(addWorkingDays(cal, '2026-04-01', 0)).toBe('2026-04-01');
    expect(() => addWorkingDays(cal, '2026-04-01', -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cal, '2026-04-01', 1.5)).toThrow(RangeError);
  });

  it('crosses the year boundary: 31 December → 2 January, 1 January closed', () => {
    expect(nextWorkingDay(cal, '2025-12-31')).toBe('2026-01-02');
    expect(addWorkingDays(cal, '2025-12-24', 1)).toBe('2025-12-29'); // 25 and 26 Dec closed, then a weekend
    expect(addWorkingDays(cal, '2026-12-31', 1)).toBe('2027-01-04'); // 1 Jan 2027 is a Friday
    expect(workingDayOnOrAfter(cal, '2027-01-01')).toBe('2027-01-04');
    expect(workingDayOnOrAfter(cal, '2027-01-04')).toBe('2027-01-04');
  });

  it('counts working days after one date through another, the inverse of addWorkingDays', () => {
    expect(countWorkingDays(cal, '2026-04-02', '2026-04-07')).toBe(2); // Fri 3, Tue 7
    expect(countWorkingDays(cal, '2026-04-07', '2026-04-07')).toBe(0);
    expect(countWorkingDays(cal, '2026-04-08', '2026-04-07')).toBe(0);
    for (let n = 1; n <= 30; n++) {
      expect(countWorkingDays(cal, '2025-12-20', addWorkingDays(cal, '2025-12-20', n))).toBe(n);
    }
  });

  it('refuses dates outside the years its holiday list covers', () => {
    expect(() => isWorkingDay(cal, '2028-01-03')).toThrow(CalendarCoverageError);
    expect(() => addWorkingDays(cal, '2027-12-30', 3)).toThrow(CalendarCoverageError);
    expect(() => isWorkingDay(cal, '2024-12-31')).toThrow(/covers 2025-01-01 to 2027-12-31/);
  });

  it('takes configurable weekends and closed dates, and rejects nonsense', () => {
    const plain = createWorkingCalendar({ closedDates: ['2026-06-03'], weekendDays: [7] });
    expect(isWorkingDay(plain, '2026-06-06')).toBe(true); // Saturday works here
    expect(addWorkingDays(plain, '2026-06-02', 1)).toBe('2026-06-04');
    expect(isWorkingDay(plain, '2099-06-02')).toBe(true); // no coverage: no check
    expect(() => createWorkingCalendar({ closedDates: ['2026-02-30'] })).toThrow(RangeError);
    expect(() => createWorkingCalendar({ closedDates: [], weekendDays: [1, 2, 3, 4, 5, 6, 7] })).toThrow(RangeError);
    expect(() => createWorkingCalendar({ closedDates: [], weekendDays: [0] })).toThrow(RangeError);
  });
});
