import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { toModelView } from '../../workflows/screening/model-view.js';
import { recordAudit } from '../../db/repositories/audit.js';
import {
  countScores,
  findRun,
  findTask,
  followUpsFor,
  listRiskModels,
  listRuns,
  listSelection,
  listTasks,
  screeningReport,
  type TaskFilter,
} from '../../db/repositories/screening.js';
import type { Role } from '../../db/tables/reference.js';
import type { ScreeningFollowUpRow, ScreeningTaskRow } from '../../db/tables/screening.js';
import {
  codeScreeningUpdate,
  progressQuery,
  riskModelTrainingWorkflowType,
  type RunProgress,
  type ScreeningCode,
  type ScreeningRunInput,
  screeningRunWorkflowId,
  screeningRunWorkflowType,
  type ScreeningTaskState,
  type TrainRiskModelInput,
  taskStateQuery,
} from '../../workflows/screening/definitions.js';
import { monthOf } from '../../workflows/screening/months.js';
import { processKindKey } from '../../workflows/search-attributes.js';
import { scopes, type Viewer } from '../access/scope.js';
import { auditRead, viewerOf } from '../access/viewer.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import { idempotencyHeaders } from '../schemas/meldingen.js';
import {
  codeBody,
  modelSchema,
  monthParams,
  reportQuery,
  reportSchema,
  runSchema,
  taskListQuery,
  taskParams,
  taskSchema,
  trainBody,
  triggerRunBody,
} from '../schemas/screening.js';
import { isWorkflowGone, liveStateOf, refusalToProblem } from '../temporal-errors.js';

/** Who screens: case managers and team coordinators; admins read along. */
const screeners: Role[] = ['klantenbeheerder', 'teamcoordinator'];
const taskReaders: Role[] = [...screeners, 'admin'];
const runTriggers: Role[] = ['admin', 'teamcoordinator'];
const allStaff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin'];

function taskView(row: ScreeningTaskRow, followUp: ScreeningFollowUpRow | undefined, live?: ScreeningTaskState | null) {
  return {
    id: row.id,
    month: row.month,
    workflowId: row.workflow_id,
    dossierId: row.dossier_id,
    locationId: row.location_id,
    teamId: row.team_id,
    assigneeId: live?.assigneeId ?? row.assignee_id,
    rank: row.rank,
    score: row.score,
    modelVersion: row.model_version,
    status: live?.status ?? row.status,
    code: live?.code ?? row.code,
    motivation: live?.motivation ?? row.motivation,
    codedBy: live?.codedBy ?? row.coded_by,
    codedAt: live?.codedAt ?? row.coded_at?.toISOString() ?? null,
    dueAt: live ? live.dueAt : (row.due_at?.toISOString() ?? null),
    overdue: live?.overdue ?? row.overdue,
    followUp: followUp
      ? { kind: followUp.kind, status: followUp.status, note: followUp.note, createdAt: followUp.created_at.toISOString() }
      : live?.followUp
        ? { kind: live.followUp.kind, status: 'open', note: live.followUp.note }
        : null,
    firedRungs: live?.firedRungs ?? [],
  };
}

export default async function screeningRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(reportSchema);
  app.addSchema(taskSchema);
  app.addSchema(runSchema);
  app.addSchema(modelSchema);

  async function withFollowUps(rows: ScreeningTaskRow[]) {
    const followUps = await followUpsFor(deps.db, rows.map((r) => r.id));
    const byTask = new Map(followUps.map((f) => [f.screening_task_id, f]));
    return rows.map((r) => taskView(r, byTask.get(r.id)));
  }

  /** The progress of a run workflow that is still running; null when it finished or does not exist. */
  async function liveProgress(workflowId: string): Promise<RunProgress | null> {
    try {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name !== 'RUNNING') return null;
      return await handle.query(progressQuery);
    } catch (err) {
      if (isWorkflowGone(err)) return null;
      throw err;
    }
  }

  /**
   * One month's run. The selection (rank, dossier, score) is the model's, readable by all staff; the
   * task of each selected dossier (its id, status and code) only within the viewer's scope of
   * screening tasks (docs/access.md).
   */
  async function runView(month: string, viewer: Viewer) {
    const row = await findRun(deps.db, month);
    // A hand-triggered (re-)run first: its row may still show the previous run until it registers.
    const manualId = screeningRunWorkflowId(month);
    let live = await liveProgress(manualId);
    let workflowId = manualId;
    if (!live && row && row.workflow_id !== manualId && row.status !== 'afgerond') {
      live = await liveProgress(row.workflow_id);
      workflowId = row.workflow_id;
    } else if (!live && row) {
      workflowId = row.workflow_id;
    }
    if (!row && !live) return undefined;
    const [selection, report, tasks, visible] = await Promise.all([
      listSelection(deps.db, month),
      screeningReport(deps.db, month),
      listTasks(deps.db, { month, limit: 1_000, offset: 0 }),
      listTasks(deps.db, { month, limit: 1_000, offset: 0 }, scopes.screeningTasks(viewer)),
    ]);
    const taskByDossier = new Map(visible.items.map((t) => [t.dossier_id, t]));
    const progress = live ?? (row?.status === 'afgerond' && row.progress ? row.progress : {
      phase: 'voorbereiden',
      totalLocations: row?.total_locations ?? 0,
      scored: await countScores(deps.db, month),
      batches: 0,
      selected: selection.length,
      tasksOpened: tasks.total,
    });
    return {
      month,
      status: live ? 'lopend' : (row?.status ?? 'gestart'),
      workflowId,
      modelVersion: row?.model_version ?? live?.modelVersion ?? null,
      selectionSize: row?.selection_size ?? live?.selectionSize,
      triggeredBy: row?.triggered_by ?? null,
      startedAt: row?.started_at.toISOString() ?? null,
      completedAt: row?.completed_at?.toISOString() ?? null,
      progress,
      selection: selection.map((s) => {
        const task = taskByDossier.get(s.dossierId);
        return { rank: s.rank, dossierId: s.dossierId, locationId: s.locationId, locationName: s.locationName, teamId: s.teamId, score: s.score, taskId: task?.id, status: task?.status ?? null, code: task?.code ?? null };
      }),
      report,
    };
  }

  // ----- runs ----------------------------------------------------------------------------------

  app.post<{ Body: { month?: string; selectionSize?: number } }>('/screening-runs', {
    config: { roles: runTriggers },
    schema: {
      tags: ['screening'],
      summary: 'Start (or join) the risk screening run of a month',
      description:
        'Scores every location with the active model, selects the N highest-scoring dossiers not selected in the previous ' +
        'three months and opens a screening task per dossier. Idempotent per month: a second run finds the same selection ' +
        'and opens no task twice. The monthly schedule does the same on the 1st of every month.',
      body: triggerRunBody,
      response: { 202: { $ref: 'ScreeningRun#' }, ...errorResponses(400, 413, 415) },
    },
  }, async (request, reply) => {
    const month = request.body?.month ?? monthOf(Date.now());
    const input: ScreeningRunInput = {
      month,
      ...(request.body?.selectionSize ? { selectionSize: request.body.selectionSize } : {}),
      triggeredBy: actorOf(request),
      settings: deps.settings.screening(),
    };
    await deps.temporal.workflow.start(screeningRunWorkflowType, {
      workflowId: screeningRunWorkflowId(month),
      taskQueue: deps.taskQueue,
      args: [input],
      // A run of the month that is still going is joined; a finished one may run again (same selection).
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [{ key: processKindKey, value: 'screening_run' }],
    });
    const view = (await runView(month, await viewerOf(request, deps.db))) ?? {
      month,
      status: 'gestart',
      workflowId: screeningRunWorkflowId(month),
      progress: { phase: 'voorbereiden', totalLocations: 0, scored: 0, batches: 0, selected: 0, tasksOpened: 0 },
      selection: [],
    };
    return reply.code(202).send(view);
  });

  app.get<{ Querystring: { limit: number } }>('/screening-runs', {
    config: { roles: allStaff },
    schema: {
      tags: ['screening'],
      summary: 'The screening runs, newest month first',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 120, default: 24 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  month: { type: 'string' },
                  status: { type: 'string' },
                  modelVersion: { type: ['integer', 'null'] },
                  selectionSize: { type: 'integer' },
                  startedAt: { type: 'string', format: 'date-time' },
                  completedAt: { type: ['string', 'null'], format: 'date-time' },
                },
              },
            },
          },
        },
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const rows = await listRuns(deps.db, request.query.limit);
    return {
      items: rows.map((r) => ({
        month: r.month,
        status: r.status,
        modelVersion: r.model_version,
        selectionSize: r.selection_size,
        startedAt: r.started_at.toISOString(),
        completedAt: r.completed_at?.toISOString() ?? null,
      })),
    };
  });

  app.get<{ Params: { month: string } }>('/screening-runs/:month', {
    config: { roles: allStaff },
    schema: {
      tags: ['screening'],
      summary: 'One month\'s run: progress (live while it runs), the selection with each task\'s state, and the month\'s report',
      params: monthParams,
      response: { 200: { $ref: 'ScreeningRun#' }, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const view = await runView(request.params.month, await viewerOf(request, deps.db));
    if (!view) throw notFound(`Screening run ${request.params.month}`);
    return view;
  });

  app.get<{ Querystring: { month?: string } }>('/screening-reports', {
    config: { roles: allStaff },
    schema: {
      tags: ['screening'],
      summary: 'The screening report: per month and cumulative (scored, selected, screened, per code, unique dossiers, share judged a risk)',
      querystring: reportQuery,
      response: {
        200: {
          type: 'object',
          required: ['months', 'cumulative'],
          properties: {
            months: {
              type: 'array',
              items: { type: 'object', required: ['month', 'report'], properties: { month: { type: 'string' }, report: { $ref: 'ScreeningReport#' } } },
            },
            cumulative: { $ref: 'ScreeningReport#' },
          },
        },
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const months = request.query.month ? [request.query.month] : (await listRuns(deps.db, 120)).map((r) => r.month);
    return {
      months: await Promise.all(months.map(async (month) => ({ month, report: await screeningReport(deps.db, month) }))),
      cumulative: await screeningReport(deps.db),
    };
  });

  // ----- tasks ---------------------------------------------------------------------------------

  app.get<{ Querystring: TaskFilter }>('/screening-tasks', {
    config: { roles: taskReaders },
    schema: {
      tags: ['screening'],
      summary: 'Screening tasks, newest month first and by rank; filters month, status, code, team, assignee, dossier, overdue',
      querystring: taskListQuery,
      response: {
        200: pageOf({ $ref: 'ScreeningTask#' }),
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const { items, total } = await listTasks(deps.db, request.query, scopes.screeningTasks(await viewerOf(request, deps.db)));
    return { items: await withFollowUps(items), total, limit: request.query.limit, offset: request.query.offset };
  });

  app.get<{ Params: { taskId: string } }>('/screening-tasks/:taskId', {
    config: { roles: taskReaders },
    schema: {
      tags: ['screening'],
      summary: 'One screening task with its follow-up and the live state of its process',
      params: taskParams,
      response: { 200: { $ref: 'ScreeningTask#' }, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const viewer = await viewerOf(request, deps.db);
    const row = await findTask(deps.db, request.params.taskId, scopes.screeningTasks(viewer));
    if (!row) throw notFound(`Screening task ${request.params.taskId}`);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'screening_task.read', 'screening_task', row.id);
    const [followUp] = await followUpsFor(deps.db, [row.id]);
    return taskView(row, followUp, row.status === 'open' ? await liveTask(row.workflow_id) : null);
  });

  const liveTask = (workflowId: string): Promise<ScreeningTaskState | null> => liveStateOf(deps.temporal, workflowId, taskStateQuery);

  app.post<{ Params: { taskId: string }; Body: { code: ScreeningCode; motivation: string }; Headers: { 'idempotency-key'?: string } }>(
    '/screening-tasks/:taskId/code',
    {
      config: { roles: screeners },
      schema: {
        tags: ['screening'],
        summary: 'Code a screening: risico, geen_risico or verder_onderzoek_nodig, with a motivation',
        description:
          'A Temporal Update validated by the task\'s workflow: 409 when the task is already coded, 400 for a motivation ' +
          'under 10 characters. verder_onderzoek_nodig sets up a follow-up on the dossier. The model only proposed the ' +
          'dossier: the decision is the case manager\'s.',
        params: taskParams,
        headers: idempotencyHeaders,
        body: codeBody,
        response: { 200: { $ref: 'ScreeningTask#' }, ...errorResponses(400, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const row = await findTask(deps.db, request.params.taskId, scopes.screeningTasks(await viewerOf(request, deps.db)));
      if (!row) throw notFound(`Screening task ${request.params.taskId}`);
      const key = request.headers['idempotency-key'];
      try {
        const state = await deps.temporal.workflow.getHandle(row.workflow_id).executeUpdate(codeScreeningUpdate, {
          args: [{ actor: actorOf(request), code: request.body.code, motivation: request.body.motivation }],
          ...(key ? { updateId: `code:${key}` } : {}),
        });
        const [followUp] = await followUpsFor(deps.db, [row.id]);
        return taskView(row, followUp, state);
      } catch (err) {
        const refusal = refusalToProblem(err);
        if (refusal) throw refusal;
        if (isWorkflowGone(err)) throw conflict(`Screening task ${row.id} is closed (${row.status}) and takes no more codes`);
        throw err;
      }
    },
  );

  // ----- models --------------------------------------------------------------------------------

  app.get('/risk-models', {
    config: { roles: allStaff },
    schema: {
      tags: ['screening'],
      summary: 'The risk model versions with their metrics (AUC, lift at the top 100), newest first; one is active',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { $ref: 'RiskModel#' } } } }, ...errorResponses() },
    },
  }, async () => ({ items: (await listRiskModels(deps.db)).map(toModelView) }));

  app.post<{ Body: { horizonMonths?: number; activate?: boolean } }>('/risk-models', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['screening'],
      summary: 'Train a new model version on the history (held-out split in time) and report its AUC and lift',
      description: 'Runs in the worker as a short workflow; answers when the model is stored (seconds on Flanders).',
      body: trainBody,
      response: { 201: { $ref: 'RiskModel#' }, ...errorResponses(400, 413, 415) },
    },
  }, async (request, reply) => {
    const input: TrainRiskModelInput = {
      horizonMonths: request.body?.horizonMonths ?? 6,
      activate: request.body?.activate ?? true,
      actor: actorOf(request),
    };
    const model = await deps.temporal.workflow.execute(riskModelTrainingWorkflowType, {
      workflowId: `risk-model-training:${randomUUID()}`,
      taskQueue: deps.taskQueue,
      args: [input],
    });
    return reply.code(201).send(model);
  });

  app.post<{ Params: { version: number } }>('/risk-models/:version/activate', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['screening'],
      summary: 'Activate a model version (e.g. an older one after a worse training): the next run scores with it',
      description: 'The active version steps down; a run already going keeps the version it started with. Idempotent: ' +
        'activating the active version changes nothing. Recorded in the audit log (risk_model.activated).',
      params: { type: 'object', additionalProperties: false, required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
      response: { 200: { $ref: 'RiskModel#' }, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const { version } = request.params;
    const actor = actorOf(request);
    const result = await deps.db.transaction().execute(async (tx) => {
      // The same lock as a training that activates (db/repositories/screening.ts): one activation at a time.
      await sql`select pg_advisory_xact_lock(hashtext('risk_models.activate'))`.execute(tx);
      const target = await tx.selectFrom('risk_models').select(['version', 'active']).where('version', '=', version).executeTakeFirst();
      if (!target) return undefined;
      const previous = await tx.selectFrom('risk_models').select('version').where('active', '=', true).executeTakeFirst();
      if (!target.active) {
        await tx.updateTable('risk_models').set({ active: false }).where('active', '=', true).execute();
        await tx.updateTable('risk_models').set({ active: true }).where('version', '=', version).execute();
      }
      const row = await tx.selectFrom('risk_models').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
      return { row, previous: previous?.version ?? null, changed: !target.active };
    });
    if (!result) throw notFound(`Risk model version ${version}`);
    if (result.changed) {
      await recordAudit(deps.db, {
        actor_id: actor.id,
        actor_role: actor.role,
        action: 'risk_model.activated',
        subject_type: 'risk_model',
        subject_id: String(version),
        details: { version, previous: result.previous },
        request_id: actor.requestId ?? null,
        idempotency_key: `risk_model:${version}:activate:${request.id}`,
      });
    }
    return toModelView(result.row);
  });
}

