import { type Kysely, sql } from 'kysely';

/**
 * Issue 15: the lists of a crisis coordinator (api/access/scope.ts: every crisis report, or one's
 * own) at 100,000 reports. Their scope is an OR, which no list-order index answers by itself:
 *  - the capped total (db/repositories/query.ts pageOf) read the heap until 1,001 crisis reports
 *    matched (a sequential scan of about 10,000 rows, 7–13 ms on PostgreSQL); with both columns
 *    of the scope in one index it is an index-only scan of 1,001 entries (0.2 ms);
 *  - a list narrowed by team and phase filtered every report of that phase for the team and the
 *    scope (25 ms); with the triage behind team and phase, the crisis reports of the team in that
 *    phase are one index range, OR-ed with the caller's own in a bitmap (1 ms).
 * The new (team_id, phase, triage) index starts with the columns of (team_id, phase), which it
 * replaces. Plans before and after: docs/performance.md, "Lists at volume".
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index meldingen_triage_assignee_idx on meldingen (triage, assignee_id)`.execute(db);
  await sql`create index meldingen_team_phase_triage_idx on meldingen (team_id, phase, triage)`.execute(db);
  await sql`drop index if exists meldingen_team_id_phase_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists meldingen_team_id_phase_idx on meldingen (team_id, phase)`.execute(db);
  await sql`drop index if exists meldingen_team_phase_triage_idx`.execute(db);
  await sql`drop index if exists meldingen_triage_assignee_idx`.execute(db);
}
