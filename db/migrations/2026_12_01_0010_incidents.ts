import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Incidents (docs/incidents.md): an activity that keeps failing stops retrying silently and
// becomes one row here, which an admin sees, retries and which closes itself once the activity
// succeeds.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','opnieuw_proberen','opgelost')`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('workflow_type', 'text', (c) => c.notNull())
    .addColumn('activity_type', 'text', (c) => c.notNull())
    // 'gegevens': the data cannot be kept (needs a person); 'technisch': a dependency keeps failing.
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('gegevens','technisch')`))
    .addColumn('error_type', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('dossier_id', 'text')
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retry_requested_by', 'text')
    .addColumn('retry_requested_at', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await sql`create index incidents_open_idx on incidents (raised_at desc) where status <> 'opgelost'`.execute(db);
  await sql`create index incidents_workflow_idx on incidents (workflow_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incidents').execute();
}
