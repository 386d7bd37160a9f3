import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Work surfaces (docs/work-surfaces.md): saved filters of "Mijn werk", the read state of internal
// messages (notifications), and the indexes the inbox, the notifications and the dashboard need.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('work_filters')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .$call(notNull({ name: 'text', filter: 'jsonb' }))
    .$call(recordedAt('created_at', 'updated_at'))
    .addPrimaryKeyConstraint('work_filters_pk', ['user_id', 'name'])
    .execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('outbox_messages.id').onDelete('cascade'))
    .$call(recordedAt('read_at'))
    .addPrimaryKeyConstraint('notification_reads_pk', ['user_id', 'message_id'])
    .execute();

  // The label of an enforcement case's next deadline (state.current.deadlines[0].label), so Mijn
  // werk can say which term set its due moment; filled by saveEnforcementCase (activities/enforcement.ts).
  await sql`alter table enforcement_cases add column if not exists due_label text`.execute(db);

  // A user's internal messages, newest first (GET /notifications, the SSE poll "id > last").
  await sql`create index outbox_intern_recipient_idx on outbox_messages (recipient_user_id, id desc) where channel = 'intern'`.execute(db);
  // Pick-up time of a report for the deadline performance (first 'melding.acknowledged').
  await sql`create index audit_melding_acknowledged_idx on audit_log (subject_id, occurred_at) where subject_type = 'melding' and action = 'melding.acknowledged'`.execute(db);
  // Mijn werk: open work per assignee / case manager, the jurist's queue.
  await sql`create index meldingen_open_assignee_idx on meldingen (assignee_id, due_at) where phase <> 'afgesloten'`.execute(db);
  await sql`create index enforcement_cases_open_manager_idx on enforcement_cases (case_manager_id, due_at) where status = 'open'`.execute(db);
  await sql`create index screening_tasks_open_assignee_idx on screening_tasks (assignee_id, due_at) where status = 'open'`.execute(db);
  // Dashboard funnel and decisions: the enforcement steps of the history per dossier in time order.
  await sql`create index timeline_enforcement_steps_idx on timeline_entries (dossier_id, occurred_at, id) include (kind) where kind in ('aanmaning','voornemen','schorsing','opheffing')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists timeline_enforcement_steps_idx`.execute(db);
  await sql`drop index if exists screening_tasks_open_assignee_idx`.execute(db);
  await sql`drop index if exists enforcement_cases_open_manager_idx`.execute(db);
  await sql`drop index if exists meldingen_open_assignee_idx`.execute(db);
  await sql`drop index if exists audit_melding_acknowledged_idx`.execute(db);
  await sql`drop index if exists outbox_intern_recipient_idx`.execute(db);
  await sql`alter table enforcement_cases drop column if exists due_label`.execute(db);
  await db.schema.dropTable('notification_reads').execute();
  await db.schema.dropTable('work_filters').execute();
}
