import { type Kysely, sql } from 'kysely';
import { recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Issue 15, goal 1: the intake commits a report's register row and its workflow's start request
// in one transaction and answers; the start itself runs after the commit (docs/meldingen.md,
// "Never lost"). A row here is a start requested and not yet confirmed by Temporal: the API that
// took the intake starts it at once and deletes the row; any API's sweep starts what is left (a
// crash, Temporal away). `input` is the workflow's input as the API built it (the same personal
// data as the register row beside it; the row lives for milliseconds, seconds during an outage).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('melding_starts')
    .addColumn('melding_id', 'text', (c) => c.primaryKey().references('meldingen.id').onDelete('cascade'))
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .$call(recordedAt('queued_at'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index melding_starts_queued_idx on melding_starts (queued_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('melding_starts').execute();
}
