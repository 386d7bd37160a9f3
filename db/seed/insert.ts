import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { FlandersData } from './generate.js';
import { seedMunicipalityContacts } from './municipality-contacts.js';

/** Rows per insert statement: keeps every statement far below PostgreSQL's 65,535 parameters. */
export const INSERT_BATCH_SIZE = 1000;

function* batches<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH_SIZE) yield rows.slice(i, i + INSERT_BATCH_SIZE);
}

/**
 * Inserts the synthetic Flanders in foreign-key order, in one transaction: either all of it
 * lands or none. Plain Kysely inserts, so it runs on PostgreSQL and on PGlite alike.
 */
export async function insertFlanders(db: Kysely<Database>, data: FlandersData): Promise<{ counts: Record<string, number> }> {
  await db.transaction().execute(async (trx) => {
    for (const rows of batches(data.teams)) await trx.insertInto('teams').values(rows).execute();
    for (const rows of batches(data.users)) await trx.insertInto('users').values(rows).execute();
    for (const rows of batches(data.organisers)) await trx.insertInto('organisers').values(rows).execute();
    for (const rows of batches(data.locations)) await trx.insertInto('locations').values(rows).execute();
    for (const rows of batches(seedMunicipalityContacts(data.locations))) await trx.insertInto('municipality_contacts').values(rows).execute();
    for (const rows of batches(data.dossiers)) await trx.insertInto('dossiers').values(rows).execute();
    for (const rows of batches(data.timeline)) await trx.insertInto('timeline_entries').values(rows).execute();
    for (const rows of batches(data.crisisRoster)) await trx.insertInto('crisis_roster').values(rows).execute();
  });
  return {
    counts: {
      teams: data.teams.length,
      users: data.users.length,
      organisers: data.organisers.length,
      locations: data.locations.length,
      municipality_contacts: new Set(data.locations.map((l) => l.municipality)).size,
      dossiers: data.dossiers.length,
      timeline_entries: data.timeline.length,
      crisis_roster: data.crisisRoster.length,
    },
  };
}

/** True when no location exists yet: the seed only ever fills a new database. */
export async function isDatabaseEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('locations').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}
