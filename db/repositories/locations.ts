import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { LocationKind, LicenceStatus } from '../tables/reference.js';
import { dossierPlaceColumns, dossiersWithLocation } from './dossiers.js';
import { given, type Page, pageOf } from './query.js';

export interface LocationFilter extends Page {
  municipality?: string;
  kind?: LocationKind;
  licenceStatus?: LicenceStatus;
  organiserId?: string;
  /** Part of the location's or organiser's name (ignoring case), or a location id. */
  q?: string;
}

function locationsWithDossier(db: Kysely<Database>) {
  return db
    .selectFrom('locations as l')
    .innerJoin('organisers as o', 'o.id', 'l.organiser_id')
    .leftJoin('dossiers as d', 'd.location_id', 'l.id');
}

const columns = [
  'l.id',
  'l.name',
  'l.kind',
  'l.capacity',
  'l.street',
  'l.house_number',
  'l.postal_code',
  'l.municipality',
  'l.province',
  'l.licence_status',
  'l.licensed_since',
  'l.organiser_id',
  'o.name as organiser_name',
  'd.id as dossier_id',
  'd.team_id',
  'd.case_manager_id',
] as const;

export async function listLocations(db: Kysely<Database>, f: LocationFilter) {
  const equal = { 'l.municipality': f.municipality, 'l.kind': f.kind, 'l.licence_status': f.licenceStatus, 'l.organiser_id': f.organiserId };
  let query = locationsWithDossier(db).where((eb) => eb.and(given(equal)));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const id = f.q.toUpperCase();
    query = query.where((eb) =>
      eb.or([eb('l.name', 'ilike', pattern), eb('o.name', 'ilike', pattern), eb('l.id', '=', id)]),
    );
  }
  return pageOf(db, query, (q) => q.select(columns).orderBy('l.id'), f);
}

export function findLocation(db: Kysely<Database>, id: string) {
  return locationsWithDossier(db).select(columns).where('l.id', '=', id).executeTakeFirst();
}

export async function countReferenceData(db: Kysely<Database>) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('organisers').select(sql<string>`count(*)`.as('n')).as('organisers'),
      eb.selectFrom('locations').select(sql<string>`count(*)`.as('n')).as('locations'),
      eb.selectFrom('dossiers').select(sql<string>`count(*)`.as('n')).as('dossiers'),
      eb.selectFrom('users').select(sql<string>`count(*)`.as('n')).as('users'),
      eb.selectFrom('timeline_entries').select(sql<string>`count(*)`.as('n')).as('timeline_entries'),
    ])
    .executeTakeFirstOrThrow();
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<keyof typeof row, number>;
}

/**
 * What a report needs to know about its location: organiser, dossier, team, case manager. By
 * location id; by organiser id only when the organiser has exactly one location. Otherwise
 * undefined: the report waits to be linked by hand.
 */
export async function resolveLocationLink(db: Kysely<Database>, hint: { locationId?: string; organiserId?: string }) {
  let query = db
    .selectFrom('locations as l')
    .innerJoin('dossiers as d', 'd.location_id', 'l.id')
    .select(['l.id as locationId', 'l.name as locationName', 'l.organiser_id as organiserId', 'd.id as dossierId', 'd.team_id as teamId', 'd.case_manager_id as caseManagerId']);
  if (hint.locationId) query = query.where('l.id', '=', hint.locationId);
  else if (hint.organiserId) query = query.where('l.organiser_id', '=', hint.organiserId);
  else return undefined;
  const rows = await query.limit(2).execute();
  return rows.length === 1 ? rows[0] : undefined;
}

/**
 * Which of the references a request names do not exist (a report's location hint): checked before
 * a process starts, so an unknown one is refused instead of failing the process's first write.
 */
export async function unknownLocationReferences(db: Kysely<Database>, refs: { locationId?: string; organiserId?: string }) {
  const [location, organiser] = await Promise.all([
    refs.locationId ? db.selectFrom('locations').select('id').where('id', '=', refs.locationId).executeTakeFirst() : undefined,
    refs.organiserId ? db.selectFrom('organisers').select('id').where('id', '=', refs.organiserId).executeTakeFirst() : undefined,
  ]);
  return { locationId: Boolean(refs.locationId) && !location, organiserId: Boolean(refs.organiserId) && !organiser };
}

/** What an enforcement case needs to know about its location and organiser. */
export function findCaseLocation(db: Kysely<Database>, locationId: string) {
  return dossiersWithLocation(db)
    .innerJoin('organisers as o', 'o.id', 'l.organiser_id')
    .select([...dossierPlaceColumns, 'o.id as organiserId', 'o.name as organiserName', 'o.email as organiserEmail', 'l.municipality', 'l.capacity'])
    .where('l.id', '=', locationId)
    .executeTakeFirst();
}
