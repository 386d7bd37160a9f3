import type { Insertable } from 'kysely';
import type { CrisisRosterTable } from '../tables/meldingen.js';

const WEEK = 7 * 86_400_000;
const WEEKS_BEFORE = 8;
const WEEKS_AFTER = 156;

/** A Monday 08:00 UTC the rotation counts from, so a week's coordinators do not depend on when the seed ran. */
const ROTATION_EPOCH = Date.UTC(2024, 0, 1, 8);

/** Monday 08:00 UTC of the week of `t`. */
function mondayOf(t: Date): number {
  const monday = new Date(t);
  monday.setUTCHours(8, 0, 0, 0);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return monday.getTime();
}

/**
 * The crisis duty roster: week shifts (Monday 08:00 UTC) rotating over the crisis coordinators;
 * position 1 is on duty, position 2 is the next coordinator a missed crisis escalates to. It runs
 * from 8 weeks before the earlier of `now` and `around` to 3 years after the later, so a system
 * seeded with an old reference date still has someone on duty today (docs/synthetic-data.md).
 */
export function buildCrisisRoster(now: Date, coordinatorIds: readonly string[], around: Date = now): Insertable<CrisisRosterTable>[] {
  if (coordinatorIds.length < 2) throw new Error('the crisis roster needs at least two coordinators');
  const first = Math.min(mondayOf(now), mondayOf(around)) - WEEKS_BEFORE * WEEK;
  const last = Math.max(mondayOf(now), mondayOf(around)) + WEEKS_AFTER * WEEK;
  const n = coordinatorIds.length;
  const rows: Insertable<CrisisRosterTable>[] = [];
  for (let start = first; start < last; start += WEEK) {
    const week = Math.round((start - ROTATION_EPOCH) / WEEK);
    for (let position = 1; position <= 2; position++) {
      const user_id = coordinatorIds[(((week + position - 1) % n) + n) % n] as string;
      rows.push({ user_id, position, starts_at: new Date(start), ends_at: new Date(start + WEEK) });
    }
  }
  return rows;
}
