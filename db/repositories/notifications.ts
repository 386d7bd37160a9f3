import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Notifications are the internal messages of the outbox (channel 'intern', with a recipient):
 * escalations, reminders, Modular's cancellations, incidents, urgent alerts. The read state is
 * per user in notification_reads (docs/work-surfaces.md).
 */
export interface NotificationRow {
  id: string;
  template: string;
  subject: string;
  body: string;
  subject_type: string;
  subject_id: string;
  created_at: Date;
  read_at: Date | null;
}

/** The user's messages (`o`): the internal messages of the outbox addressed to them. */
function messagesOf(db: Kysely<Database>, userId: string) {
  return db.selectFrom('outbox_messages as o').where('o.channel', '=', 'intern').where('o.recipient_user_id', '=', userId);
}

/** The user's messages (`o`) with their read state (`r`, none while unread). */
function notificationsOf(db: Kysely<Database>, userId: string) {
  return messagesOf(db, userId).leftJoin('notification_reads as r', (j) => j.onRef('r.message_id', '=', 'o.id').on('r.user_id', '=', userId));
}

export async function listNotifications(
  db: Kysely<Database>,
  userId: string,
  page: { unread?: boolean; limit: number; offset: number; afterId?: string },
): Promise<{ items: NotificationRow[]; total: number; unread: number }> {
  let query = notificationsOf(db, userId);
  if (page.afterId) query = query.where('o.id', '>', page.afterId);
  const filtered = page.unread === undefined ? query : page.unread ? query.where('r.read_at', 'is', null) : query.where('r.read_at', 'is not', null);
  const [items, counts] = await Promise.all([
    filtered
      .select(['o.id', 'o.template', 'o.subject', 'o.body', 'o.subject_type', 'o.subject_id', 'o.created_at', 'r.read_at'])
      .orderBy('o.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query
      .select([
        sql<string>`count(*) filter (where ${page.unread === undefined ? sql`true` : page.unread ? sql`r.read_at is null` : sql`r.read_at is not null`})`.as('total'),
        sql<string>`count(*) filter (where r.read_at is null)`.as('unread'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return { items: items as NotificationRow[], total: Number(counts.total), unread: Number(counts.unread) };
}

/** New messages for a user after an id, oldest first (the live stream). */
export function notificationsAfter(db: Kysely<Database>, userId: string, afterId: string, limit = 50): Promise<NotificationRow[]> {
  return notificationsOf(db, userId)
    .where('o.id', '>', afterId)
    .select(['o.id', 'o.template', 'o.subject', 'o.body', 'o.subject_type', 'o.subject_id', 'o.created_at', 'r.read_at'])
    .orderBy('o.id', 'asc')
    .limit(limit)
    .execute() as Promise<NotificationRow[]>;
}

/** The newest message id of a user (the stream starts after it), '0' when none. */
export async function latestNotificationId(db: Kysely<Database>, userId: string): Promise<string> {
  const row = await messagesOf(db, userId)
    .select(sql<string>`coalesce(max(o.id), 0)::text`.as('id'))
    .executeTakeFirst();
  return row?.id ?? '0';
}

export async function unreadCount(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await notificationsOf(db, userId)
    .where('r.read_at', 'is', null)
    .select(sql<string>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the user's messages read; false when it is not theirs (or does not exist). Idempotent. */
export async function markRead(db: Kysely<Database>, userId: string, messageId: string): Promise<{ found: boolean; readAt: Date | null }> {
  const own = await messagesOf(db, userId).select('o.id').where('o.id', '=', messageId).executeTakeFirst();
  if (!own) return { found: false, readAt: null };
  await db.insertInto('notification_reads').values({ user_id: userId, message_id: messageId }).onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing()).execute();
  const row = await db.selectFrom('notification_reads').select('read_at').where('user_id', '=', userId).where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return { found: true, readAt: row.read_at };
}

/** Marks every unread message of the user read; answers how many were marked. */
export async function markAllRead(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await sql<{ n: string }>`
    with marked as (
      insert into notification_reads (user_id, message_id)
      select ${userId}, o.id from outbox_messages o
      where o.channel = 'intern' and o.recipient_user_id = ${userId}
        and not exists (select 1 from notification_reads r where r.user_id = ${userId} and r.message_id = o.id)
      on conflict do nothing
      returning 1
    ) select count(*)::text as n from marked`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}
