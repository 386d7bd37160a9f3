import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes every process publishes, so supervisors can list cases by where
 * they stand without asking each workflow. Within the dev server's SQLite limits (10 Keyword,
 * 3 Datetime, 3 Bool): 8 Keyword, 1 Datetime and 2 Bool are used. The cluster must have them registered: `npm start` and the test harness
 * pass them to the dev server; temporal-dev.yml registers them on a real cluster.
 */
export const locationIdKey = defineSearchAttributeKey('LocationId', SearchAttributeType.KEYWORD);
export const dossierIdKey = defineSearchAttributeKey('DossierId', SearchAttributeType.KEYWORD);
export const organiserIdKey = defineSearchAttributeKey('OrganiserId', SearchAttributeType.KEYWORD);
export const teamIdKey = defineSearchAttributeKey('TeamId', SearchAttributeType.KEYWORD);
export const assigneeKey = defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD);
export const phaseKey = defineSearchAttributeKey('Phase', SearchAttributeType.KEYWORD);
export const triageKey = defineSearchAttributeKey('Triage', SearchAttributeType.KEYWORD);
export const processKindKey = defineSearchAttributeKey('ProcessKind', SearchAttributeType.KEYWORD);
export const dueAtKey = defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME);
export const overdueKey = defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL);
export const urgentKey = defineSearchAttributeKey('Urgent', SearchAttributeType.BOOL);

export const searchAttributeKeys = [
  locationIdKey,
  dossierIdKey,
  organiserIdKey,
  teamIdKey,
  assigneeKey,
  phaseKey,
  triageKey,
  processKindKey,
  dueAtKey,
  overdueKey,
  urgentKey,
] as const;

const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.BOOL]: 'Bool',
};

/** `NAME=Type` pairs as `temporal server start-dev --search-attribute` takes them. */
export function searchAttributeCliArgs(): string[] {
  return searchAttributeKeys.map((key) => `${key.name}=${cliTypeNames[key.type]}`);
}
