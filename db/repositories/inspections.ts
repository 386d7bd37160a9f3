import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { InspectionRow, NewInspectionRow } from '../tables/inspections.js';
import { everything, given, type Page, pageOf, saveProjection, type Scope } from './query.js';

/** Writes the workflow's projection; an older version never overwrites a newer one. */
export function saveInspectionProjection(db: Kysely<Database>, row: NewInspectionRow): Promise<void> {
  return saveProjection(db, 'inspections', row, ['id', 'created_at', 'created_by']);
}

export type InspectionScope = Scope<'inspections'>;

export function findInspection(db: Kysely<Database>, id: string, scope: InspectionScope = everything): Promise<InspectionRow | undefined> {
  return db.selectFrom('inspections').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

/**
 * The request a Modular order belongs to: by order id, or by our reference while the order id is
 * not yet recorded (a webhook can overtake the create's answer).
 */
export function findInspectionForOrder(db: Kysely<Database>, orderId: string, reference: string): Promise<InspectionRow | undefined> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where((eb) => eb.or([eb('modular_order_id', '=', orderId), eb.and([eb('id', '=', reference), eb('modular_order_id', 'is', null)])]))
    .executeTakeFirst();
}

export async function deliverySeen(db: Kysely<Database>, deliveryId: string): Promise<boolean> {
  const row = await db.selectFrom('modular_webhook_deliveries').select('delivery_id').where('delivery_id', '=', deliveryId).executeTakeFirst();
  return row !== undefined;
}

/** Records an accepted delivery; false when it was already recorded (a concurrent copy). */
export async function recordDelivery(
  db: Kysely<Database>,
  d: { delivery_id: string; order_id: string; inspection_id: string; event: string; signed_at: Date },
): Promise<boolean> {
  const inserted = await db
    .insertInto('modular_webhook_deliveries')
    .values(d)
    .onConflict((oc) => oc.column('delivery_id').doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface InspectionFilter extends Page {
  status?: string;
  urgency?: string;
  locationId?: string;
  overdue?: boolean;
}

/** Most urgent first: by due moment, then newest request. */
export async function listInspections(db: Kysely<Database>, f: InspectionFilter, scope: InspectionScope = everything) {
  const query = db
    .selectFrom('inspections')
    .where(scope)
    .where((eb) => eb.and(given({ status: f.status, urgency: f.urgency as 'regulier' | 'spoed' | undefined, location_id: f.locationId, overdue: f.overdue })));
  return pageOf(db, query, (q) => q.selectAll().orderBy('due_at', (ob) => ob.asc().nullsLast()).orderBy('requested_at', 'desc').orderBy('id'), f);
}
