import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ModularClientOptions } from '../modular/client.js';
import type { ProcessSettings } from '../workflows/settings.js';
import type { FaultInjection, LetterDependencies } from './enforcement.js';

// What the activities are made from, in a module of its own: activity groups import this type
// without importing the index that imports them.

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
