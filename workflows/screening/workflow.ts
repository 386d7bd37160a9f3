import {
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { FollowUpActivities } from '../../activities/follow-ups.js';
import type { ScreeningActivities } from '../../activities/screening.js';
import type { SelectedDossier } from '../../db/repositories/screening.js';
import { phaseKey, processKindKey } from '../search-attributes.js';
import { type Actor, system } from '../shared/actor.js';
import { AllOrNothing, stateObject } from '../shared/all-or-nothing.js';
import { durableRetry } from '../shared/durable-activities.js';
import { publishProcessAttributes } from '../shared/process-attributes.js';
import {
  assignScreeningUpdate,
  codeScreeningUpdate,
  progressQuery,
  type RunProgress,
  type ScreeningRunInput,
  screeningTaskId,
  type ScreeningTaskInput,
  type ScreeningTaskState,
  screeningTaskWorkflowId,
  taskStateQuery,
  type TrainRiskModelInput,
} from './definitions.js';
import { monthOf } from './months.js';
import { ScreeningCase } from './screening-case.js';

// Every activity is idempotent (keys: month, month+location, task id + version), so retrying is safe.
const db = proxyActivities<ScreeningActivities>({ startToCloseTimeout: '1 minute', retry: durableRetry });
const scoring = proxyActivities<ScreeningActivities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '1 minute', retry: durableRetry });
const followUps = proxyActivities<FollowUpActivities>({ startToCloseTimeout: '1 minute', retry: durableRetry });
const training = proxyActivities<ScreeningActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes', retry: durableRetry });

/** Children started at once: enough to be quick, few enough not to flood the task queue. */
const openInParallel = 20;

/**
 * The monthly risk screening of one month: score every location in batches with the active
 * model, select the N highest not screened in the previous three months, and open a screening
 * task (its own workflow) per selected dossier. Idempotent per month: the selection is fixed in
 * the database the first time, and a task's workflow id is derived from month and dossier.
 */
export async function screeningRunWorkflow(input: ScreeningRunInput): Promise<RunProgress> {
  const month = input.month ?? monthOf(Date.now());
  const progress: RunProgress = {
    month,
    phase: 'voorbereiden',
    modelVersion: null,
    selectionSize: input.selectionSize ?? input.settings.selectionSize,
    totalLocations: 0,
    scored: 0,
    batches: 0,
    selected: 0,
    tasksOpened: 0,
  };
  setHandler(progressQuery, () => progress);
  upsertSearchAttributes([{ key: processKindKey, value: 'screening_run' }, { key: phaseKey, value: progress.phase }]);
  const phase = (p: RunProgress['phase']) => {
    progress.phase = p;
    upsertSearchAttributes([{ key: phaseKey, value: p }]);
  };

  const prepared = await training.prepareScreeningRun({
    month,
    selectionSize: progress.selectionSize,
    workflowId: workflowInfo().workflowId,
    triggeredBy: input.triggeredBy,
  });
  progress.modelVersion = prepared.modelVersion;
  progress.totalLocations = prepared.totalLocations;

  phase('scoren');
  let after = '';
  for (;;) {
    const batch = await scoring.scoreScreeningBatch({ month, modelVersion: prepared.modelVersion, afterLocationId: after, limit: input.settings.batchSize });
    progress.scored += batch.count;
    progress.batches += 1;
    if (batch.count < input.settings.batchSize || !batch.lastLocationId) break;
    after = batch.lastLocationId;
  }

  phase('selecteren');
  const selection = await db.selectScreeningDossiers({ month, size: progress.selectionSize, modelVersion: prepared.modelVersion });
  progress.selected = selection.length;

  phase('taken_openen');
  await db.registerScreeningTasks({ month, selection });
  for (let i = 0; i < selection.length; i += openInParallel) {
    await Promise.all(selection.slice(i, i + openInParallel).map((s) => openTask(month, s, input)));
    progress.tasksOpened = Math.min(selection.length, i + openInParallel);
  }

  await db.completeScreeningRun({ month, progress });
  phase('afgerond');
  return progress;
}

async function openTask(month: string, s: SelectedDossier, run: ScreeningRunInput): Promise<void> {
  const taskId = screeningTaskId(month, s.dossierId);
  const input: ScreeningTaskInput = {
    taskId,
    month,
    dossierId: s.dossierId,
    locationId: s.locationId,
    locationName: s.locationName,
    teamId: s.teamId,
    caseManagerId: s.caseManagerId,
    rank: s.rank,
    score: s.score,
    modelVersion: s.modelVersion,
    settings: { deadline: run.settings.deadline, calendar: run.settings.calendar },
  };
  try {
    await startChild(screeningTaskWorkflow, {
      workflowId: screeningTaskWorkflowId(taskId),
      args: [input],
      // The task lives on after the run finishes; a task that exists (running or done) is not opened again.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * One screening task: the case manager reviews the dossier as a whole and codes it, with a
 * motivation, before the screening deadline (working days, shared deadline clock); a reminder
 * before the due moment and an alert to the team coordinator at it. The model only proposed the
 * dossier: nothing follows from the score itself.
 */
export async function screeningTaskWorkflow(input: ScreeningTaskInput): Promise<ScreeningTaskState> {
  const task = new ScreeningCase(input, Date.now());
  // The coding command is all or nothing: refused, it leaves the task as last saved.
  const guard = new AllOrNothing(stateObject(task.state));
  const { settings: _settings, ...record } = input;
  let wake = false;

  async function save(actor: Actor, action: string, title: string, details?: Record<string, unknown>) {
    task.refresh(Date.now());
    task.bump();
    publish();
    await db.saveScreeningTask({ task: record, state: task.state, event: { action, title, actor, details } });
    guard.recorded();
    wake = true;
  }

  function publish() {
    const s = task.state;
    publishProcessAttributes({
      kind: 'screening',
      phase: s.status,
      overdue: s.overdue,
      locationId: input.locationId,
      dossierId: input.dossierId,
      teamId: s.teamId,
      assigneeId: s.assigneeId,
      dueAt: s.dueAt,
    });
  }

  setHandler(taskStateQuery, () => task.state);
  guard.onUpdate(codeScreeningUpdate, async (cmd) => {
    task.applyCode(cmd, Date.now());
    await save(cmd.actor, 'screening.coded', `Risicoscreening gecodeerd: ${cmd.code}`, {
      code: cmd.code,
      motivation: task.state.motivation,
      followUp: task.state.followUp,
    });
    // Added once inspection requests existed: `verder_onderzoek_nodig` now asks Modular for a visit.
    if (task.state.followUp && patched('screening-requests-inspection')) {
      const { inspectionId } = await followUps.requestScreeningInspection({
        taskId: task.state.taskId,
        locationId: input.locationId,
        note: task.state.followUp.note,
        actor: cmd.actor,
      });
      await save(cmd.actor, 'screening.inspection_requested', `Inspectie aangevraagd (${inspectionId})`, { inspectionId });
    }
    return task.state;
  }, { validator: (cmd) => task.checkCode(cmd) });

  guard.onUpdate(assignScreeningUpdate, async (cmd) => {
    const from = task.state.assigneeId;
    task.applyAssign(cmd);
    await save(cmd.actor, 'screening.reassigned', `Toegewezen aan ${cmd.assigneeId}`, { from, to: cmd.assigneeId, reason: cmd.reason });
    return task.state;
  }, { validator: (cmd) => task.checkAssign(cmd) });

  await save(system, 'screening.opened', `Risicoscreening ${input.month} geopend (rang ${input.rank})`, { dueAt: task.state.dueAt });

  while (task.isOpen) {
    wake = false;
    const sleep = task.msUntilNextWakeUp(Date.now());
    await guard.untilWoken(() => wake || !task.isOpen, sleep);
    for (const { rung, key } of task.dueRungs(Date.now())) {
      const { recipientId } = await db.escalateScreening({ key, target: rung.target, task: record, state: task.state });
      task.markFired(key);
      await save(system, 'screening.escalated', `Escalatie ${rung.id} naar ${recipientId ?? 'niemand gevonden'}`, { rungId: rung.id, recipientId });
    }
  }

  await condition(allHandlersFinished);
  return task.state;
}

/** Trains a risk model in the worker (minutes at most, with heartbeats) and stores it as a new version. */
export async function riskModelTrainingWorkflow(input: TrainRiskModelInput) {
  return training.trainRiskModel(input);
}
