import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Incident, IncidentStatus, NewIncident } from '../tables/incidents.js';
import { given, type Page, pageOf } from './query.js';

/** Raises an incident once per id: a retried activity that raises it again changes nothing. */
export async function raiseIncident(db: Kysely<Database>, incident: NewIncident): Promise<{ incident: Incident; created: boolean }> {
  const inserted = await db.insertInto('incidents').values(incident).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  if (inserted) return { incident: inserted, created: true };
  return { incident: await db.selectFrom('incidents').selectAll().where('id', '=', incident.id).executeTakeFirstOrThrow(), created: false };
}

export async function resolveIncident(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('incidents').set({ status: 'opgelost', resolved_at: new Date() }).where('id', '=', id).where('status', '<>', 'opgelost').execute();
}

/** Marks that a person asked for a retry; only an unresolved incident can be retried. */
export async function requestIncidentRetry(db: Kysely<Database>, id: string, actorId: string): Promise<Incident | undefined> {
  return db
    .updateTable('incidents')
    .set({ status: 'opnieuw_proberen', retry_requested_by: actorId, retry_requested_at: new Date() })
    .where('id', '=', id)
    .where('status', '<>', 'opgelost')
    .returningAll()
    .executeTakeFirst();
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

export function listIncidents(db: Kysely<Database>, filter: IncidentFilter): Promise<{ items: Incident[]; total: number }> {
  const query = db.selectFrom('incidents').where((eb) => eb.and(given({ status: filter.status, workflow_id: filter.workflowId })));
  return pageOf(query, (q) => q.selectAll().orderBy('raised_at', 'desc').orderBy('id'), filter);
}
