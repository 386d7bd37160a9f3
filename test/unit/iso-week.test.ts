import { describe, expect, it } from 'vitest';
import { isoWeekOf, isoWeekRange, isoWeeksInYear } from '../../workflows/clock/iso-week.js';

// ISO weeks on the Brussels clock (issue 9, defect 6): from Monday 00:00 Europe/Brussels.

describe('isoWeekRange', () => {
  it('starts week 2026-W49 on Monday 30 November 00:00 Brussels (23:00 UTC the day before)', () => {
    expect(isoWeekRange('2026-W49')).toEqual({
      monday: '2026-11-30',
      from: Date.parse('2026-11-29T23:00:00Z'),
      to: Date.parse('2026-12-06T23:00:00Z'),
    });
  });

  it('lasts 167 hours in the week summer time starts (2026-W13, 29 March) and 169 in the week it ends (2026-W43, 25 October)', () => {
    const spring = isoWeekRange('2026-W13')!;
    expect(spring.monday).toBe('2026-03-23');
    expect(new Date(spring.from).toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(new Date(spring.to).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect((spring.to - spring.from) / 3_600_000).toBe(167);
    const autumn = isoWeekRange('2026-W43')!;
    expect(autumn.monday).toBe('2026-10-19');
    expect(new Date(autumn.from).toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(new Date(autumn.to).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect((autumn.to - autumn.from) / 3_600_000).toBe(169);
    // Consecutive weeks meet without a gap or an overlap across the switch.
    expect(isoWeekRange('2026-W14')!.from).toBe(spring.to);
    expect(isoWeekRange('2026-W44')!.from).toBe(autumn.to);
  });

  it('knows which years have a week 53 and which weeks start in the previous calendar year', () => {
    expect(isoWeeksInYear(2026)).toBe(53);
    expect(isoWeeksInYear(2027)).toBe(52);
    expect(isoWeekRange('2026-W53')!.monday).toBe('2026-12-28');
    expect(isoWeekRange('2027-W53')).toBeUndefined();
    expect(isoWeekRange('2026-W00')).toBeUndefined();
    expect(isoWeekRange('2026-W1')).toBeUndefined();
    expect(isoWeekRange('2025-W01')!.monday).toBe('2024-12-30');
  });
});

describe('isoWeekOf', () => {
  it('reads the week on the Brussels clock: Sunday 23:30 UTC is already Monday in Brussels', () => {
    expect(isoWeekOf('2026-11-29T22:59:59.999Z')).toBe('2026-W48');
    expect(isoWeekOf('2026-11-29T23:00:00.000Z')).toBe('2026-W49');
    expect(isoWeekOf('2026-11-29T23:30:00.000Z')).toBe('2026-W49');
    // Summer time: Monday 00:00 Brussels is 22:00 UTC on Sunday.
    expect(isoWeekOf('2026-10-18T21:59:59.999Z')).toBe('2026-W42');
    expect(isoWeekOf('2026-10-18T22:00:00.000Z')).toBe('2026-W43');
  });

  it('gives the ISO year of the week, which may differ from the calendar year', () => {
    expect(isoWeekOf('2027-01-01T12:00:00Z')).toBe('2026-W53');
    expect(isoWeekOf('2024-12-31T12:00:00Z')).toBe('2025-W01');
  });

  it('agrees with isoWeekRange for every day of 2026', () => {
    for (let t = Date.parse('2026-01-01T11:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 86_400_000) {
      const range = isoWeekRange(isoWeekOf(t))!;
      expect(t >= range.from && t < range.to, new Date(t).toISOString()).toBe(true);
    }
  });
});
