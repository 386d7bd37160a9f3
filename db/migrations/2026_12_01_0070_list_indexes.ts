import { type Kysely, sql } from 'kysely';

/**
 * Issue 15: the register lists at volume (100,000 reports, 10,000 cases, 630,000 timeline
 * entries) sorted by an index instead of a sort of the whole table. Each index matches the
 * ORDER BY of its list exactly (db/repositories: listMeldingen, listCases, listTimeline), so the
 * first page is the first rows of the index; plans in docs/performance.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // GET /meldingen, default order: the most urgent first (due moment ascending, nulls last), then id.
  await sql`create index meldingen_due_order_idx on meldingen (due_at asc nulls last, id)`.execute(db);
  // GET /meldingen?sort=received_at&order=desc: the newest first.
  await sql`create index meldingen_received_order_idx on meldingen (received_at desc nulls last, id)`.execute(db);
  // A crisis coordinator's lists (api/access/scope.ts: every crisis report, or one's own): the
  // crisis reports in list order, and with meldingen_assignee_id_phase_idx a BitmapOr for the total.
  await sql`create index meldingen_triage_due_order_idx on meldingen (triage, due_at asc nulls last, id)`.execute(db);
  // GET /handhaving: due moment ascending, then the newest case.
  await sql`create index enforcement_cases_due_order_idx on enforcement_cases (due_at asc nulls last, opened_at desc)`.execute(db);
  // GET /dossiers/:id/timeline: newest first, ties by id (the page order is total).
  await sql`create index timeline_dossier_order_idx on timeline_entries (dossier_id, occurred_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['timeline_dossier_order_idx', 'enforcement_cases_due_order_idx', 'meldingen_triage_due_order_idx', 'meldingen_received_order_idx', 'meldingen_due_order_idx']) {
    await sql`drop index if exists ${sql.ref(name)}`.execute(db);
  }
}
