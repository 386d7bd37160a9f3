import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listRuns, screeningReport } from '../../../db/repositories/screening.js';
import type { Role } from '../../../db/tables/reference.js';
import { type ScreeningRunInput, screeningRunWorkflowId, screeningRunWorkflowType } from '../../../workflows/screening/definitions.js';
import { monthOf } from '../../../workflows/screening/months.js';
import { processKindKey } from '../../../workflows/search-attributes.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { notFound } from '../../problems.js';
import { monthParams, reportQuery, triggerRunBody } from '../../schemas/screening.js';
import { protectedRoutes } from '../route-options.js';
import { noProgress, runViews } from './run-view.js';
import { reportsResponse, runList, runListQuery } from './schemas.js';

const runTriggers: Role[] = ['admin', 'teamcoordinator'];
export const allStaff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin'];
const runResponse = { $ref: 'ScreeningRun#' } as const;

/** The monthly screening runs and their reports (docs/screening.md). */
export function registerRuns(app: FastifyInstance, deps: AppDependencies) {
  const runView = runViews(deps);

  /**
   * Starts (or joins) a run workflow: a start, not a command on a running workflow, so not the
   * command path. Answers 202 with the run as far as it got.
   */
  async function trigger(request: FastifyRequest<{ Body: { month?: string; selectionSize?: number } }>, reply: FastifyReply) {
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
    const view = (await runView(month, await viewerOf(request, deps.db))) ?? { month, status: 'gestart', workflowId: screeningRunWorkflowId(month), progress: noProgress, selection: [] };
    return reply.code(202).send(view);
  }

  async function list(request: FastifyRequest<{ Querystring: { limit: number } }>) {
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
  }

  async function one(request: FastifyRequest<{ Params: { month: string } }>) {
    const view = await runView(request.params.month, await viewerOf(request, deps.db));
    if (!view) throw notFound(`Screening run ${request.params.month}`);
    return view;
  }

  async function reports(request: FastifyRequest<{ Querystring: { month?: string } }>) {
    const months = request.query.month ? [request.query.month] : (await listRuns(deps.db, 120)).map((r) => r.month);
    return {
      months: await Promise.all(months.map(async (month) => ({ month, report: await screeningReport(deps.db, month) }))),
      cumulative: await screeningReport(deps.db),
    };
  }

  const route = protectedRoutes('screening', allStaff);

  app.post('/screening-runs', protectedRoutes('screening', runTriggers)({
    summary: 'Start (or join) the risk screening run of a month',
    description:
      'Scores every location with the active model, selects the N highest-scoring dossiers not selected in the previous ' +
      'three months and opens a screening task per dossier. Idempotent per month: a second run finds the same selection ' +
      'and opens no task twice. The monthly schedule does the same on the 1st of every month.',
    body: triggerRunBody,
    response: { 202: runResponse },
    problems: [400, 413, 415],
  }), trigger);

  app.get('/screening-runs', route({
    summary: 'The screening runs, newest month first',
    querystring: runListQuery,
    response: { 200: runList },
    problems: [400],
  }), list);

  app.get('/screening-runs/:month', route({
    summary: 'One month\'s run: progress (live while it runs), the selection with each task\'s state, and the month\'s report',
    params: monthParams,
    response: { 200: runResponse },
    problems: [400, 404],
  }), one);

  app.get('/screening-reports', route({
    summary: 'The screening report: per month and cumulative (scored, selected, screened, per code, unique dossiers, share judged a risk)',
    querystring: reportQuery,
    response: { 200: reportsResponse },
    problems: [400],
  }), reports);
}
