import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createDatabaseActivities } from './database.js';
import { createMeldingActivities } from './meldingen.js';

export interface ActivityDependencies {
  db: Kysely<Database>;
}

/** All activities the worker registers, grouped by the system they touch. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createDatabaseActivities(deps.db),
    ...createMeldingActivities(deps.db),
  };
}
