import { describe, expect, it } from 'vitest';
import { addMonths, isMonth, monthOf, monthRange, monthStart, previousMonths } from '../../workflows/screening/months.js';

describe('screening months', () => {
  it('recognises YYYY-MM', () => {
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
  });

  it('adds months across years both ways', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -15)).toBe('2024-12');
    expect(addMonths('2026-06', 0)).toBe('2026-06');
  });

  it('the three previous months are the window a screened dossier stays out of', () => {
    expect(previousMonths('2027-03', 3)).toEqual(['2027-02', '2027-01', '2026-12']);
    expect(previousMonths('2026-01', 3)).toEqual(['2025-12', '2025-11', '2025-10']);
  });

  it('takes the month in Brussels time, and starts a month at Brussels midnight', () => {
    // 31 Oct 23:30 UTC is 1 Nov 00:30 in Brussels (CET, UTC+1).
    expect(monthOf('2026-10-31T23:30:00Z')).toBe('2026-11');
    expect(monthOf('2026-06-30T22:30:00Z')).toBe('2026-07'); // CEST, UTC+2
    expect(new Date(monthStart('2026-11')).toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(new Date(monthStart('2026-07')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  it('turns the year at Brussels midnight, not UTC midnight', () => {
    expect(monthOf('2026-12-31T22:59:59Z')).toBe('2026-12');
    expect(monthOf('2026-12-31T23:00:00Z')).toBe('2027-01');
    expect(new Date(monthStart('2027-01')).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    // The month of the summer-time change starts in winter time, the next one in summer time.
    expect(new Date(monthStart('2027-03')).toISOString()).toBe('2027-02-28T23:00:00.000Z');
    expect(new Date(monthStart('2027-04')).toISOString()).toBe('2027-03-31T22:00:00.000Z');
  });

  it('lists a range of months inclusive', () => {
    expect(monthRange('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});
