import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { EnforcementCaseRow, NewEnforcementCaseRow } from '../tables/enforcement.js';

/** The case workflow's projection; versions only go up, so a late retry never overwrites newer state. */
export async function saveCaseProjection(db: Kysely<Database>, row: NewEnforcementCaseRow): Promise<void> {
  const { id: _id, opened_at: _opened, started_by: _by, first_milestone: _first, ...changes } = row;
  await db
    .insertInto('enforcement_cases')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...changes, updated_at: sql`now()` }).where('enforcement_cases.version', '<', row.version))
    .execute();
}

/** A narrowing of the register, e.g. the caller's scope (api/access/scope.ts). */
export type CaseScope = (eb: ExpressionBuilder<Database, 'enforcement_cases'>) => Expression<SqlBool>;
const everyCase: CaseScope = () => sql<SqlBool>`true`;

export function findCase(db: Kysely<Database>, id: string, scope: CaseScope = everyCase): Promise<EnforcementCaseRow | undefined> {
  return db.selectFrom('enforcement_cases').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

export interface CaseFilter {
  status?: 'open' | 'closed';
  step?: string;
  teamId?: string;
  caseManagerId?: string;
  urgent?: boolean;
  dueBefore?: Date;
  municipality?: string;
  locationId?: string;
  limit: number;
  offset: number;
}

export async function listCases(db: Kysely<Database>, f: CaseFilter, scope: CaseScope = everyCase) {
  let query = db.selectFrom('enforcement_cases').where(scope);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.step) query = query.where('step', '=', f.step);
  if (f.teamId) query = query.where('team_id', '=', f.teamId);
  if (f.caseManagerId) query = query.where('case_manager_id', '=', f.caseManagerId);
  if (f.urgent !== undefined) query = query.where('urgent', '=', f.urgent);
  if (f.dueBefore) query = query.where('due_at', '<', f.dueBefore);
  if (f.municipality) query = query.where('municipality', '=', f.municipality);
  if (f.locationId) query = query.where('location_id', '=', f.locationId);
  const [items, total] = await Promise.all([
    query.selectAll().orderBy('due_at', (ob) => ob.asc().nullsLast()).orderBy('opened_at', 'desc').limit(f.limit).offset(f.offset).execute(),
    query.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function decisionsForLocation(db: Kysely<Database>, locationId: string) {
  return db.selectFrom('enforcement_decisions').selectAll().where('location_id', '=', locationId).orderBy('decided_at', 'desc').execute();
}

/** Suspension and revocation decisions taken in [from, to), for the weekly public list. */
export function decisionsBetween(db: Kysely<Database>, from: Date, to: Date) {
  return db
    .selectFrom('enforcement_decisions as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select(['d.id', 'd.kind', 'd.urgent', 'd.decided_at', 'd.effective_from', 'd.ends_on', 'd.municipality', 'd.objection', 'd.in_force', 'd.public_motivation', 'l.name as location_name', 'l.kind as location_kind', 'l.id as location_id'])
    .where('d.decided_at', '>=', from)
    .where('d.decided_at', '<', to)
    .orderBy('d.decided_at')
    .execute();
}

/** Places freed by decisions in force, per municipality (for the dashboard and local government). */
export function capacityFreedPerMunicipality(db: Kysely<Database>) {
  return db
    .selectFrom('enforcement_decisions')
    .select(['municipality', sql<string>`sum(capacity_freed)`.as('places'), sql<string>`count(*)`.as('decisions')])
    .where('in_force', '=', true)
    .groupBy('municipality')
    .orderBy('municipality')
    .execute();
}
