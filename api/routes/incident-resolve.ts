import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { resolveIncidentByOperator } from '../../db/repositories/incidents.js';
import { messageOfIncident } from '../../db/repositories/outbox.js';
import { incidentStatuses } from '../../db/tables/incidents.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { idParams } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

const resolved = {
  type: 'object',
  required: ['id', 'status', 'workflowId', 'outboxMessageId', 'outboxStatus'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: incidentStatuses },
    workflowId: { type: 'string' },
    outboxMessageId: { type: 'string' },
    outboxStatus: { type: 'string', description: '`sent` for an uncertain e-mail the recipient confirmed; `failed` stays failed' },
  },
} as const;

/**
 * Resolving an outbox incident by hand (docs/reliability.md, "An e-mail whose delivery is
 * uncertain"): the recipient or the mail server's log confirms the e-mail arrived, so it counts as
 * sent and is never sent again. A workflow's incident resolves itself when its step succeeds (409).
 */
export default async function incidentResolveRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('incidents', ['admin']);
  app.post<{ Params: { incidentId: string } }>('/incidents/:incidentId/resolve', route({
    summary: 'Resolve an outbox incident: the e-mail whose delivery was uncertain did arrive (it is marked sent and never sent again)',
    description: 'Only for incidents of the outbox (`workflowType` `outbox`); a process\'s incident resolves itself when its step succeeds after a retry (409).',
    params: idParams('incidentId', { type: 'string', format: 'uuid' }),
    response: { 200: resolved },
    problems: [400, 404, 409],
  }), async (request) => {
    const { incidentId } = request.params;
    const actor = actorOf(request);
    // The resolution and its audit record in one transaction: neither without the other.
    const { outcome, messageId, outboxStatus } = await deps.db.transaction().execute(async (tx) => {
      const outcome = await resolveIncidentByOperator(tx, incidentId, actor.id);
      if (outcome === 'not-found') throw notFound(`Incident ${incidentId}`);
      if (outcome === 'not-outbox') throw conflict(`Incident ${incidentId} is a process's: it resolves itself when its step succeeds; retry it instead`);
      if (outcome === 'resolved') throw conflict(`Incident ${incidentId} is already resolved`);
      const messageId = messageOfIncident(outcome)!;
      const message = await tx.selectFrom('outbox_messages').select('status').where('id', '=', messageId).executeTakeFirst();
      await recordAudit(tx, {
        actor_id: actor.id,
        actor_role: actor.role,
        action: 'incident.resolve',
        subject_type: 'incident',
        subject_id: incidentId,
        details: { outboxMessageId: messageId, outboxStatus: message?.status ?? null },
        request_id: actor.requestId ?? null,
        idempotency_key: `incident:${incidentId}:resolve`,
      });
      return { outcome, messageId, outboxStatus: message?.status ?? 'unknown' };
    });
    return { id: outcome.id, status: outcome.status, workflowId: outcome.workflow_id, outboxMessageId: messageId, outboxStatus };
  });
}
