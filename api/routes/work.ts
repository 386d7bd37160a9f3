import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../dependencies.js';
import { filterRoutes } from './work/filters.js';
import { inboxRoutes } from './work/inbox.js';

export { seesAllTeams } from './work/scope.js';

/** Mijn werk (docs/work-surfaces.md): the inbox across processes (api/routes/work/) and its saved filters. */
export default async function workRoutes(app: FastifyInstance, deps: AppDependencies) {
  inboxRoutes(app, deps);
  filterRoutes(app, deps);
}
