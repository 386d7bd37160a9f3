import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { findIncident, isOutboxIncident, listIncidents, requestIncidentRetry } from '../../db/repositories/incidents.js';
import { type Incident, type IncidentStatus, incidentStatuses } from '../../db/tables/incidents.js';
import { retryIncidentSignal } from '../../workflows/shared/incident-definitions.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { idParams, listQueryOf, nullableInstant, nullableString } from '../schemas/common.js';
import { viewOfRow } from '../schemas/row-view.js';
import { isWorkflowGone } from '../temporal-errors.js';
import { registerReads } from './record-reads.js';
import { protectedRoutes } from './route-options.js';

const incidentSchema = {
  type: 'object',
  required: ['id', 'status', 'workflowId', 'workflowType', 'activityType', 'kind', 'message', 'attempts', 'teamId', 'dossierId', 'raisedAt', 'resolvedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: incidentStatuses },
    workflowId: { type: 'string' },
    workflowType: { type: 'string' },
    activityType: { type: 'string' },
    kind: { type: 'string', enum: ['gegevens', 'technisch'], description: 'gegevens: the data cannot be kept and waits for a person; technisch: a dependency keeps failing, retried every 10 minutes' },
    errorType: nullableString,
    message: { type: 'string' },
    attempts: { type: 'integer' },
    teamId: nullableString,
    dossierId: nullableString,
    raisedAt: { type: 'string', format: 'date-time' },
    retryRequestedBy: nullableString,
    resolvedAt: nullableInstant,
  },
} as const;

const incidentParams = idParams('incidentId', { type: 'string', format: 'uuid' });

const toView = (i: Incident) => viewOfRow(incidentSchema, i);

/** Incidents (docs/incidents.md): what keeps failing, for an admin to fix and retry. */
export default async function incidentRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('incidents', ['admin']);

  async function list(request: FastifyRequest<{ Querystring: { status?: IncidentStatus; workflowId?: string; limit: number; offset: number } }>) {
    const { limit, offset } = request.query;
    const page = await listIncidents(deps.db, request.query);
    return { ...page, items: page.items.map(toView), limit, offset };
  }

  async function one(request: FastifyRequest<{ Params: { incidentId: string } }>) {
    const incident = await findIncident(deps.db, request.params.incidentId);
    if (!incident) throw notFound(`Incident ${request.params.incidentId}`);
    return toView(incident);
  }

  registerReads(app, route, {
    path: '/incidents',
    idParam: 'incidentId',
    params: incidentParams,
    query: listQueryOf({ status: { type: 'string', enum: incidentStatuses }, workflowId: { type: 'string', maxLength: 200 } }),
    record: incidentSchema,
    listSummary: 'Incidents: activities that kept failing, newest first',
    oneSummary: 'One incident',
  }, { list, one });

  app.post<{ Params: { incidentId: string } }>('/incidents/:incidentId/retry', route({
    summary: 'Retry the failed step now, after fixing its cause; the incident resolves itself when the step succeeds',
    params: incidentParams,
    response: { 202: incidentSchema },
    problems: [400, 404, 409],
  }), async (request, reply) => {
    const { incidentId } = request.params;
    const existing = await findIncident(deps.db, incidentId);
    if (!existing) throw notFound(`Incident ${incidentId}`);
    const actor = actorOf(request);
    const incident = await requestIncidentRetry(deps.db, incidentId, actor.id);
    if (!incident) throw conflict(`Incident ${incidentId} is already resolved`);
    // An outbox incident (an uncertain e-mail) was retried by requestIncidentRetry itself: its message is queued again.
    if (!isOutboxIncident(incident)) try {
      await deps.temporal.workflow.getHandle(incident.workflow_id, incident.run_id).signal(retryIncidentSignal(incidentId), { incidentId, actorId: actor.id });
    } catch (err) {
      if (isWorkflowGone(err)) throw conflict(`The process of incident ${incidentId} no longer runs`);
      throw err;
    }
    await recordAudit(deps.db, {
      actor_id: actor.id,
      actor_role: actor.role,
      action: 'incident.retry',
      subject_type: 'incident',
      subject_id: incidentId,
      details: { workflowId: incident.workflow_id, activityType: incident.activity_type },
      request_id: actor.requestId ?? null,
      idempotency_key: `incident:${incidentId}:retry:${request.id}`,
    });
    return reply.code(202).send(toView(incident));
  });
}
