/**
 * Month arithmetic for the monthly risk screening. Months are 'YYYY-MM' in Brussels time; pure and
 * deterministic, so the run workflow can derive "this month" from workflow time.
 */
import { fromBrusselsLocal, localDateOf, type InstantInput, type EpochMs } from '../clock/brussels-time.js';

export type Month = string;

const monthPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const monthPatternSource = '^\\d{4}-(0[1-9]|1[0-2])$';

export function isMonth(value: string): boolean {
  return monthPattern.test(value);
}

function parse(month: Month): { year: number; month: number } {
  const m = monthPattern.exec(month);
  if (!m) throw new RangeError(`Not a month (YYYY-MM): ${month}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** The month n months after (negative: before) `month`. */
export function addMonths(month: Month, n: number): Month {
  const p = parse(month);
  const index = p.year * 12 + (p.month - 1) + n;
  const year = Math.floor(index / 12);
  const mon = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(mon).padStart(2, '0')}`;
}

/** The Brussels month an instant falls in. */
export function monthOf(instant: InstantInput): Month {
  return localDateOf(instant).slice(0, 7);
}

/** Midnight Brussels time on the first day of the month, as epoch ms. */
export function monthStart(month: Month): EpochMs {
  parse(month);
  return fromBrusselsLocal(`${month}-01`);
}

/** The n months before `month`, nearest first: the window in which a screened dossier is not selected again. */
export function previousMonths(month: Month, n: number): Month[] {
  return Array.from({ length: n }, (_, i) => addMonths(month, -(i + 1)));
}

/** Months from `from` to `to` inclusive, ascending. */
export function monthRange(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}
