import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendarSpec } from '../clock/calendar.js';
import type { Deadline } from '../clock/deadline.js';
import type { DeadlineKindConfig } from '../clock/defaults.js';
import type { Actor } from '../shared/actor.js';
import type { SelectedDossier } from '../../db/repositories/screening.js';

/** Shared by the screening workflows and the API: the processes' messages and their types. */

export const screeningRunWorkflowType = 'screeningRunWorkflow';
export const screeningTaskWorkflowType = 'screeningTaskWorkflow';
export const riskModelTrainingWorkflowType = 'riskModelTrainingWorkflow';

/** A hand-triggered run of a month; the schedule's runs get ids Temporal derives from the schedule's. */
export const screeningRunWorkflowId = (month: string) => `screening-run:${month}`;
export const screeningTaskId = (month: string, dossierId: string) => `SCR-${month}-${dossierId}`;
export const screeningTaskWorkflowId = (taskId: string) => `screening-task:${taskId}`;
export const screeningScheduleId = 'risk-screening-monthly';

export const screeningCodes = ['risico', 'geen_risico', 'verder_onderzoek_nodig'] as const;
export type ScreeningCode = (typeof screeningCodes)[number];

/**
 * What `verder_onderzoek_nodig` sets up today: a follow-up task row of this kind on the dossier.
 * Once inspection requests to Modular exist (issue 5), such a follow-up starts one.
 */
export const followUpKind = 'inspectieverzoek_voorbereiden';

/** A dossier selected this many months is not selected again in the following months. */
export const notAgainForMonths = 3;

/** Fixed at start so replays see the same; from configuration (workflows/settings.ts). */
export interface ScreeningSettings {
  /** N: how many dossiers a month selects (SCREENING_SELECTION_SIZE). */
  selectionSize: number;
  /** Locations per scoring activity (SCREENING_BATCH_SIZE). */
  batchSize: number;
  deadline: DeadlineKindConfig;
  calendar: WorkingCalendarSpec;
}

export interface ScreeningRunInput {
  /** 'YYYY-MM'; absent for scheduled runs: the Brussels month the run starts in. */
  month?: string;
  /** Overrides settings.selectionSize for this run (hand-triggered runs). */
  selectionSize?: number;
  triggeredBy: Actor;
  settings: ScreeningSettings;
}

export const runPhases = ['voorbereiden', 'scoren', 'selecteren', 'taken_openen', 'afgerond'] as const;
export type RunPhase = (typeof runPhases)[number];

export interface RunProgress {
  month: string;
  phase: RunPhase;
  modelVersion: number | null;
  selectionSize: number;
  totalLocations: number;
  scored: number;
  batches: number;
  selected: number;
  tasksOpened: number;
}

export const progressQuery = defineQuery<RunProgress>('progress');

/** A task for one selected dossier, as the selection lists it. */
export interface ScreeningTaskInput extends SelectedDossier {
  taskId: string;
  settings: Pick<ScreeningSettings, 'deadline' | 'calendar'>;
}

export interface ScreeningTaskState {
  taskId: string;
  status: 'open' | 'gecodeerd';
  assigneeId: string | null;
  teamId: string | null;
  code: ScreeningCode | null;
  motivation: string | null;
  codedBy: string | null;
  codedAt: string | null;
  deadline: Deadline;
  dueAt: string | null;
  overdue: boolean;
  firedRungs: string[];
  followUp: { kind: string; note: string } | null;
  version: number;
}

export interface CodeScreeningCommand {
  actor: Actor;
  code: ScreeningCode;
  motivation: string;
}

/** Hands the task to another case manager (absence, workload), with a reason. */
export interface AssignScreeningCommand {
  actor: Actor;
  assigneeId: string;
  reason: string;
}

/** An Update, not a signal: the case manager gets the coded state, or the reason it was refused. */
export const codeScreeningUpdate = defineUpdate<ScreeningTaskState, [CodeScreeningCommand]>('codeScreening');
export const assignScreeningUpdate = defineUpdate<ScreeningTaskState, [AssignScreeningCommand]>('assignScreening');
export const taskStateQuery = defineQuery<ScreeningTaskState>('state');

export interface TrainRiskModelInput {
  horizonMonths?: number;
  activate: boolean;
  actor: Actor;
}

export { refusals as screeningRefusals } from '../shared/refusals.js';
