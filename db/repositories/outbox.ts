import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NewOutboxMessage, OutboxMessage } from '../tables/meldingen.js';

/** Queues a message once per idempotency key; a retry gets the row the first attempt queued. */
export async function enqueueMessage(db: Kysely<Database>, message: NewOutboxMessage): Promise<OutboxMessage> {
  const inserted = await db
    .insertInto('outbox_messages')
    .values(message)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? db.selectFrom('outbox_messages').selectAll().where('idempotency_key', '=', message.idempotency_key).executeTakeFirstOrThrow();
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
