import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Json } from './timeline.js';

type JsonArray = ColumnType<Record<string, unknown>[], Record<string, unknown>[] | string | undefined, Record<string, unknown>[] | string>;
type DateColumn = ColumnType<string, string, string>;

export interface EnforcementCaseTable {
  id: string;
  workflow_id: string;
  location_id: string;
  organiser_id: string;
  dossier_id: string;
  team_id: string;
  case_manager_id: string | null;
  municipality: string;
  status: 'open' | 'closed';
  step: string | null;
  block: string;
  urgent: boolean;
  waiting_for: string | null;
  due_at: Date | null;
  first_milestone: Json;
  milestones: JsonArray;
  steps: JsonArray;
  closed_reason: string | null;
  opened_at: Date;
  closed_at: Date | null;
  started_by: string;
  version: number;
  updated_at: Generated<Date>;
}

export interface EnforcementDecisionTable {
  id: string;
  case_id: string;
  location_id: string;
  municipality: string;
  kind: 'schorsing' | 'opheffing';
  urgent: boolean;
  decided_at: Date;
  effective_from: DateColumn;
  ends_on: DateColumn | null;
  public_motivation: string;
  cause: string;
  capacity_freed: number;
  objection: Generated<'geen' | 'ingediend' | 'gegrond' | 'ongegrond'>;
  in_force: Generated<boolean>;
  /** False while a revocation waits for its effective date (it does not yet change the licence). */
  effective: Generated<boolean>;
  lifted_at: Date | null;
}

export type EnforcementCaseRow = Selectable<EnforcementCaseTable>;
export type NewEnforcementCaseRow = Insertable<EnforcementCaseTable>;
export type EnforcementDecision = Selectable<EnforcementDecisionTable>;
