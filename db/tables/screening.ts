import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { BigId } from './timeline.js';

/** jsonb holding a whole object of a known shape. */
type JsonOf<T> = ColumnType<T, T | string, T | string>;

export interface RiskModelTable {
  version: Generated<number>;
  active: Generated<boolean>;
  /** A LogisticModel (activities/risk-model/logistic.ts). */
  model: JsonOf<Record<string, unknown>>;
  metrics: JsonOf<Record<string, unknown>>;
  training: JsonOf<Record<string, unknown>>;
  created_by: string;
  created_at: Generated<Date>;
}

export interface ScreeningRunTable {
  month: string;
  status: 'lopend' | 'afgerond';
  model_version: number | null;
  selection_size: number;
  total_locations: Generated<number>;
  workflow_id: string;
  triggered_by: string;
  started_at: Generated<Date>;
  completed_at: Date | null;
  progress: JsonOf<Record<string, unknown>> | null;
}

export interface RiskScoreTable {
  month: string;
  location_id: string;
  dossier_id: string;
  model_version: number;
  score: number;
  /** Whether the location can be selected (licence actief or geschorst). */
  eligible: boolean;
}

export interface ScreeningSelectionTable {
  month: string;
  dossier_id: string;
  location_id: string;
  rank: number;
  score: number;
  model_version: number;
}

export interface ScreeningTaskTable {
  id: string;
  month: string;
  workflow_id: string;
  dossier_id: string;
  location_id: string;
  team_id: string | null;
  assignee_id: string | null;
  rank: number;
  score: number;
  model_version: number;
  status: 'open' | 'gecodeerd';
  code: string | null;
  motivation: string | null;
  coded_by: string | null;
  coded_at: Date | null;
  due_at: Date | null;
  overdue: Generated<boolean>;
  version: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ScreeningFollowUpTable {
  id: BigId;
  screening_task_id: string;
  dossier_id: string;
  kind: string;
  status: Generated<'open' | 'gestart' | 'afgerond'>;
  note: string;
  created_by: string;
  created_at: Generated<Date>;
}

export type RiskModelRow = Selectable<RiskModelTable>;
export type ScreeningTaskRow = Selectable<ScreeningTaskTable>;
export type NewScreeningTaskRow = Insertable<ScreeningTaskTable>;
export type ScreeningFollowUpRow = Selectable<ScreeningFollowUpTable>;
