import { upsertSearchAttributes } from '@temporalio/workflow';
import { assigneeKey, dossierIdKey, dueAtKey, locationIdKey, overdueKey, phaseKey, processKindKey, teamIdKey, triageKey } from '../search-attributes.js';

/** Where a process with a deadline stands, as supervisors list it (workflows/search-attributes.ts). */
export interface ProcessAttributes {
  kind: string;
  phase: string;
  /** Reports only. */
  triage?: string;
  overdue: boolean;
  locationId: string | null;
  dossierId: string | null;
  teamId: string | null;
  assigneeId: string | null;
  /** ISO instant; null: no deadline runs. */
  dueAt: string | null;
}

/** Publishes the search attributes of a report, an inspection request or a screening task. */
export function publishProcessAttributes(a: ProcessAttributes): void {
  upsertSearchAttributes([
    { key: processKindKey, value: a.kind },
    { key: phaseKey, value: a.phase },
    ...(a.triage === undefined ? [] : [{ key: triageKey, value: a.triage }]),
    { key: overdueKey, value: a.overdue },
    { key: locationIdKey, value: a.locationId },
    { key: dossierIdKey, value: a.dossierId },
    { key: teamIdKey, value: a.teamId },
    { key: assigneeKey, value: a.assigneeId },
    { key: dueAtKey, value: a.dueAt ? new Date(a.dueAt) : null },
  ]);
}
