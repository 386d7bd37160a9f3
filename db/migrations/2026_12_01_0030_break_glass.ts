import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Break-glass (docs/access.md): a person opens access beyond their scope for a short time, with a
// reason; the grant is kept for the audit and reported to the team coordinator.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('break_glass_grants')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`char_length(reason) between 10 and 2000`))
    .$call(recordedAt('granted_at'))
    .$call(notNull({ expires_at: 'timestamptz' }))
    .addColumn('ended_at', 'timestamptz')
    .addCheckConstraint('break_glass_grants_window', sql`expires_at > granted_at and expires_at <= granted_at + interval '4 hours'`)
    .execute();
  await sql`create index break_glass_grants_user_idx on break_glass_grants (user_id, expires_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('break_glass_grants').execute();
}
