import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ProcessSettings } from '../lib/process-settings.js';
import { createDatabaseActivities } from './database.js';
import { createMeldingActivities } from './meldingen.js';

export interface ActivityDependencies {
  db: Kysely<Database>;
  /** For activities that start or signal other processes (e.g. an advice to enforce). */
  temporal: Client;
  taskQueue: string;
  settings: ProcessSettings;
}

/** All activities the worker registers, grouped by the system they touch. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createDatabaseActivities(deps.db),
    ...createMeldingActivities(deps.db),
  };
}
