import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
//
// Issue 14, the two remaining gaps of docs/reliability.md:
//
// 1. An e-mail is marked `sending` (with the moment and its attempt) in its own transaction
//    BEFORE the SMTP conversation, and `sent` after the server's 250. A row still `sending` whose
//    sender is gone becomes `uncertain`: SMTP cannot say whether it arrived, so it is not sent
//    again on its own; an incident asks a person (platform/outbox-dispatcher.ts).
// 2. `idempotent_requests`: the Idempotency-Key of the requests that start a process without a
//    natural key (POST /handhaving, POST /inspections), with a fingerprint of the request, so the
//    same key with another body is refused instead of answered with the first request's outcome.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_messages drop constraint if exists outbox_messages_status_check`.execute(db);
  await sql`alter table outbox_messages add constraint outbox_messages_status_check
    check (status in ('queued','sending','sent','uncertain','delivered','failed'))`.execute(db);
  await sql`alter table outbox_messages add column sending_at timestamptz`.execute(db);
  // The dispatcher's sweep looks for rows left `sending` or `uncertain`: few, found by this index.
  await sql`create index outbox_unsettled_idx on outbox_messages (id) where status in ('sending','uncertain')`.execute(db);

  await db.schema
    .createTable('idempotent_requests')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('status_code', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('idempotent_requests_pk', ['scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotent_requests_created_idx').on('idempotent_requests').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotent_requests').ifExists().execute();
  await sql`drop index if exists outbox_unsettled_idx`.execute(db);
  await sql`update outbox_messages set status = 'queued' where status in ('sending','uncertain')`.execute(db);
  await sql`alter table outbox_messages drop column if exists sending_at`.execute(db);
  await sql`alter table outbox_messages drop constraint if exists outbox_messages_status_check`.execute(db);
  await sql`alter table outbox_messages add constraint outbox_messages_status_check check (status in ('queued','sent','delivered','failed'))`.execute(db);
}
