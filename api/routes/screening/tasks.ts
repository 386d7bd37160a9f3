import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findTask, followUpsFor, listTasks, type TaskFilter } from '../../../db/repositories/screening.js';
import type { Role } from '../../../db/tables/reference.js';
import type { ScreeningTaskRow } from '../../../db/tables/screening.js';
import { type ScreeningTaskState, taskStateQuery } from '../../../workflows/screening/definitions.js';
import { scopes } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import { recordCommands, registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict, notFound } from '../../problems.js';
import { idempotencyHeaders } from '../../schemas/common.js';
import { taskListQuery, taskParams } from '../../schemas/screening.js';
import { liveStateOf } from '../../temporal-errors.js';
import { type RecordRoutes, registerReads } from '../record-reads.js';
import { protectedRoutes } from '../route-options.js';
import { screeners, taskCommands } from './commands.js';
import { taskView } from './views.js';

const taskReaders: Role[] = [...screeners, 'admin'];
const taskRecords: RecordRoutes = { path: '/screening-tasks', idParam: 'taskId', params: taskParams, record: { $ref: 'ScreeningTask#' } };

/** Screening tasks (docs/screening.md): the register read through the caller's scope (docs/access.md) and the coding. */
export function registerTasks(app: FastifyInstance, deps: AppDependencies) {
  const missing = (id: string) => notFound(`Screening task ${id}`);

  async function withFollowUps(rows: ScreeningTaskRow[]) {
    const followUps = await followUpsFor(deps.db, rows.map((r) => r.id));
    const byTask = new Map(followUps.map((f) => [f.screening_task_id, f]));
    return rows.map((r) => taskView(r, byTask.get(r.id)));
  }

  /** The task with its follow-up, as a state (live or just answered by an Update) has it. */
  async function withState(row: ScreeningTaskRow, state: ScreeningTaskState | null) {
    const [followUp] = await followUpsFor(deps.db, [row.id]);
    return taskView(row, followUp, state);
  }

  async function list(request: FastifyRequest<{ Querystring: TaskFilter }>) {
    const page = await listTasks(deps.db, request.query, scopes.screeningTasks(await viewerOf(request, deps.db)));
    return { ...page, items: await withFollowUps(page.items), limit: request.query.limit, offset: request.query.offset };
  }

  async function one(request: FastifyRequest<{ Params: { taskId: string } }>) {
    const viewer = await viewerOf(request, deps.db);
    const row = await findTask(deps.db, request.params.taskId, scopes.screeningTasks(viewer));
    if (!row) throw missing(request.params.taskId);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'screening_task.read', 'screening_task', row.id);
    const live = row.status === 'open' ? await liveStateOf(deps.temporal, row.workflow_id, taskStateQuery) : null;
    return withState(row, live);
  }

  registerReads(app, protectedRoutes('screening', taskReaders), {
    ...taskRecords,
    query: taskListQuery,
    listSummary: 'Screening tasks, newest month first and by rank; filters month, status, code, team, assignee, dossier, overdue',
    oneSummary: 'One screening task with its follow-up and the live state of its process',
  }, { list, one });

  registerCommands<ScreeningTaskRow, ScreeningTaskState>(app, {
    ...recordCommands<ScreeningTaskRow>('screening', taskRecords, deps),
    headers: idempotencyHeaders,
    find: (viewer, id) => findTask(deps.db, id, scopes.screeningTasks(viewer)),
    gone: (row) => conflict(`Screening task ${row.id} is closed (${row.status}) and takes no more codes`),
    notFound: missing,
    answer: (row, state) => withState(row, state),
  }, taskCommands(deps));
}
