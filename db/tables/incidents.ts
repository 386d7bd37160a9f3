import type { Generated, Insertable, Selectable } from 'kysely';

export const incidentStatuses = ['open', 'opnieuw_proberen', 'opgelost'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];
export type IncidentKind = 'gegevens' | 'technisch';

export interface IncidentTable {
  id: string;
  status: IncidentStatus;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  activity_type: string;
  kind: IncidentKind;
  error_type: string | null;
  message: string;
  attempts: number;
  team_id: string | null;
  dossier_id: string | null;
  raised_at: Generated<Date>;
  retry_requested_by: string | null;
  retry_requested_at: Date | null;
  resolved_at: Date | null;
}

export type Incident = Selectable<IncidentTable>;
export type NewIncident = Insertable<IncidentTable>;
