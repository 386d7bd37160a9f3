import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

/**
 * Issue 13, the last mile of enforcement: letter documents (PDF, with their SHA-256), dispatches
 * through the sending channels (registered mail, the enterprises' e-Box, e-mail) with the
 * channels' signed callbacks, the parents' contacts (encrypted), and the municipalities'
 * replacement capacity per decision.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A letter may also go to the enterprises' e-Box.
  await sql`alter table outbox_messages drop constraint if exists outbox_messages_channel_check`.execute(db);
  await sql`alter table outbox_messages add constraint outbox_messages_channel_check check (channel in ('email','brief','aangetekende_brief','intern','ebox'))`.execute(db);

  // One document per communication key and audience; the PDF's SHA-256 is also in the audit log.
  await db.schema
    .createTable('enforcement_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('communication_key', 'text', (c) => c.notNull().unique())
    .$call(notNull({ case_id: 'text', dossier_id: 'text', template: 'text' }))
    .addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('organisator','publiek','intern')`))
    .$call(notNull({ title: 'text', sha256: 'text', bytes: 'integer', pdf: 'bytea' }))
    .$call(recordedAt('created_at'))
    .execute();
  await db.schema.createIndex('enforcement_documents_case_idx').on('enforcement_documents').column('case_id').execute();

  // What went out through a channel, once per key (the same key the channel de-duplicates by).
  await db.schema
    .createTable('channel_dispatches')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .$call(notNull({ communication_key: 'text', case_id: 'text', dossier_id: 'text', step_workflow_id: 'text' }))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('aangetekende_brief','ebox','email')`))
    .$call(notNull({ recipient: 'text' }))
    .addColumn('contact_id', 'text')
    .addColumn('document_id', 'text')
    .addColumn('provider_ref', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('verzonden','aangeboden','bezorgd','niet_afgehaald','teruggestuurd','geweigerd')`))
    .addColumn('presented_on', 'date')
    .addColumn('delivered_on', 'date')
    .addColumn('term_from', 'date')
    .$call(recordedAt('sent_at', 'updated_at'))
    .execute();
  await db.schema.createIndex('channel_dispatches_case_idx').on('channel_dispatches').column('case_id').execute();
  await db.schema.createIndex('channel_dispatches_provider_idx').on('channel_dispatches').columns(['channel', 'provider_ref']).execute();

  // Callbacks of the channels, by their delivery id: a replayed delivery changes nothing.
  await db.schema
    .createTable('channel_webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .$call(notNull({ channel: 'text', provider_ref: 'text', event: 'text' }))
    .$call(recordedAt('received_at'))
    .execute();

  // The parents' contacts of a location, for enforcement communication only, encrypted (AES-256-GCM).
  await db.schema
    .createTable('parent_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .$call(notNull({ sealed: 'text', key_id: 'text', imported_by: 'text' }))
    .$call(recordedAt('imported_at'))
    .$call(notNull({ erase_after: 'timestamptz' }))
    .execute();
  await db.schema.createIndex('parent_contacts_location_idx').on('parent_contacts').column('location_id').execute();

  // The municipality's temporary replacement capacity per decision that frees places.
  await db.schema
    .createTable('replacement_capacities')
    .addColumn('decision_id', 'text', (c) => c.primaryKey())
    .$call(notNull({
      case_id: 'text',
      location_id: 'text',
      dossier_id: 'text',
      municipality: 'text',
      places: 'integer',
      starts_on: 'date',
      ends_on: 'date',
      ends_at: 'timestamptz',
    }))
    .addColumn('extended', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('lopend','verlengd','afgelopen','beeindigd')`))
    .$call(notNull({ workflow_id: 'text' }))
    .$call(recordedAt('updated_at'))
    .execute();
  await db.schema.createIndex('replacement_capacities_municipality_idx').on('replacement_capacities').columns(['municipality', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['replacement_capacities', 'parent_contacts', 'channel_webhook_deliveries', 'channel_dispatches', 'enforcement_documents']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`alter table outbox_messages drop constraint if exists outbox_messages_channel_check`.execute(db);
  await sql`alter table outbox_messages add constraint outbox_messages_channel_check check (channel in ('email','brief','aangetekende_brief','intern'))`.execute(db);
}
