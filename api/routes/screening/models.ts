import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../../../db/repositories/audit.js';
import { listRiskModels } from '../../../db/repositories/screening.js';
import type { Database } from '../../../db/schema.js';
import { riskModelTrainingWorkflowType, type TrainRiskModelInput } from '../../../workflows/screening/definitions.js';
import { toModelView } from '../../../workflows/screening/model-view.js';
import type { Actor } from '../../../workflows/shared/actor.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { notFound } from '../../problems.js';
import { trainBody } from '../../schemas/screening.js';
import { protectedRoutes } from '../route-options.js';
import { allStaff } from './runs.js';
import { modelList, versionParams } from './schemas.js';

const modelResponse = { $ref: 'RiskModel#' } as const;

/**
 * Makes a version the active one, with its audit record, in one transaction. The same lock as a
 * training that activates (db/repositories/screening.ts): one activation at a time. Undefined for
 * an unknown version.
 */
function activate(db: Kysely<Database>, version: number, actor: Actor, requestId: string) {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('risk_models.activate'))`.execute(tx);
    const target = await tx.selectFrom('risk_models').select(['version', 'active']).where('version', '=', version).executeTakeFirst();
    if (!target) return undefined;
    if (!target.active) {
      const previous = await tx.selectFrom('risk_models').select('version').where('active', '=', true).executeTakeFirst();
      await tx.updateTable('risk_models').set({ active: false }).where('active', '=', true).execute();
      await tx.updateTable('risk_models').set({ active: true }).where('version', '=', version).execute();
      await recordAudit(tx, {
        actor_id: actor.id,
        actor_role: actor.role,
        action: 'risk_model.activated',
        subject_type: 'risk_model',
        subject_id: String(version),
        details: { version, previous: previous?.version ?? null },
        request_id: actor.requestId ?? null,
        idempotency_key: `risk_model:${version}:activate:${requestId}`,
      });
    }
    return tx.selectFrom('risk_models').selectAll().where('version', '=', version).executeTakeFirstOrThrow();
  });
}

/**
 * The risk model versions (docs/screening.md). Neither route is a command on a running workflow:
 * a training starts (and awaits) a short workflow of its own; an activation is one transaction.
 */
export function registerModels(app: FastifyInstance, deps: AppDependencies) {
  async function train(request: FastifyRequest<{ Body: { horizonMonths?: number; activate?: boolean } }>, reply: FastifyReply) {
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
  }

  /** Idempotent: activating the active version changes nothing and records nothing. */
  async function activateVersion(request: FastifyRequest<{ Params: { version: number } }>) {
    const { version } = request.params;
    const row = await activate(deps.db, version, actorOf(request), request.id);
    if (!row) throw notFound(`Risk model version ${version}`);
    return toModelView(row);
  }

  const admin = protectedRoutes('screening', ['admin']);

  app.get('/risk-models', protectedRoutes('screening', allStaff)({
    summary: 'The risk model versions with their metrics (AUC, lift at the top 100), newest first; one is active',
    response: { 200: modelList },
  }), async () => ({ items: (await listRiskModels(deps.db)).map(toModelView) }));

  app.post('/risk-models', admin({
    summary: 'Train a new model version on the history (held-out split in time) and report its AUC and lift',
    description: 'Runs in the worker as a short workflow; answers when the model is stored (seconds on Flanders).',
    body: trainBody,
    response: { 201: modelResponse },
    problems: [400, 413, 415],
  }), train);

  app.post('/risk-models/:version/activate', admin({
    summary: 'Activate a model version (e.g. an older one after a worse training): the next run scores with it',
    description: 'The active version steps down; a run already going keeps the version it started with. Idempotent: ' +
      'activating the active version changes nothing. Recorded in the audit log (risk_model.activated).',
    params: versionParams,
    response: { 200: modelResponse },
    problems: [400, 404],
  }), activateVersion);
}
