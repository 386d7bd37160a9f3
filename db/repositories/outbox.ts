import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NewOutboxMessage, OutboxMessage } from '../tables/meldingen.js';
import { insertOnce } from './query.js';

/**
 * A queued message as a process sees it: one the dispatcher is sending (`sending`), or whose
 * delivery waits for a person (`uncertain`, with its incident), is still `queued` to the process;
 * those two states are the outbox's own (docs/reliability.md).
 */
export type EnqueuedMessage = Omit<OutboxMessage, 'status'> & { status: Exclude<OutboxMessage['status'], 'sending' | 'uncertain'> };

/** Queues a message once per idempotency key; a retry gets the row the first attempt queued. */
export async function enqueueMessage(db: Kysely<Database>, message: NewOutboxMessage): Promise<EnqueuedMessage> {
  const row = await insertOnce(db, 'outbox_messages', message);
  return { ...row, status: row.status === 'sending' || row.status === 'uncertain' ? 'queued' : row.status };
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

// ----- e-mails whose delivery is uncertain (docs/reliability.md, "An e-mail whose delivery is uncertain") -----

/** The incidents of the outbox are not a workflow's: this is their `workflow_type`. */
export const outboxIncidentWorkflowType = 'outbox';
/** Their `workflow_id`: the message's row, so an operator's retry or resolve finds it. */
export const outboxIncidentSubject = (messageId: string) => `outbox:${messageId}`;

/**
 * The incident of one outbox message: one id per message (an MD5 in UUID form, the same as the
 * dispatcher's `md5('outbox-message:' || id)::uuid` in SQL), so raising it again reopens it
 * instead of raising a second one.
 */
export function outboxIncidentId(messageId: string): string {
  const h = createHash('md5').update(`outbox-message:${messageId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The message of an outbox incident (its `workflow_id`); undefined for a workflow's incident. */
export function messageOfIncident(incident: { workflow_type: string; workflow_id: string }): string | undefined {
  if (incident.workflow_type !== outboxIncidentWorkflowType) return undefined;
  return /^outbox:(\d+)$/.exec(incident.workflow_id)?.[1];
}

/** An operator's retry: the uncertain (or refused) e-mail is queued and sent again; answers whether it was. */
export async function requeueMessage(db: Kysely<Database>, messageId: string, actorId: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox_messages')
    .set({ status: 'queued', sending_at: null, last_error: `queued again by ${actorId} after an incident` })
    .where('id', '=', messageId)
    .where('status', 'in', ['uncertain', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * An operator's resolve: the recipient confirmed the uncertain e-mail arrived, so it counts as
 * sent and is never sent again. A refused (`failed`) one stays failed: it was handled otherwise.
 */
export async function settleMessageByOperator(db: Kysely<Database>, messageId: string, actorId: string): Promise<OutboxMessage | undefined> {
  await db
    .updateTable('outbox_messages')
    .set({ status: 'sent', sent_at: new Date(), last_error: `marked sent by ${actorId}: delivery confirmed outside the system` })
    .where('id', '=', messageId)
    .where('status', '=', 'uncertain')
    .execute();
  return db.selectFrom('outbox_messages').selectAll().where('id', '=', messageId).executeTakeFirst();
}
