import type { ActivityDependencies } from './dependencies.js';
import { createDatabaseActivities } from './database.js';
import { createEnforcementActivities } from './enforcement.js';
import { createFollowUpActivities } from './follow-ups.js';
import { createIncidentActivities } from './incidents.js';
import { createInspectionActivities } from './inspections.js';
import { createMeldingActivities } from './meldingen.js';
import { createModularActivities } from './modular.js';
import { createRetentionActivities } from './retention.js';
import { createScreeningActivities } from './screening.js';


export type { ActivityDependencies } from './dependencies.js';

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
