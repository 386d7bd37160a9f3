import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findWorkFilter, listWork } from '../../../db/repositories/work.js';
import { staffReaders } from '../../../db/tables/reference.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { protectedRoutes } from '../route-options.js';
import { workItems } from './items.js';
import { workPage, workQuery } from './schemas.js';
import { scopeFor, scopeView, type WorkParams } from './scope.js';

type WorkQuery = WorkParams & { filter?: string; limit: number; offset: number };

const description =
  'Without parameters: the signed-in person\'s own work (an admin under break-glass: all open work). `teamId` and `assignee` ask for a team\'s ' +
  'work: a team coordinator for their own team only (403 otherwise); an admin or the central team coordinator for any, under break-glass only (docs/access.md). ' +
  '`filter` applies a saved filter (GET /work/filters) under the explicit parameters. Each item says which rule set its due ' +
  'moment (`dueRule`) and lists its commands (`actions`, with `assign` to reassign a report, an enforcement case, a screening task or an inspection).';

/** Mijn werk (docs/work-surfaces.md): one inbox across processes, in the caller's scope. */
export function inboxRoutes(app: FastifyInstance, deps: AppDependencies) {
  const itemsFor = workItems(deps.settings);

  async function inbox(request: FastifyRequest<{ Querystring: WorkQuery }>) {
    const { filter, limit, offset, ...explicit } = request.query;
    let params: WorkParams = explicit;
    if (filter) {
      const saved = await findWorkFilter(deps.db, request.user!.id, filter);
      if (!saved) throw notFound(`Saved filter ${filter}`);
      params = { ...(saved.filter as WorkParams), ...explicit };
    }
    const scope = scopeFor(request, params, (await viewerOf(request, deps.db)).breakGlass);
    const { rows, total } = await listWork(deps.db, { scope, processes: params.process, overdue: params.overdue, limit, offset });
    return { items: rows.map(itemsFor(request.user!.role)), total, limit, offset, scope: scopeView(scope) };
  }

  app.get('/work', protectedRoutes('work', staffReaders)({
    summary: 'Mijn werk: one inbox across processes, overdue first, then by due moment',
    description,
    querystring: workQuery,
    response: { 200: workPage },
    problems: [400, 404],
  }), inbox);
}
