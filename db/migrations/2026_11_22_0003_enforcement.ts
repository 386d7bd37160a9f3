import { type Kysely, sql } from 'kysely';
import { createIndexes, dossierReferences, jsonLists, notNull, projectionVersion } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // The register of enforcement cases: a projection of each case workflow, newest version wins.
  await db.schema
    .createTable('enforcement_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(notNull({ workflow_id: 'text' }))
    .$call(dossierReferences)
    .$call(notNull({ municipality: 'text' }))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','closed')`))
    .addColumn('step', 'text')
    .$call(notNull({ block: 'text' }))
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('waiting_for', 'text')
    .addColumn('due_at', 'timestamptz')
    .$call(notNull({ first_milestone: 'jsonb' }))
    .$call(jsonLists('milestones', 'steps'))
    .addColumn('closed_reason', 'text')
    .$call(notNull({ opened_at: 'timestamptz' }))
    .addColumn('closed_at', 'timestamptz')
    .$call(projectionVersion('started_by'))
    .execute();
  await createIndexes(db, 'enforcement_cases', [['location_id', 'status'], ['status', 'step'], ['team_id', 'status'], ['case_manager_id', 'status'], ['due_at']]);

  // Decisions (schorsing/opheffing): the public weekly list, the public status of a location and
  // the capacity freed per municipality are derived from here. No personal data in these rows.
  await db.schema
    .createTable('enforcement_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('enforcement_cases.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .$call(notNull({ municipality: 'text' }))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('schorsing','opheffing')`))
    .$call(notNull({ urgent: 'boolean', decided_at: 'timestamptz', effective_from: 'date' }))
    .addColumn('ends_on', 'date')
    .$call(notNull({ public_motivation: 'text', cause: 'text', capacity_freed: 'integer' }))
    .addColumn('objection', 'text', (c) => c.notNull().defaultTo('geen').check(sql`objection in ('geen','ingediend','gegrond','ongegrond')`))
    .addColumn('in_force', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('lifted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('enforcement_decisions_decided_idx').on('enforcement_decisions').column('decided_at').execute();
  await db.schema.createIndex('enforcement_decisions_location_idx').on('enforcement_decisions').column('location_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('enforcement_decisions').execute();
  await db.schema.dropTable('enforcement_cases').execute();
}
