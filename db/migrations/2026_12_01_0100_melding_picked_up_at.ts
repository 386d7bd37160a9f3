import { type Kysely, sql } from 'kysely';

/**
 * Issue 12: the moment a report was picked up, in the register. The dashboard's deadline
 * performance read it from the audit log, one index probe per report of the period (about half
 * of the statement's time with 6,000 reports); now it is a column the report's projection keeps
 * (activities/meldingen.ts: the first `melding.acknowledged` of the report's history), filled
 * here for the reports picked up before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table meldingen add column picked_up_at timestamptz`.execute(db);
  await sql`
    update meldingen m
       set picked_up_at = a.first_at
      from (select subject_id, min(occurred_at) as first_at
              from audit_log
             where subject_type = 'melding' and action = 'melding.acknowledged'
             group by subject_id) a
     where a.subject_id = m.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table meldingen drop column if exists picked_up_at`.execute(db);
}
