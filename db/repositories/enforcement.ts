import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { EnforcementCaseRow, NewEnforcementCaseRow } from '../tables/enforcement.js';
import { everything, given, type Page, pageOf, saveProjection, type Scope } from './query.js';

/** The case workflow's projection; versions only go up, so a late retry never overwrites newer state. */
export function saveCaseProjection(db: Kysely<Database>, row: NewEnforcementCaseRow): Promise<void> {
  return saveProjection(db, 'enforcement_cases', row, ['id', 'opened_at', 'started_by', 'first_milestone']);
}

export type CaseScope = Scope<'enforcement_cases'>;

export function findCase(db: Kysely<Database>, id: string, scope: CaseScope = everything): Promise<EnforcementCaseRow | undefined> {
  return db.selectFrom('enforcement_cases').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

export interface CaseFilter extends Page {
  status?: 'open' | 'closed';
  step?: string;
  teamId?: string;
  caseManagerId?: string;
  urgent?: boolean;
  dueBefore?: Date;
  municipality?: string;
  locationId?: string;
}

export async function listCases(db: Kysely<Database>, f: CaseFilter, scope: CaseScope = everything) {
  const equal = { status: f.status, step: f.step, team_id: f.teamId, case_manager_id: f.caseManagerId, urgent: f.urgent, municipality: f.municipality, location_id: f.locationId };
  let query = db.selectFrom('enforcement_cases').where(scope).where((eb) => eb.and(given(equal)));
  if (f.dueBefore) query = query.where('due_at', '<', f.dueBefore);
  return pageOf(db, query, (q) => q.selectAll().orderBy('due_at', (ob) => ob.asc().nullsLast()).orderBy('opened_at', 'desc'), f);
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
