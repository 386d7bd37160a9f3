import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { findIncident, listIncidents, requestIncidentRetry } from '../../db/repositories/incidents.js';
import { type Incident, type IncidentStatus, incidentStatuses } from '../../db/tables/incidents.js';
import { retryIncidentSignal } from '../../workflows/shared/incident-definitions.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { errorResponses, pageOf, pagingQuery } from '../schemas/common.js';
import { isWorkflowGone } from '../temporal-errors.js';

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
    errorType: { type: ['string', 'null'] },
    message: { type: 'string' },
    attempts: { type: 'integer' },
    teamId: { type: ['string', 'null'] },
    dossierId: { type: ['string', 'null'] },
    raisedAt: { type: 'string', format: 'date-time' },
    retryRequestedBy: { type: ['string', 'null'] },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const incidentParams = {
  type: 'object',
  required: ['incidentId'],
  properties: { incidentId: { type: 'string', format: 'uuid' } },
} as const;

function toView(i: Incident) {
  return {
    id: i.id,
    status: i.status,
    workflowId: i.workflow_id,
    workflowType: i.workflow_type,
    activityType: i.activity_type,
    kind: i.kind,
    errorType: i.error_type,
    message: i.message,
    attempts: i.attempts,
    teamId: i.team_id,
    dossierId: i.dossier_id,
    raisedAt: i.raised_at.toISOString(),
    retryRequestedBy: i.retry_requested_by,
    resolvedAt: i.resolved_at?.toISOString() ?? null,
  };
}

/** Incidents (docs/incidents.md): what keeps failing, for an admin to fix and retry. */
export default async function incidentRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Querystring: { status?: IncidentStatus; workflowId?: string; limit: number; offset: number } }>('/incidents', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['incidents'],
      summary: 'Incidents: activities that kept failing, newest first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { status: { type: 'string', enum: incidentStatuses }, workflowId: { type: 'string', maxLength: 200 }, ...pagingQuery },
      },
      response: { 200: pageOf(incidentSchema), ...errorResponses(400) },
    },
  }, async (request) => {
    const { limit, offset } = request.query;
    const { items, total } = await listIncidents(deps.db, request.query);
    return { items: items.map(toView), total, limit, offset };
  });

  app.get<{ Params: { incidentId: string } }>('/incidents/:incidentId', {
    config: { roles: ['admin'] },
    schema: { tags: ['incidents'], summary: 'One incident', params: incidentParams, response: { 200: incidentSchema, ...errorResponses(400, 404) } },
  }, async (request) => {
    const incident = await findIncident(deps.db, request.params.incidentId);
    if (!incident) throw notFound(`Incident ${request.params.incidentId}`);
    return toView(incident);
  });

  app.post<{ Params: { incidentId: string } }>('/incidents/:incidentId/retry', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['incidents'],
      summary: 'Retry the failed step now, after fixing its cause; the incident resolves itself when the step succeeds',
      params: incidentParams,
      response: { 202: incidentSchema, ...errorResponses(400, 404, 409) },
    },
  }, async (request, reply) => {
    const { incidentId } = request.params;
    const existing = await findIncident(deps.db, incidentId);
    if (!existing) throw notFound(`Incident ${incidentId}`);
    const actor = actorOf(request);
    const incident = await requestIncidentRetry(deps.db, incidentId, actor.id);
    if (!incident) throw conflict(`Incident ${incidentId} is already resolved`);
    try {
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
