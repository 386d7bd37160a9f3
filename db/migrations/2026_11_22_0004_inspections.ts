import { type Kysely, sql } from 'kysely';
import { createIndexes, dossierReferences, jsonLists, notNull, projectionKeys, projectionVersion, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  // The register of inspection requests to Zorginspectie (Modular). The workflow owns the live
  // state; this row is its projection, written at every change (newest version wins).
  await db.schema
    .createTable('inspections')
    .$call(projectionKeys)
    .$call(dossierReferences)
    .$call(notNull({ reason: 'text' }))
    .$call(jsonLists('questions'))
    .addColumn('urgency', 'text', (c) => c.notNull().check(sql`urgency in ('regulier','spoed')`))
    .$call(notNull({ four_eyes: 'boolean', requested_by_type: 'text' }))
    .addColumn('requested_by_id', 'text')
    .$call(notNull({ status: 'text' }))
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
    .$call(jsonLists('deliveries'))
    .addColumn('due_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(notNull({ requested_at: 'timestamptz' }))
    .addColumn('closed_at', 'timestamptz')
    .$call(projectionVersion('created_by', 'created_at'))
    .execute();
  await createIndexes(db, 'inspections', [['status', 'due_at'], ['location_id'], ['urgency', 'status'], ['overdue']]);

  // Every webhook delivery from Modular that was accepted: a second copy is acknowledged and ignored.
  await db.schema
    .createTable('modular_webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .$call(notNull({ order_id: 'text' }))
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id'))
    .$call(notNull({ event: 'text', signed_at: 'timestamptz' }))
    .$call(recordedAt('received_at'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['modular_webhook_deliveries', 'inspections']) await db.schema.dropTable(table).execute();
}
