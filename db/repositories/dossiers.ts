import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export function findDossier(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .leftJoin('users as u', 'u.id', 'd.case_manager_id')
    .select([
      'd.id',
      'd.location_id',
      'l.name as location_name',
      'l.municipality',
      'd.team_id',
      'd.case_manager_id',
      'u.name as case_manager_name',
      'd.opened_at',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}
