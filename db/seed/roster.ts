import type { Insertable } from 'kysely';
import type { CrisisRosterTable } from '../tables/meldingen.js';

const WEEK = 7 * 86_400_000;
const WEEKS_BEFORE = 8;
const WEEKS_AFTER = 156;

/**
 * The crisis duty roster: week shifts (Monday 08:00 UTC) rotating over the crisis coordinators;
 * position 1 is on duty, position 2 is the next coordinator a missed crisis escalates to. It runs
 * from 8 weeks before `now` to 3 years after, so a freshly seeded system always has someone on duty.
 */
export function buildCrisisRoster(now: Date, coordinatorIds: readonly string[]): Insertable<CrisisRosterTable>[] {
  if (coordinatorIds.length < 2) throw new Error('the crisis roster needs at least two coordinators');
  const monday = new Date(now);
  monday.setUTCHours(8, 0, 0, 0);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const first = monday.getTime() - WEEKS_BEFORE * WEEK;
  const rows: Insertable<CrisisRosterTable>[] = [];
  for (let week = 0; week < WEEKS_BEFORE + WEEKS_AFTER; week++) {
    const starts_at = new Date(first + week * WEEK);
    const ends_at = new Date(first + (week + 1) * WEEK);
    for (let position = 1; position <= 2; position++) {
      const user_id = coordinatorIds[(week + position - 1) % coordinatorIds.length] as string;
      rows.push({ user_id, position, starts_at, ends_at });
    }
  }
  return rows;
}
