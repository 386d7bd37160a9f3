import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { InspectionRow, NewInspectionRow } from '../tables/inspections.js';

/** Writes the workflow's projection; an older version never overwrites a newer one. */
export async function saveInspectionProjection(db: Kysely<Database>, row: NewInspectionRow): Promise<void> {
  const { id: _id, created_at: _created, created_by: _by, ...changes } = row;
  await db
    .insertInto('inspections')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ ...changes, updated_at: sql`now()` })
        .where('inspections.version', '<', row.version),
    )
    .execute();
}

/** A narrowing of the register, e.g. the caller's scope (api/access/scope.ts). */
export type InspectionScope = (eb: ExpressionBuilder<Database, 'inspections'>) => Expression<SqlBool>;
const everything: InspectionScope = () => sql<SqlBool>`true`;

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

export interface InspectionFilter {
  status?: string;
  urgency?: string;
  locationId?: string;
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** Most urgent first: by due moment, then newest request. */
export async function listInspections(db: Kysely<Database>, f: InspectionFilter, scope: InspectionScope = everything) {
  let query = db.selectFrom('inspections').where(scope);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.urgency) query = query.where('urgency', '=', f.urgency as 'regulier' | 'spoed');
  if (f.locationId) query = query.where('location_id', '=', f.locationId);
  if (f.overdue !== undefined) query = query.where('overdue', '=', f.overdue);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('due_at', (ob) => ob.asc().nullsLast())
      .orderBy('requested_at', 'desc')
      .orderBy('id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
