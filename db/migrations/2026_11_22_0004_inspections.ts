import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // The register of inspection requests to Zorginspectie (Modular). The workflow owns the live
  // state; this row is its projection, written at every change (newest version wins).
  await db.schema
    .createTable('inspections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('organiser_id', 'text', (c) => c.notNull().references('organisers.id'))
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('case_manager_id', 'text', (c) => c.references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('questions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('urgency', 'text', (c) => c.notNull().check(sql`urgency in ('regulier','spoed')`))
    .addColumn('four_eyes', 'boolean', (c) => c.notNull())
    .addColumn('requested_by_type', 'text', (c) => c.notNull())
    .addColumn('requested_by_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('modular_order_id', 'text', (c) => c.unique())
    .addColumn('planned_visit_at', 'timestamptz')
    .addColumn('visited_at', 'timestamptz')
    .addColumn('draft_document_ref', 'text')
    // The location's reaction to the draft report: kept for the file, never published.
    .addColumn('location_reaction', 'jsonb')
    // Document reference, findings and the reasoned advice (urgency, enforce, points of attention).
    .addColumn('final_report', 'jsonb')
    .addColumn('advice_enforce', 'boolean')
    .addColumn('advice_urgency', 'text')
    .addColumn('cancellation', 'jsonb')
    .addColumn('deliveries', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('due_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  for (const columns of [['status', 'due_at'], ['location_id'], ['urgency', 'status'], ['overdue']]) {
    await db.schema.createIndex(`inspections_${columns.join('_')}_idx`).on('inspections').columns(columns).execute();
  }

  // Every webhook delivery from Modular that was accepted: a second copy is acknowledged and ignored.
  await db.schema
    .createTable('modular_webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['modular_webhook_deliveries', 'inspections']) await db.schema.dropTable(table).execute();
}
