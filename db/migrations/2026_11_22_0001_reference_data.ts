import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(notNull({ name: 'text', province: 'text' }))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(notNull({ name: 'text' }))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('klantenbeheerder','crisiscoordinator','jurist','teamcoordinator','admin','modular')`),
    )
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .$call(recordedAt('created_at'))
    .execute();

  await db.schema
    .createTable('organisers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(notNull({ name: 'text' }))
    .addColumn('enterprise_number', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .$call(recordedAt('created_at'))
    .execute();

  await db.schema
    .createTable('locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organiser_id', 'text', (c) => c.notNull().references('organisers.id'))
    .$call(notNull({ name: 'text' }))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('gezinsopvang','groepsopvang')`))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
    .$call(notNull({ street: 'text', house_number: 'text', postal_code: 'text', municipality: 'text', province: 'text' }))
    .addColumn('licence_status', 'text', (c) =>
      c.notNull().check(sql`licence_status in ('actief','geschorst','opgeheven','stopgezet')`),
    )
    .$call(notNull({ licensed_since: 'date' }))
    .$call(recordedAt('created_at'))
    .execute();
  await db.schema.createIndex('locations_organiser_idx').on('locations').column('organiser_id').execute();
  await db.schema.createIndex('locations_municipality_idx').on('locations').column('municipality').execute();

  await db.schema
    .createTable('dossiers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('location_id', 'text', (c) => c.notNull().unique().references('locations.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('case_manager_id', 'text', (c) => c.references('users.id'))
    .$call(recordedAt('opened_at'))
    .execute();
  await db.schema.createIndex('dossiers_case_manager_idx').on('dossiers').column('case_manager_id').execute();

  // The dossier timeline: everything that happened to a location, in the order it happened.
  // The idempotency key lets a retried activity write an entry exactly once.
  await db.schema
    .createTable('timeline_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .$call(notNull({ occurred_at: 'timestamptz', kind: 'text', title: 'text' }))
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('actor_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .$call(recordedAt('recorded_at'))
    .execute();
  await db.schema
    .createIndex('timeline_dossier_time_idx')
    .on('timeline_entries')
    .columns(['dossier_id', 'occurred_at'])
    .execute();
  await db.schema.createIndex('timeline_kind_time_idx').on('timeline_entries').columns(['kind', 'occurred_at']).execute();

  // The audit log is append-only: a trigger refuses every UPDATE and DELETE.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .$call(recordedAt('occurred_at'))
    .$call(notNull({ actor_id: 'text', actor_role: 'text', action: 'text', subject_type: 'text', subject_id: 'text' }))
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('request_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('audit_subject_idx').on('audit_log').columns(['subject_type', 'subject_id']).execute();
  await sql`
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end;
    $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each statement execute function audit_log_is_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function if exists audit_log_is_append_only()`.execute(db);
  for (const table of ['timeline_entries', 'dossiers', 'locations', 'organisers', 'users', 'teams']) {
    await db.schema.dropTable(table).execute();
  }
}
