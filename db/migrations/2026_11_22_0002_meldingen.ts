import { type Kysely, sql } from 'kysely';
import { createIndexes, jsonLists, notNull, projectionKeys, projectionVersion, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // The register of reports. The workflow owns the live state; this row is its durable
  // projection (written by an activity at every change, newest version wins), so lists and
  // dashboards outlive Temporal's retention and need no workflow query.
  await db.schema
    .createTable('meldingen')
    .$call(projectionKeys)
    .addColumn('external_ref', 'text', (c) => c.unique())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('derde','voorziening','parket','klantenbeheerder')`))
    .$call(notNull({ channel: 'text', received_at: 'timestamptz' }))
    .addColumn('reporter', 'jsonb')
    .addColumn('location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('organiser_id', 'text', (c) => c.references('organisers.id'))
    .addColumn('dossier_id', 'text', (c) => c.references('dossiers.id'))
    .addColumn('address_text', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .$call(jsonLists('categories'))
    .addColumn('immediate_danger', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(notNull({ triage_proposed: 'text', triage: 'text' }))
    .addColumn('triage_confirmed', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(notNull({ phase: 'text' }))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('due_at', 'timestamptz')
    .addColumn('deadline_paused', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(jsonLists('follow_ups'))
    .addColumn('closed_at', 'timestamptz')
    .$call(projectionVersion('created_by', 'created_at'))
    .execute();
  await createIndexes(db, 'meldingen', [['phase', 'due_at'], ['assignee_id', 'phase'], ['team_id', 'phase'], ['location_id'], ['received_at']]);

  // Who is on crisis duty when: position 1 is on duty, 2 the next coordinator to escalate to.
  await db.schema
    .createTable('crisis_roster')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    .$call(notNull({ starts_at: 'timestamptz', ends_at: 'timestamptz' }))
    .execute();
  await db.schema.createIndex('crisis_roster_period_idx').on('crisis_roster').columns(['starts_at', 'ends_at']).execute();

  // Every message the system sends (feedback to reporters, alerts to coordinators, later letters):
  // one row per idempotency key, so a retried activity never sends twice.
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email','brief','aangetekende_brief','intern')`))
    .addColumn('recipient_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('recipient_address', 'text')
    .$call(notNull({ template: 'text', subject: 'text', body: 'text', subject_type: 'text', subject_id: 'text' }))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status in ('queued','sent','delivered','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .$call(recordedAt('created_at'))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbox_status_idx').on('outbox_messages').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('outbox_subject_idx').on('outbox_messages').columns(['subject_type', 'subject_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox_messages', 'crisis_roster', 'meldingen']) await db.schema.dropTable(table).execute();
}
