import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  addDays,
  brusselsOffsetMs,
  civilFromDays,
  daysFromCivil,
  endOfLocalDay,
  fromBrusselsLocal,
  isoWeekday,
  localDateOf,
  parseIsoInstant,
  parseLocalDate,
  startOfLocalDay,
  summerTimeEnd,
  summerTimeStart,
  toBrusselsDateTime,
  toBrusselsIso,
  toEpochMs,
  toIsoUtc,
} from '../../workflows/clock/brussels-time.js';

const utc = (iso: string) => Date.parse(iso);

describe('civil day numbers', () => {
  it('agree with Date.UTC over four centuries of first and last days of months', () => {
    for (let year = 1900; year <= 2300; year += 7) {
      for (let month = 1; month <= 12; month++) {
        const days = daysFromCivil(year, month, 1);
        expect(days * DAY_MS).toBe(Date.UTC(year, month - 1, 1));
        expect(civilFromDays(days)).toEqual({ year, month, day: 1 });
        expect(civilFromDays(days - 1).month).toBe(month === 1 ? 12 : month - 1);
      }
    }
  });

  it('knows leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(() => parseLocalDate('2027-02-29')).toThrow(RangeError);
    expect(() => parseLocalDate('2026-13-01')).toThrow(RangeError);
  });

  it('gives ISO weekdays and crosses year boundaries', () => {
    expect(isoWeekday('2026-04-06')).toBe(1); // Easter Monday
    expect(isoWeekday('2026-07-11')).toBe(6);
    expect(isoWeekday('2025-12-28')).toBe(7);
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});

describe('EU summer time for Brussels', () => {
  it('switches on the last Sundays of March and October at 01:00 UTC', () => {
    expect(toIsoUtc(summerTimeStart(2025))).toBe('2025-03-30T01:00:00.000Z');
    expect(toIsoUtc(summerTimeEnd(2025))).toBe('2025-10-26T01:00:00.000Z');
    expect(toIsoUtc(summerTimeStart(2026))).toBe('2026-03-29T01:00:00.000Z');
    expect(toIsoUtc(summerTimeEnd(2026))).toBe('2026-10-25T01:00:00.000Z');
    expect(toIsoUtc(summerTimeStart(2027))).toBe('2027-03-28T01:00:00.000Z');
    expect(toIsoUtc(summerTimeEnd(2027))).toBe('2027-10-31T01:00:00.000Z');
  });

  it('changes the offset exactly at the switch', () => {
    const start = utc('2026-03-29T01:00:00Z');
    expect(brusselsOffsetMs(start - 1)).toBe(HOUR_MS);
    expect(brusselsOffsetMs(start)).toBe(2 * HOUR_MS);
    const end = utc('2026-10-25T01:00:00Z');
    expect(brusselsOffsetMs(end - 1)).toBe(2 * HOUR_MS);
    expect(brusselsOffsetMs(end)).toBe(HOUR_MS);
  });

  it('matches the IANA database (via Intl, in this test only) hour by hour for 2024–2028', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Brussels',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const from = utc('2024-01-01T00:00:00Z');
    const to = utc('2029-01-01T00:00:00Z');
    // 61 minutes steps hit every minute-of-hour class and both sides of each switch. The
    // differences are collected and compared once: an expect per step (43,000) took 2.8 s.
    const differences: string[] = [];
    let compared = 0;
    for (let t = from; t < to; t += 61 * 60_000, compared += 1) {
      const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
      const ours = toBrusselsDateTime(t);
      const oursText = `${ours.date} ${String(ours.hour).padStart(2, '0')}:${String(ours.minute).padStart(2, '0')}`;
      const iana = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
      if (oursText !== iana && differences.length < 5) differences.push(`${new Date(t).toISOString()}: ours ${oursText}, IANA ${iana}`);
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(43_000);
  });
});

describe('local dates and instants', () => {
  it('takes the Brussels date, not the UTC date', () => {
    expect(localDateOf('2026-03-28T23:30:00Z')).toBe('2026-03-29'); // 00:30 CET
    expect(localDateOf('2026-07-10T22:30:00Z')).toBe('2026-07-11'); // 00:30 CEST
    expect(localDateOf('2025-12-31T23:00:00Z')).toBe('2026-01-01'); // midnight New Year
    expect(localDateOf('2025-12-31T22:59:59.999Z')).toBe('2025-12-31');
  });

  it('makes the spring switch day 23 hours and the autumn switch day 25 hours long', () => {
    expect(toIsoUtc(startOfLocalDay('2026-03-29'))).toBe('2026-03-28T23:00:00.000Z');
    expect(toIsoUtc(endOfLocalDay('2026-03-29'))).toBe('2026-03-29T21:59:59.999Z');
    expect(endOfLocalDay('2026-03-29') + 1 - startOfLocalDay('2026-03-29')).toBe(23 * HOUR_MS);
    expect(toIsoUtc(startOfLocalDay('2026-10-25'))).toBe('2026-10-24T22:00:00.000Z');
    expect(toIsoUtc(endOfLocalDay('2026-10-25'))).toBe('2026-10-25T22:59:59.999Z');
    expect(endOfLocalDay('2026-10-25') + 1 - startOfLocalDay('2026-10-25')).toBe(25 * HOUR_MS);
  });

  it('resolves the spring gap forward and the autumn overlap to the earlier (summer) reading', () => {
    expect(toIsoUtc(fromBrusselsLocal('2026-03-29', 2.5 * HOUR_MS))).toBe('2026-03-29T01:30:00.000Z'); // reads as 03:30 CEST
    expect(toIsoUtc(fromBrusselsLocal('2026-10-25', 2.5 * HOUR_MS))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    expect(toIsoUtc(fromBrusselsLocal('2026-10-25', 3.5 * HOUR_MS))).toBe('2026-10-25T02:30:00.000Z'); // 03:30 CET
    expect(toIsoUtc(fromBrusselsLocal('2026-01-15', 9 * HOUR_MS))).toBe('2026-01-15T08:00:00.000Z');
    expect(toIsoUtc(fromBrusselsLocal('2026-07-15', 9 * HOUR_MS))).toBe('2026-07-15T07:00:00.000Z');
  });

  it('round-trips every wall-clock time of an ordinary day', () => {
    for (let m = 0; m < DAY_MS; m += 17 * 60_000) {
      const t = fromBrusselsLocal('2026-06-01', m);
      const local = toBrusselsDateTime(t);
      expect(local.date).toBe('2026-06-01');
      expect(local.hour * HOUR_MS + local.minute * 60_000).toBe(m);
    }
  });

  it('formats Brussels time with its offset', () => {
    expect(toBrusselsIso('2026-07-11T08:00:00Z')).toBe('2026-07-11T10:00:00.000+02:00');
    expect(toBrusselsIso('2026-01-02T08:00:00Z')).toBe('2026-01-02T09:00:00.000+01:00');
  });
});

describe('ISO instants', () => {
  it('parses offsets and fractions like Date.parse does for explicit-offset strings', () => {
    for (const s of [
      '2026-04-06T10:00:00Z',
      '2026-04-06T10:00Z',
      '2026-04-06T10:00:00.290+02:00',
      '2026-04-06T10:00:00.5-05:30',
      '2026-04-06T10:00:00.123456789Z',
      '2025-12-31T23:59:59.999+0100',
    ]) {
      expect(parseIsoInstant(s)).toBe(Date.parse(s.replace(/(\.\d{3})\d+/, '$1').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    }
  });

  it('rejects strings whose meaning would depend on the host timezone', () => {
    expect(() => parseIsoInstant('2026-04-06T10:00:00')).toThrow(RangeError);
    expect(() => parseIsoInstant('2026-04-06')).toThrow(RangeError);
    expect(() => parseIsoInstant('2026-04-06T24:00:00Z')).toThrow(RangeError);
    expect(() => toEpochMs(1.5)).toThrow(RangeError);
  });

  it('formats like Date#toISOString', () => {
    for (const t of [0, 1, 1_767_225_599_999, 1_782_000_000_123, -86_400_001]) {
      expect(toIsoUtc(t)).toBe(new Date(t).toISOString());
    }
  });
});
