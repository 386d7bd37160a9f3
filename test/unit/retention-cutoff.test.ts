import { describe, expect, it } from 'vitest';
import { toIsoUtc } from '../../workflows/clock/brussels-time.js';
import { retentionCutoff } from '../../workflows/retention/cutoff.js';

const cutoff = (asOf: string, days: number) => toIsoUtc(retentionCutoff(asOf, days));

describe('the retention cutoff', () => {
  it('is midnight Brussels time at the start of the day `retentionDays` before the run\'s Brussels day', () => {
    // Winter time (UTC+1): midnight Brussels is 23:00 UTC the day before.
    expect(cutoff('2027-12-10T03:00:00Z', 365)).toBe('2026-12-09T23:00:00.000Z');
    // Summer time (UTC+2).
    expect(cutoff('2027-07-10T02:00:00Z', 365)).toBe('2026-07-09T22:00:00.000Z');
  });

  it('takes the Brussels day of the run, not the UTC day', () => {
    // 23:30 UTC on 31 March is already 1 April in Brussels (UTC+2).
    expect(cutoff('2027-03-31T23:30:00Z', 10)).toBe('2027-03-21T23:00:00.000Z');
    expect(cutoff('2027-03-31T21:30:00Z', 10)).toBe('2027-03-20T23:00:00.000Z');
  });

  it('erases a report closed on day D at the run of day D + N + 1, not before', () => {
    const closedAt = Date.parse('2026-03-10T22:59:00Z'); // 10 March, 23:59 Brussels
    const erasedBy = (runDay: string) => closedAt < retentionCutoff(`${runDay}T03:00:00Z`, 30);
    expect(erasedBy('2026-04-09')).toBe(false); // D + 30: only 29 whole days after the day of closure have passed
    expect(erasedBy('2026-04-10')).toBe(true); // D + 31
    const justAfterMidnight = Date.parse('2026-03-10T23:00:00Z'); // 11 March, 00:00 Brussels
    expect(justAfterMidnight < retentionCutoff('2026-04-10T03:00:00Z', 30)).toBe(false);
    expect(justAfterMidnight < retentionCutoff('2026-04-11T03:00:00Z', 30)).toBe(true);
  });

  it('crosses the switch to and from summer time and leap days by calendar days, not 24-hour steps', () => {
    // 2028 is a leap year: 365 days before 1 March 2028 is 2 March 2027.
    expect(cutoff('2028-03-01T10:00:00Z', 365)).toBe('2027-03-01T23:00:00.000Z');
    // Run in winter time, cutoff in summer time.
    expect(cutoff('2026-11-05T10:00:00Z', 14)).toBe('2026-10-21T22:00:00.000Z');
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => retentionCutoff('2026-11-05T10:00:00Z', 1.5)).toThrow(RangeError);
    expect(() => retentionCutoff('2026-11-05T10:00:00Z', -1)).toThrow(RangeError);
  });
});
