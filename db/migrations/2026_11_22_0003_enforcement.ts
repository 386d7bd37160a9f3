import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // The register of enforcement cases: a projection of each case workflow, newest version wins.
  await db.schema
    .createTable('enforcement_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('organiser_id', 'text', (c) => c.notNull().references('organisers.id'))
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('case_manager_id', 'text', (c) => c.references('users.id'))
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','closed')`))
    .addColumn('step', 'text')
    .addColumn('block', 'text', (c) => c.notNull())
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('waiting_for', 'text')
    .addColumn('due_at', 'timestamptz')
    .addColumn('first_milestone', 'jsonb', (c) => c.notNull())
    .addColumn('milestones', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('closed_reason', 'text')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  for (const columns of [['location_id', 'status'], ['status', 'step'], ['team_id', 'status'], ['case_manager_id', 'status'], ['due_at']]) {
    await db.schema.createIndex(`enforcement_cases_${columns.join('_')}_idx`).on('enforcement_cases').columns(columns).execute();
  }

  // Decisions (schorsing/opheffing): the public weekly list, the public status of a location and
  // the capacity freed per municipality are derived from here. No personal data in these rows.
  await db.schema
    .createTable('enforcement_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('enforcement_cases.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('schorsing','opheffing')`))
    .addColumn('urgent', 'boolean', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date')
    .addColumn('public_motivation', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('capacity_freed', 'integer', (c) => c.notNull())
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
