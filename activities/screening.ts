import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { auditAction, systemActor as system } from './records.js';
import { teamCoordinator } from '../db/repositories/crisis-roster.js';
import { queueNotification } from '../db/repositories/outbox.js';
import { featureBatch } from '../db/repositories/screening-features.js';
import {
  activeRiskModel,
  completeRun,
  countLocations,
  findRiskModel,
  insertFollowUp,
  insertRiskModel,
  insertTask,
  registerRun,
  saveScores,
  type SelectedDossier,
  selectForScreening,
  updateTaskProjection,
} from '../db/repositories/screening.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import type { Database } from '../db/schema.js';
import type { LogisticModel } from './risk-model/logistic.js';
import { scoreRows } from './risk-model/scoring.js';
import { trainModel } from './risk-model/train.js';
import type { EscalationTarget } from '../workflows/clock/escalation.js';
import {
  notAgainForMonths,
  type RunProgress,
  screeningTaskId,
  screeningTaskWorkflowId,
  type ScreeningTaskInput,
  type ScreeningTaskState,
  type TrainRiskModelInput,
} from '../workflows/screening/definitions.js';
import { monthStart, previousMonths } from '../workflows/screening/months.js';
import type { Actor } from '../workflows/shared/actor.js';
import { formatBrussels } from '../workflows/shared/templates.js';


/** Heartbeats when running as an activity; a no-op when called outside one (CLI, benchmark). */
function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity.
  }
}

import { type RiskModelView, toModelView } from '../workflows/screening/model-view.js';

export { type RiskModelView, toModelView };

/** Trains on the history, stores the model as the next version, and returns it. */
export async function trainAndStore(db: Kysely<Database>, input: TrainRiskModelInput): Promise<RiskModelView> {
  const trained = await trainModel(db, { horizonMonths: input.horizonMonths, onProgress: (step) => heartbeat(step) });
  const row = await insertRiskModel(db, {
    model: trained.model as unknown as Record<string, unknown>,
    metrics: trained.metrics as unknown as Record<string, unknown>,
    training: trained.training as unknown as Record<string, unknown>,
    createdBy: input.actor.id,
    activate: input.activate,
  });
  const details = { activated: input.activate, auc: trained.metrics.auc, liftTopK: trained.metrics.liftTopK };
  await auditAction(db, { actor: input.actor, action: 'risk_model.trained' }, { type: 'risk_model', id: String(row.version) }, details, `risk_model:${row.version}:trained`);
  return toModelView(row);
}

/** Activities of the monthly risk screening; all touch PostgreSQL and are idempotent by key. */
export function createScreeningActivities(db: Kysely<Database>) {
  const models = new Map<number, LogisticModel>();
  async function modelOf(version: number): Promise<LogisticModel> {
    let model = models.get(version);
    if (!model) {
      const row = await findRiskModel(db, version);
      if (!row) throw new Error(`Risk model version ${version} does not exist`);
      model = row.model as unknown as LogisticModel;
      models.set(version, model);
    }
    return model;
  }

  return {
    async trainRiskModel(input: TrainRiskModelInput): Promise<RiskModelView> {
      return trainAndStore(db, input);
    },

    /**
     * Registers the month's run and fixes the model it scores with: the active version, or, on a
     * system that never trained one, a model trained now (and activated) so the schedule works
     * on a fresh installation.
     */
    async prepareScreeningRun(input: { month: string; selectionSize: number; workflowId: string; triggeredBy: Actor }) {
      let model = await activeRiskModel(db);
      if (!model) {
        const view = await trainAndStore(db, { activate: true, actor: system });
        model = (await findRiskModel(db, view.version))!;
      }
      const totalLocations = await countLocations(db);
      await registerRun(db, {
        month: input.month,
        selectionSize: input.selectionSize,
        workflowId: input.workflowId,
        triggeredBy: input.triggeredBy.id,
        modelVersion: model.version,
        totalLocations,
      });
      return { modelVersion: model.version, totalLocations };
    },

    /** Scores one batch of locations (keyset after `afterLocationId`) as of the month's first day. */
    async scoreScreeningBatch(input: { month: string; modelVersion: number; afterLocationId: string; limit: number }) {
      const model = await modelOf(input.modelVersion);
      heartbeat({ after: input.afterLocationId, step: 'features' });
      const rows = await featureBatch(db, { asOf: new Date(monthStart(input.month)), horizonMonths: 0, afterLocationId: input.afterLocationId, limit: input.limit });
      heartbeat({ after: input.afterLocationId, step: 'scoring', rows: rows.length });
      await saveScores(db, input.month, input.modelVersion, scoreRows(model, rows));
      return { count: rows.length, lastLocationId: rows.length ? rows[rows.length - 1]!.location_id : null };
    },

    /** The month's selection: made once, then the same on every re-run. */
    async selectScreeningDossiers(input: { month: string; size: number; modelVersion: number }): Promise<SelectedDossier[]> {
      return selectForScreening(db, {
        month: input.month,
        size: input.size,
        modelVersion: input.modelVersion,
        excludedMonths: previousMonths(input.month, notAgainForMonths),
      });
    },

    /** One task row per selected dossier (unique per month and dossier) with its timeline entry. */
    async registerScreeningTasks(input: { month: string; selection: SelectedDossier[] }): Promise<void> {
      for (const s of input.selection) {
        const taskId = screeningTaskId(input.month, s.dossierId);
        await db.transaction().execute(async (tx) => {
          await insertTask(tx, {
            id: taskId,
            month: input.month,
            workflow_id: screeningTaskWorkflowId(taskId),
            dossier_id: s.dossierId,
            location_id: s.locationId,
            team_id: s.teamId,
            assignee_id: s.caseManagerId,
            rank: s.rank,
            score: s.score,
            model_version: s.modelVersion,
            status: 'open',
            code: null,
            motivation: null,
            coded_by: null,
            coded_at: null,
            due_at: null,
            version: 0,
          });
          await appendTimelineEntry(tx, {
            dossier_id: s.dossierId,
            occurred_at: new Date(),
            kind: 'screening',
            title: `Geselecteerd voor risicoscreening ${input.month} (rang ${s.rank})`,
            details: { taskId, month: input.month, rank: s.rank, score: s.score, modelVersion: s.modelVersion },
            actor_id: null,
            idempotency_key: `screening:${taskId}:selected`,
          });
        });
      }
    },

    async completeScreeningRun(input: { month: string; progress: RunProgress }): Promise<void> {
      await completeRun(db, input.month, { ...input.progress, phase: 'afgerond' });
    },

    /** Saves a task's projection, its follow-up (once), the timeline entry and the audit record, keyed by version. */
    async saveScreeningTask(input: {
      task: Omit<ScreeningTaskInput, 'settings'>;
      state: ScreeningTaskState;
      event: { action: string; title: string; actor: Actor; details?: Record<string, unknown> };
    }): Promise<void> {
      const { task, state, event } = input;
      const key = `screening:${task.taskId}:v${state.version}`;
      await db.transaction().execute(async (tx) => {
        await updateTaskProjection(tx, task.taskId, state.version, {
          status: state.status,
          code: state.code,
          motivation: state.motivation,
          coded_by: state.codedBy,
          coded_at: state.codedAt ? new Date(state.codedAt) : null,
          due_at: state.dueAt ? new Date(state.dueAt) : null,
          overdue: state.overdue,
          assignee_id: state.assigneeId,
        });
        if (state.followUp) {
          await insertFollowUp(tx, {
            taskId: task.taskId,
            dossierId: task.dossierId,
            kind: state.followUp.kind,
            note: state.followUp.note,
            createdBy: state.codedBy ?? system.id,
          });
        }
        if (event.action !== 'screening.deadline') {
          await appendTimelineEntry(tx, {
            dossier_id: task.dossierId,
            occurred_at: new Date(),
            kind: 'screening',
            title: event.title,
            details: { taskId: task.taskId, action: event.action, ...event.details },
            actor_id: event.actor.id === system.id ? null : event.actor.id,
            idempotency_key: key,
          });
        }
        await auditAction(tx, event, { type: 'screening_task', id: task.taskId }, { version: state.version, status: state.status, ...event.details }, key);
      });
    },

    /** One rung of the screening deadline's ladder: an internal message, queued exactly once. */
    async escalateScreening(input: { key: string; target: EscalationTarget; task: Omit<ScreeningTaskInput, 'settings'>; state: ScreeningTaskState }) {
      const { task, state } = input;
      const recipientId =
        input.target === 'handler'
          ? (state.assigneeId ?? (task.teamId ? await teamCoordinator(db, task.teamId) : undefined))
          : input.target === 'teamcoordinator' && task.teamId
            ? await teamCoordinator(db, task.teamId)
            : await teamCoordinator(db, 'team-centraal');
      const due = state.dueAt ? formatBrussels(state.dueAt) : 'onbekend';
      const reminder = input.target === 'handler';
      const subject = reminder
        ? `Herinnering: risicoscreening ${task.locationName} (${task.locationId}) te coderen tegen ${due}`
        : `Risicoscreening ${task.locationName} (${task.locationId}) niet gecodeerd tegen ${due}`;
      const body = reminder
        ? `De risicoscreening ${task.taskId} van dossier ${task.dossierId} wacht op een code (risico, geen risico, verder onderzoek nodig) met motivering.`
        : `De risicoscreening ${task.taskId} van dossier ${task.dossierId} is over termijn. Bekijk de toewijzing of verleng de termijn.`;
      const template = reminder ? 'screening_herinnering' : 'screening_over_termijn';
      const about = { type: 'screening_task', id: task.taskId };
      await queueNotification(db, `escalation:screening:${task.taskId}:${input.key}`, recipientId ?? null, { template, subject, body }, about);
      return { recipientId: recipientId ?? null };
    },
  };
}

export type ScreeningActivities = ReturnType<typeof createScreeningActivities>;
