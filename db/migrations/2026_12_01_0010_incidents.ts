import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Incidents (docs/incidents.md): an activity that keeps failing stops retrying silently and
// becomes one row here, which an admin sees, retries and which closes itself once the activity
// succeeds.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','opnieuw_proberen','opgelost')`))
    .$call(notNull({ workflow_id: 'text', run_id: 'text', workflow_type: 'text', activity_type: 'text' }))
    // 'gegevens': the data cannot be kept (needs a person); 'technisch': a dependency keeps failing.
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('gegevens','technisch')`))
    .addColumn('error_type', 'text')
    .$call(notNull({ message: 'text', attempts: 'integer' }))
    .addColumn('team_id', 'text')
    .addColumn('dossier_id', 'text')
    .$call(recordedAt('raised_at'))
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
