/**
 * Europe/Brussels wall-clock time without Intl or a timezone database: this module runs inside
 * Temporal's deterministic workflow sandbox, where the host's tz data must not influence results.
 *
 * Instants are epoch milliseconds (UTC). Local dates are 'YYYY-MM-DD' strings in Brussels time.
 * The offset follows the EU summer-time rule (Directive 2000/84/EC, in force since 1996):
 * CET (UTC+1), and CEST (UTC+2) from the last Sunday of March 01:00 UTC until the last Sunday of
 * October 01:00 UTC. Should the EU drop summer time, `brusselsOffsetMs` is the one place to change.
 */

export type EpochMs = number;
/** An instant as epoch milliseconds or an ISO 8601 string with an explicit offset ('Z' or ±hh:mm). */
export type InstantInput = EpochMs | string;
/** A Brussels calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const CET_OFFSET_MS = HOUR_MS;
const CEST_OFFSET_MS = 2 * HOUR_MS;

// --- Proleptic Gregorian day numbers (days since 1970-01-01), after H. Hinnant's algorithms:
// plain integer arithmetic, so no Date object and no host timezone is involved.

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/** ISO weekday of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
function isoWeekdayOfDays(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// --- Local dates

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new RangeError(`Not a local date (YYYY-MM-DD): "${date}"`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`Not a valid calendar date: "${date}"`);
  }
  return { year, month, day };
}

export function isLocalDate(value: string): boolean {
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

export function localDateToDays(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return daysFromCivil(year, month, day);
}

export function localDateFromDays(days: number): LocalDate {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function addDays(date: LocalDate, n: number): LocalDate {
  return localDateFromDays(localDateToDays(date) + n);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return localDateToDays(to) - localDateToDays(from);
}

/** 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return isoWeekdayOfDays(localDateToDays(date));
}

// --- Summer time

function lastSundayDays(year: number, month: number): number {
  const last = daysFromCivil(year, month, daysInMonth(year, month));
  return last - (isoWeekdayOfDays(last) % 7);
}

/** The instant CEST starts in `year`: last Sunday of March, 01:00 UTC. */
export function summerTimeStart(year: number): EpochMs {
  return lastSundayDays(year, 3) * DAY_MS + HOUR_MS;
}

/** The instant CEST ends in `year`: last Sunday of October, 01:00 UTC. */
export function summerTimeEnd(year: number): EpochMs {
  return lastSundayDays(year, 10) * DAY_MS + HOUR_MS;
}

export function brusselsOffsetMs(instant: EpochMs): number {
  // Both switches happen in March/October, so the UTC year is the local year around them.
  const year = civilFromDays(Math.floor(instant / DAY_MS)).year;
  return instant >= summerTimeStart(year) && instant < summerTimeEnd(year) ? CEST_OFFSET_MS : CET_OFFSET_MS;
}

// --- Instants <-> Brussels wall clock

export interface BrusselsDateTime {
  date: LocalDate;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 = Monday ... 7 = Sunday */
  isoWeekday: number;
  offsetMinutes: number;
}

export function toBrusselsDateTime(instant: InstantInput): BrusselsDateTime {
  const ms = toEpochMs(instant);
  const offset = brusselsOffsetMs(ms);
  const local = ms + offset;
  const days = Math.floor(local / DAY_MS);
  const msOfDay = local - days * DAY_MS;
  const { year, month, day } = civilFromDays(days);
  return {
    date: localDateFromDays(days),
    year,
    month,
    day,
    hour: Math.floor(msOfDay / HOUR_MS),
    minute: Math.floor((msOfDay % HOUR_MS) / MINUTE_MS),
    second: Math.floor((msOfDay % MINUTE_MS) / SECOND_MS),
    millisecond: msOfDay % SECOND_MS,
    isoWeekday: isoWeekdayOfDays(days),
    offsetMinutes: offset / MINUTE_MS,
  };
}

/** The Brussels calendar date an instant falls on. */
export function localDateOf(instant: InstantInput): LocalDate {
  return toBrusselsDateTime(instant).date;
}

/**
 * The instant a Brussels wall-clock time denotes. In the autumn overlap (02:00–03:00 happens
 * twice) the earlier, summer-time reading wins; a time in the spring gap (02:00–03:00 does not
 * exist) is read as winter time, i.e. pushed forward one hour, as a wall clock would be.
 */
export function fromBrusselsLocal(date: LocalDate, msOfDay = 0): EpochMs {
  if (!Number.isInteger(msOfDay) || msOfDay < 0 || msOfDay >= DAY_MS) {
    throw new RangeError(`Time of day out of range: ${msOfDay} ms`);
  }
  const wall = localDateToDays(date) * DAY_MS + msOfDay;
  const asSummer = wall - CEST_OFFSET_MS;
  if (brusselsOffsetMs(asSummer) === CEST_OFFSET_MS) return asSummer;
  return wall - CET_OFFSET_MS;
}

export function startOfLocalDay(date: LocalDate): EpochMs {
  return fromBrusselsLocal(date, 0);
}

/** The last millisecond of a Brussels day (23:59:59.999), which is 23 or 25 hours after its start on switch days. */
export function endOfLocalDay(date: LocalDate): EpochMs {
  return startOfLocalDay(addDays(date, 1)) - 1;
}

// --- ISO 8601 instants, parsed by hand: Date.parse reads offset-less strings in the host's zone.

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseIsoInstant(text: string): EpochMs {
  const m = ISO_INSTANT.exec(text);
  if (!m) throw new RangeError(`Not an ISO 8601 instant with an explicit offset: "${text}"`);
  const [, y, mo, d, h, mi, s, frac, zone = 'Z'] = m;
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) throw new RangeError(`Time out of range in "${text}"`);
  // Digits, not floating point: Number('0.29') * 1000 is not exactly 290.
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offset = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offset = sign * (Number(digits.slice(1, 3)) * HOUR_MS + Number(digits.slice(3, 5)) * MINUTE_MS);
  }
  return localDateToDays(`${y}-${mo}-${d}`) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS + millis - offset;
}

export function toEpochMs(instant: InstantInput): EpochMs {
  if (typeof instant === 'string') return parseIsoInstant(instant);
  if (!Number.isSafeInteger(instant)) throw new RangeError(`Not an epoch-milliseconds instant: ${instant}`);
  return instant;
}

function formatWithOffset(ms: EpochMs, offset: number): string {
  const local = ms + offset;
  const days = Math.floor(local / DAY_MS);
  const msOfDay = local - days * DAY_MS;
  const time =
    `${pad(Math.floor(msOfDay / HOUR_MS))}:${pad(Math.floor((msOfDay % HOUR_MS) / MINUTE_MS))}:` +
    `${pad(Math.floor((msOfDay % MINUTE_MS) / SECOND_MS))}.${pad(msOfDay % SECOND_MS, 3)}`;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.abs(offset) / HOUR_MS)}:00`;
  return `${localDateFromDays(days)}T${time}${zone}`;
}

/** 'YYYY-MM-DDTHH:mm:ss.sssZ', the form deadlines store (same as Date#toISOString). */
export function toIsoUtc(instant: InstantInput): string {
  return formatWithOffset(toEpochMs(instant), 0);
}

/** 'YYYY-MM-DDTHH:mm:ss.sss+02:00': for messages and timelines that people read. */
export function toBrusselsIso(instant: InstantInput): string {
  const ms = toEpochMs(instant);
  return formatWithOffset(ms, brusselsOffsetMs(ms));
}
