import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../../dependencies.js';
import { modelSchema, reportSchema, runSchema, taskSchema } from '../../schemas/screening.js';
import { registerModels } from './models.js';
import { registerRuns } from './runs.js';
import { registerTasks } from './tasks.js';

/**
 * Risk screening (docs/screening.md): the monthly runs and their reports, the screening tasks with
 * their coding on the one command path, and the risk model versions.
 */
export default async function screeningRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(reportSchema);
  app.addSchema(taskSchema);
  app.addSchema(runSchema);
  app.addSchema(modelSchema);
  registerRuns(app, deps);
  registerTasks(app, deps);
  registerModels(app, deps);
}
