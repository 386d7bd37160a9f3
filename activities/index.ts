import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ModularClientOptions } from '../lib/modular/client.js';
import type { ProcessSettings } from '../lib/process-settings.js';
import { createDatabaseActivities } from './database.js';
import { createEnforcementActivities, type FaultInjection, type LetterDependencies } from './enforcement.js';
import { createFollowUpActivities } from './follow-ups.js';
import { createIncidentActivities } from './incidents.js';
import { createInspectionActivities } from './inspections.js';
import { createMeldingActivities } from './meldingen.js';
import { createModularActivities } from './modular.js';
import { createRetentionActivities } from './retention.js';
import { createScreeningActivities } from './screening.js';

export interface ActivityDependencies {
  db: Kysely<Database>;
  /** For activities that start or signal other processes (e.g. an advice to enforce). */
  temporal: Client;
  taskQueue: string;
  settings: ProcessSettings;
  /** Tests only: make chosen activities fail once after their side effect. */
  faults?: FaultInjection;
  /** Zorginspectie's Modular (MODULAR_URL); absent: inspection orders wait until a worker has it. */
  modular?: ModularClientOptions;
  /** Issue 13: the sending channels (registered mail, e-Box, SMTP) and the codec that opens parents' contacts. */
  letters?: LetterDependencies;
}

/** All activities the worker registers, grouped by the system they touch. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createDatabaseActivities(deps.db),
    ...createMeldingActivities(deps.db),
    ...createEnforcementActivities(deps.db, deps.faults, deps.letters),
    ...createScreeningActivities(deps.db),
    ...createModularActivities(deps.modular),
    ...createInspectionActivities(deps),
    ...createFollowUpActivities(deps),
    ...createIncidentActivities(deps.db),
    ...createRetentionActivities(deps.db),
  };
}
