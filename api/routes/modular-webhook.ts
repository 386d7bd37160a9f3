import type { FastifyInstance } from 'fastify';
import { deliverySeen, findInspectionForOrder, recordDelivery } from '../../db/repositories/inspections.js';
import { adviceUrgencies, type ModularEventType, type ModularWebhookBody, webhookHeaders } from '../../modular/contract.js';
import { verifyWebhook } from '../../modular/signature.js';
import { modularEventSignal } from '../../workflows/inspection/definitions.js';
import type { AppDependencies } from '../dependencies.js';
import { HttpProblem, notFound, problemTypes, unavailable } from '../problems.js';
import { problemRef } from '../schemas/common.js';
import { webhookAnswer, webhookBody, webhookHeadersSchema } from '../schemas/inspections.js';
import { isWorkflowGone } from '../temporal-errors.js';
import { keepRawJsonBody, signatureRefused } from './signed-webhook.js';

const refused = signatureRefused(webhookHeaders, 'delivery');

const isString = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 20_000;
const isStringList = (v: unknown) => Array.isArray(v) && v.length <= 200 && v.every(isString);

/** What each event must carry; the workflow relies on it. Null when the data is complete. */
export function missingEventData(event: ModularEventType, data: Record<string, unknown>): string | null {
  switch (event) {
    case 'gepland':
      return isString(data.visitDate) && !Number.isNaN(Date.parse(data.visitDate as string)) && Number.isInteger(data.inspectors) ? null : 'visitDate (date-time) and inspectors (integer)';
    case 'ontwerpverslag':
      return isString(data.documentRef) ? null : 'documentRef';
    case 'reactie_voorziening':
      return isString(data.text) ? null : 'text';
    case 'eindverslag': {
      const a = data.advice as Record<string, unknown> | undefined;
      const ok = isString(data.documentRef) && isStringList(data.findings) && !!a && typeof a.enforce === 'boolean' &&
        (adviceUrgencies as readonly unknown[]).includes(a.urgency) && isString(a.motivation) && isStringList(a.pointsOfAttention);
      return ok ? null : 'documentRef, findings[] and advice {urgency laag|middel|hoog, enforce, motivation, pointsOfAttention[]}';
    }
    case 'geannuleerd':
      return isString(data.reason) ? null : 'reason';
    default:
      return null;
  }
}

/**
 * The webhook Zorginspectie's Modular calls: status changes, the location's reaction to a draft,
 * the final report, a cancellation. No bearer token (public route): each delivery is signed with
 * the shared secret (HMAC-SHA256 over `<timestamp>.<raw body>`) and must be recent; a delivery id
 * seen before is acknowledged and ignored. Each accepted delivery becomes a signal to the request's
 * workflow.
 */
export default async function modularWebhookRoutes(app: FastifyInstance, deps: AppDependencies) {
  keepRawJsonBody(app);

  app.post<{ Body: ModularWebhookBody }>('/modular/webhook', {
    config: { public: true },
    schema: {
      tags: ['modular'],
      summary: 'Webhook for Zorginspectie\'s Modular: order status changes, draft and final report, cancellation',
      description:
        'Machine-to-machine, no bearer token: signed with the shared secret (MODULAR_WEBHOOK_SECRET) as ' +
        '`x-modular-signature: v1=<hex HMAC-SHA256 of "<x-modular-timestamp>.<raw body>">`. A timestamp outside the ' +
        'window or a bad signature is 401; an unknown order 404; a delivery id seen before is acknowledged (200, ' +
        '`duplicate`) and ignored. Contract: docs/modular-openapi.yaml.',
      security: [],
      headers: webhookHeadersSchema,
      body: webhookBody,
      response: { 200: webhookAnswer, 202: webhookAnswer, 400: problemRef, 401: problemRef, 404: problemRef, 413: problemRef, 415: problemRef, 503: problemRef },
    },
    preValidation: async (request) => {
      const settings = deps.modularWebhook;
      if (!settings) throw unavailable('The Modular webhook is not configured (MODULAR_WEBHOOK_SECRET)');
      const header = (name: string) => {
        const v = request.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const result = verifyWebhook({
        secret: settings.secret,
        timestamp: header(webhookHeaders.timestamp),
        signature: header(webhookHeaders.signature),
        rawBody: request.rawBody ?? '',
        now: Date.now(),
        toleranceMs: settings.toleranceMs,
      });
      if (!result.ok) throw refused(result.reason);
    },
  }, async (request, reply) => {
    const b = request.body;
    const headerId = request.headers[webhookHeaders.delivery];
    if (headerId !== undefined && headerId !== b.deliveryId) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `${webhookHeaders.delivery} differs from the body's deliveryId`);
    }
    const missing = missingEventData(b.event, b.data as Record<string, unknown>);
    if (missing) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The ${b.event} event needs data.${missing}`, {
        errors: [{ field: 'body.data', message: `needs ${missing}` }],
      });
    }
    const row = await findInspectionForOrder(deps.db, b.orderId, b.reference);
    if (!row) throw notFound(`Modular order ${b.orderId} (reference ${b.reference})`);
    if (await deliverySeen(deps.db, b.deliveryId)) return reply.code(200).send({ status: 'duplicate', deliveryId: b.deliveryId });

    const delivery = {
      delivery_id: b.deliveryId,
      order_id: b.orderId,
      inspection_id: row.id,
      event: b.event,
      signed_at: new Date(Number(request.headers[webhookHeaders.timestamp]) * 1000),
    };
    try {
      // Signal first, then record: should recording fail, Modular's retry signals again and the
      // workflow, which remembers delivery ids too, ignores the second copy.
      await deps.temporal.workflow.getHandle(row.workflow_id).signal(modularEventSignal, {
        deliveryId: b.deliveryId,
        orderId: b.orderId,
        event: b.event,
        occurredAt: b.occurredAt,
        data: b.data,
      });
    } catch (err) {
      if (!isWorkflowGone(err)) throw err;
      await recordDelivery(deps.db, delivery);
      return reply.code(200).send({ status: 'ignored', deliveryId: b.deliveryId, detail: `Inspection request ${row.id} has ended (status ${row.status})` });
    }
    const fresh = await recordDelivery(deps.db, delivery);
    return reply.code(fresh ? 202 : 200).send({ status: fresh ? 'accepted' : 'duplicate', deliveryId: b.deliveryId });
  });
}
