import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NewOutboxMessage, OutboxMessage } from '../tables/meldingen.js';
import { insertOnce } from './query.js';

/** Queues a message once per idempotency key; a retry gets the row the first attempt queued. */
export function enqueueMessage(db: Kysely<Database>, message: NewOutboxMessage): Promise<OutboxMessage> {
  return insertOnce(db, 'outbox_messages', message);
}

/**
 * Queues an internal message (a notification: an escalation, a reminder, an alert) to a user, once
 * per key, about a subject.
 */
export function queueNotification(
  db: Kysely<Database>,
  key: string,
  recipientId: string | null,
  message: { template: string; subject: string; body: string },
  about: { type: string; id: string },
): Promise<OutboxMessage> {
  return insertOnce(db, 'outbox_messages', {
    idempotency_key: key,
    channel: 'intern',
    recipient_user_id: recipientId,
    recipient_address: null,
    ...message,
    subject_type: about.type,
    subject_id: about.id,
    last_error: null,
    sent_at: null,
  });
}

export function listMessagesFor(db: Kysely<Database>, subjectType: string, subjectId: string): Promise<OutboxMessage[]> {
  return db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute();
}
