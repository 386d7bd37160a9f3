/**
 * ISO 8601 weeks on the Brussels wall clock: a week runs from Monday 00:00 Europe/Brussels to the
 * next Monday 00:00, so it lasts 167 or 169 hours when summer time starts or ends in it.
 */
import { addDays, daysBetween, daysFromCivil, type EpochMs, isoWeekday, localDateFromDays, localDateOf, type LocalDate, startOfLocalDay } from './brussels-time.js';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The Monday (a Brussels date) of week 1 of an ISO year: the week with the year's first Thursday. */
function mondayOfWeekOne(year: number): LocalDate {
  const jan4 = localDateFromDays(daysFromCivil(year, 1, 4));
  return addDays(jan4, 1 - isoWeekday(jan4));
}

/** 52 or 53. */
export function isoWeeksInYear(year: number): number {
  return daysBetween(mondayOfWeekOne(year), mondayOfWeekOne(year + 1)) / 7;
}

/** Monday and the next Monday of ISO week 'YYYY-Www', as Brussels dates and as instants; undefined for a week that does not exist. */
export function isoWeekRange(week: string): { monday: LocalDate; from: EpochMs; to: EpochMs } | undefined {
  const m = ISO_WEEK.exec(week);
  if (!m) return undefined;
  const year = Number(m[1]);
  const w = Number(m[2]);
  if (w < 1 || w > isoWeeksInYear(year)) return undefined;
  const monday = addDays(mondayOfWeekOne(year), (w - 1) * 7);
  return { monday, from: startOfLocalDay(monday), to: startOfLocalDay(addDays(monday, 7)) };
}

/** The ISO week ('YYYY-Www') an instant falls in, on the Brussels clock. */
export function isoWeekOf(instant: EpochMs | string): string {
  const date = localDateOf(instant);
  // The ISO year is the year of the week's Thursday.
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = 1 + Math.floor(daysBetween(mondayOfWeekOne(year), thursday) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
