import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * One round of the dashboard's fold (migration 2026_12_01_0600_dashboard_deltas, `dashboard_fold`):
 * moves at most `maxRows` deltas of each summary into it and recomputes at most `maxRows` dirty
 * dossiers of the history's funnel, in one transaction. Answers the rows moved, or null when
 * another fold holds the lock (it is tried, never waited for). Readers add the deltas not folded
 * yet, so when this runs changes only how many rows they add, never what they answer.
 */
export async function foldDashboard(db: Kysely<Database>, maxRows: number): Promise<number | null> {
  const moved = await db.transaction().execute(async (tx) =>
    (await sql<{ moved: number }>`select dashboard_fold(${maxRows}::int) as moved`.execute(tx)).rows[0]!.moved);
  return moved < 0 ? null : moved;
}

/** Rows waiting for the fold: deltas of every summary and dirty dossiers (tests, the bench, logs). */
export async function unfoldedDashboardRows(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select (select count(*) from dashboard_phase_deltas) + (select count(*) from dashboard_pickup_deltas)
         + (select count(*) from dashboard_timeline_deltas) + (select count(*) from dashboard_decision_deltas)
         + (select count(*) from dashboard_funnel_deltas) + (select count(*) from dashboard_inspection_deltas)
         + (select count(*) from dashboard_screening_deltas) + (select count(*) from dashboard_funnel_dirty) as n`.execute(db);
  return Number(rows[0]!.n);
}
