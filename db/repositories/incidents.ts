import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { Incident, IncidentStatus, NewIncident } from '../tables/incidents.js';
import { messageOfIncident, requeueMessage, settleMessageByOperator } from './outbox.js';
import { given, type ListPage, type Page, pageOf } from './query.js';

/** Raises an incident once per id: a retried activity that raises it again changes nothing. */
export async function raiseIncident(db: Kysely<Database>, incident: NewIncident): Promise<{ incident: Incident; created: boolean }> {
  const inserted = await db.insertInto('incidents').values(incident).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  if (inserted) return { incident: inserted, created: true };
  return { incident: await db.selectFrom('incidents').selectAll().where('id', '=', incident.id).executeTakeFirstOrThrow(), created: false };
}

export async function resolveIncident(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('incidents').set({ status: 'opgelost', resolved_at: new Date() }).where('id', '=', id).where('status', '<>', 'opgelost').execute();
}

/**
 * Marks that a person asked for a retry; only an unresolved incident can be retried. An outbox
 * incident (an e-mail whose delivery is uncertain, or that the server refused) is retried here and
 * now: its message is queued again in the same transaction, and the dispatcher sends it; a
 * workflow's incident is retried by the signal the caller sends (`isOutboxIncident` tells which).
 */
export async function requestIncidentRetry(db: Kysely<Database>, id: string, actorId: string): Promise<Incident | undefined> {
  return db.transaction().execute(async (tx) => {
    const incident = await tx
      .updateTable('incidents')
      .set({ status: 'opnieuw_proberen', retry_requested_by: actorId, retry_requested_at: new Date() })
      .where('id', '=', id)
      .where('status', '<>', 'opgelost')
      .returningAll()
      .executeTakeFirst();
    const messageId = incident && messageOfIncident(incident);
    if (messageId) await requeueMessage(tx, messageId, actorId);
    return incident;
  });
}

/** Whether the incident is the outbox's (retried and resolved in the database), not a waiting workflow's. */
export const isOutboxIncident = (incident: Incident) => messageOfIncident(incident) !== undefined;

/**
 * A person resolves an outbox incident: the recipient confirmed the e-mail (it counts as sent and
 * is never sent again), or it was handled otherwise. A workflow's incident resolves itself when its
 * step succeeds and cannot be resolved by hand: 'not-outbox'. In the caller's transaction, with its audit record.
 */
export async function resolveIncidentByOperator(tx: Transaction<Database>, id: string, actorId: string): Promise<Incident | 'not-found' | 'not-outbox' | 'resolved'> {
  const incident = await tx.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!incident) return 'not-found';
  const messageId = messageOfIncident(incident);
  if (!messageId) return 'not-outbox';
  if (incident.status === 'opgelost') return 'resolved';
  await settleMessageByOperator(tx, messageId, actorId);
  return tx.updateTable('incidents').set({ status: 'opgelost', resolved_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** After a retry that failed again the incident is open once more. */
export async function reopenIncident(db: Kysely<Database>, id: string, message: string, attempts: number): Promise<void> {
  await db.updateTable('incidents').set({ status: 'open', message, attempts }).where('id', '=', id).where('status', '<>', 'opgelost').execute();
}

export function findIncident(db: Kysely<Database>, id: string): Promise<Incident | undefined> {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface IncidentFilter extends Page {
  status?: IncidentStatus;
  workflowId?: string;
}

export function listIncidents(db: Kysely<Database>, filter: IncidentFilter): Promise<ListPage<Incident>> {
  const query = db.selectFrom('incidents').where((eb) => eb.and(given({ status: filter.status, workflow_id: filter.workflowId })));
  return pageOf(db, query, (q) => q.selectAll().orderBy('raised_at', 'desc').orderBy('id'), filter);
}
