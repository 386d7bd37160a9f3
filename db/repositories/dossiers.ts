import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** Dossiers (`d`) with their location (`l`): where a query asks what a dossier's place is. */
export function dossiersWithLocation(db: Kysely<Database> | Transaction<Database>) {
  return db.selectFrom('dossiers as d').innerJoin('locations as l', 'l.id', 'd.location_id');
}

/** The place of a dossier as the API names it (api/schemas/common.ts, `placeOf`), from `dossiersWithLocation`. */
export const dossierPlaceColumns = ['d.id as dossierId', 'l.id as locationId', 'l.name as locationName', 'd.team_id as teamId', 'd.case_manager_id as caseManagerId'] as const;

export function findDossier(db: Kysely<Database>, id: string) {
  return dossiersWithLocation(db)
    .leftJoin('users as u', 'u.id', 'd.case_manager_id')
    .select([...dossierPlaceColumns, 'l.municipality', 'u.name as caseManagerName', 'd.opened_at as openedAt'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}
