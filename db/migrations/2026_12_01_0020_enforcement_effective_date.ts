import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // A revocation takes effect on its own date, possibly after it was communicated: until then it
  // does not change the licence. Every earlier decision took effect when it was sent.
  await db.schema
    .alterTable('enforcement_decisions')
    .addColumn('effective', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  // A closed case waits for nothing (issue 9): clear what earlier versions left in the register.
  await sql`update enforcement_cases set waiting_for = null, due_at = null where status = 'closed'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enforcement_decisions').dropColumn('effective').execute();
}
