import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Retention of reports' personal data (docs/retention.md): the register marks when a report's
// personal data was erased, and the daily run finds the closed reports still to erase by index.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table meldingen add column if not exists personal_data_erased_at timestamptz`.execute(db);
  await sql`create index if not exists meldingen_retention_due_idx on meldingen (closed_at, id) where closed_at is not null and personal_data_erased_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists meldingen_retention_due_idx`.execute(db);
  await sql`alter table meldingen drop column if exists personal_data_erased_at`.execute(db);
}
