import { type Kysely, sql } from 'kysely';

/**
 * Issue 15: a jurist's case list (api/access/scope.ts: the cases in a legal step, and the decided
 * ones) as a semi-join of two small sets instead of a test of every case: the cases in a legal step
 * from a partial index, the decided ones from the decisions by case. Its total counted 10,000
 * cases one by one (PGlite: 532 ms); plans in docs/performance.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index enforcement_cases_legal_step_idx on enforcement_cases (id) where step in ('voornemen', 'beslissing', 'dringende_beslissing')`.execute(db);
  await sql`create index enforcement_decisions_case_idx on enforcement_decisions (case_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['enforcement_decisions_case_idx', 'enforcement_cases_legal_step_idx']) {
    await sql`drop index if exists ${sql.ref(name)}`.execute(db);
  }
}
