/**
 * The retention cutoff: pure and deterministic (Brussels calendar days without Intl), so the run
 * workflow computes it from workflow time and the unit tests pin it.
 */
import { addDays, type EpochMs, type InstantInput, localDateOf, startOfLocalDay } from '../clock/brussels-time.js';

/**
 * A report's personal data is erased on the first run after `retentionDays` whole Brussels
 * calendar days have passed since the day it was closed: closed on day D, it is erased by the
 * run of day D + retentionDays + 1. Hence the cutoff: midnight (Brussels) at the start of the day
 * `retentionDays` before the run's day; every report closed before that instant is due.
 */
export function retentionCutoff(asOf: InstantInput, retentionDays: number): EpochMs {
  if (!Number.isInteger(retentionDays) || retentionDays < 0) throw new RangeError(`retentionDays must be a whole number ≥ 0, got ${retentionDays}`);
  return startOfLocalDay(addDays(localDateOf(asOf), -retentionDays));
}
