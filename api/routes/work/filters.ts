import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deleteWorkFilter, listWorkFilters, saveWorkFilter } from '../../../db/repositories/work.js';
import { staffReaders } from '../../../db/tables/reference.js';
import type { WorkFilterRow } from '../../../db/tables/work-surfaces.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { protectedRoutes } from '../route-options.js';
import { filterBody, filterParams, filterSchema } from './schemas.js';
import { scopeFor, type WorkParams } from './scope.js';

type FilterRequest<B = unknown> = FastifyRequest<{ Params: { name: string }; Body: B }>;

const filterView = (row: WorkFilterRow) => ({
  name: row.name,
  filter: row.filter,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The saved filters of Mijn werk: the signed-in user's own. */
export function filterRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('work', staffReaders);

  async function list(request: FastifyRequest) {
    return { items: (await listWorkFilters(deps.db, request.user!.id)).map(filterView) };
  }

  /** Checked against the caller's scope when saved (403 for a team that is not theirs). */
  async function save(request: FilterRequest<WorkParams>, reply: FastifyReply) {
    scopeFor(request, request.body, (await viewerOf(request, deps.db)).breakGlass);
    const { row, created } = await saveWorkFilter(deps.db, request.user!.id, request.params.name, request.body as Record<string, unknown>);
    return reply.code(created ? 201 : 200).send(filterView(row));
  }

  async function remove(request: FilterRequest, reply: FastifyReply) {
    if (!(await deleteWorkFilter(deps.db, request.user!.id, request.params.name))) throw notFound(`Saved filter ${request.params.name}`);
    return reply.code(204).send();
  }

  app.get('/work/filters', route({
    summary: 'The signed-in user\'s saved filters of Mijn werk',
    response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: filterSchema } } } },
  }), list);
  app.put('/work/filters/:name', route({
    summary: 'Save (create or replace) a filter of Mijn werk under a name',
    description: 'The filter is checked against the caller\'s scope when saved (403 for a team that is not theirs) and again when used.',
    params: filterParams,
    body: filterBody,
    response: { 200: filterSchema, 201: filterSchema },
    problems: [400, 413, 415],
  }), save);
  app.delete('/work/filters/:name', route({
    summary: 'Delete a saved filter',
    params: filterParams,
    response: { 204: { type: 'null', description: 'Deleted' } },
    problems: [404],
  }), remove);
}
