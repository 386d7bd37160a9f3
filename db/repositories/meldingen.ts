import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { MeldingRow, NewMeldingRow } from '../tables/meldingen.js';

/**
 * Writes the workflow's projection of a report. Versions only go up: a late retry of an older
 * projection never overwrites a newer one.
 */
export async function saveMeldingProjection(db: Kysely<Database>, row: NewMeldingRow): Promise<void> {
  const { id: _id, created_at: _created, created_by: _by, ...changes } = row;
  await db
    .insertInto('meldingen')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ ...changes, updated_at: sql`now()` })
        .where('meldingen.version', '<', row.version),
    )
    .execute();
}

/** A narrowing of the register, e.g. the caller's scope (api/access/scope.ts). */
export type MeldingScope = (eb: ExpressionBuilder<Database, 'meldingen'>) => Expression<SqlBool>;
const everything: MeldingScope = () => sql<SqlBool>`true`;

export function findMelding(db: Kysely<Database>, id: string, scope: MeldingScope = everything): Promise<MeldingRow | undefined> {
  return db.selectFrom('meldingen').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

export const meldingSortKeys = ['due_at', 'received_at'] as const;

export interface MeldingFilter {
  triage?: string;
  phase?: string;
  assigneeId?: string;
  teamId?: string;
  overdue?: boolean;
  locationId?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  sort: (typeof meldingSortKeys)[number];
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export async function listMeldingen(db: Kysely<Database>, f: MeldingFilter, scope: MeldingScope = everything) {
  let query = db.selectFrom('meldingen').where(scope);
  if (f.triage) query = query.where('triage', '=', f.triage);
  if (f.phase) query = query.where('phase', '=', f.phase);
  if (f.assigneeId) query = query.where('assignee_id', '=', f.assigneeId);
  if (f.teamId) query = query.where('team_id', '=', f.teamId);
  if (f.overdue !== undefined) query = query.where('overdue', '=', f.overdue);
  if (f.locationId) query = query.where('location_id', '=', f.locationId);
  if (f.receivedFrom) query = query.where('received_at', '>=', f.receivedFrom);
  if (f.receivedTo) query = query.where('received_at', '<', f.receivedTo);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy(f.sort, (ob) => (f.order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast()))
      .orderBy('id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
