import { adviceUrgencies, modularEventTypes } from '../../modular/contract.js';
import { inspectionStatuses, requesterTypes, urgencies } from '../../workflows/inspection/definitions.js';
import {
  budgetSchema,
  closedObject,
  idParams,
  idString,
  instant,
  listOf,
  listQueryOf,
  liveStateEnd,
  liveStateSchema,
  nullableString,
  registerRecordProperties,
  registerRecordSchema,
  stringList,
} from './common.js';

export const inspectionParams = idParams('inspectionId');

export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': { type: 'string', minLength: 8, maxLength: 200, description: 'Sending the same request again with the same key returns the same inspection request' },
  },
} as const;

export const createInspectionBody = closedObject({
  locationId: idString,
  reason: { type: 'string', minLength: 3, maxLength: 5_000 },
  questions: { type: 'array', maxItems: 30, items: { type: 'string', minLength: 3, maxLength: 2_000 }, default: [] },
  urgency: { type: 'string', enum: [...urgencies], description: 'spoed: the fast procedure, when children\'s physical or psychological integrity may be harmed' },
  fourEyes: { type: 'boolean', description: 'Two inspectors; default and required for spoed' },
  requestedBy: {
    ...closedObject({ type: { type: 'string', enum: requesterTypes.filter((t) => t !== 'klantenbeheerder') }, id: idString }, ['type', 'id']),
    description: 'The report, enforcement case or risk screening that asks for the inspection; absent: the case manager directly',
  },
}, ['locationId', 'reason', 'urgency']);

export const cancelBody = closedObject({ reason: { type: 'string', minLength: 3, maxLength: 2_000 } }, ['reason']);

export const listQuery = listQueryOf({
  status: { type: 'string', enum: [...inspectionStatuses] },
  urgency: { type: 'string', enum: [...urgencies] },
  locationId: idString,
  overdue: { type: 'boolean' },
});

const adviceSchema = {
  type: 'object',
  properties: {
    urgency: { type: 'string', enum: [...adviceUrgencies] },
    enforce: { type: 'boolean' },
    motivation: { type: 'string' },
    pointsOfAttention: stringList,
  },
} as const;

const finalReportSchema = {
  type: ['object', 'null'],
  properties: {
    documentRef: { type: 'string' },
    findings: stringList,
    advice: adviceSchema,
    receivedAt: { type: 'string' },
  },
} as const;

const cancellationSchema = {
  type: ['object', 'null'],
  properties: {
    by: { type: 'string', enum: ['agentschap', 'zorginspectie'] },
    actorId: { type: 'string' },
    reason: { type: 'string' },
    requestedAt: { type: 'string' },
    confirmedAt: nullableString,
    refusedReason: nullableString,
  },
} as const;

const deliverySchema = {
  type: 'object',
  properties: { to: { type: 'string' }, what: { type: 'string' }, at: { type: 'string' }, workflowId: nullableString },
} as const;

/** The live state of the request's workflow. */
export const inspectionStateSchema = liveStateSchema('InspectionState', {
  inspectionId: { type: 'string' },
  status: { type: 'string', enum: [...inspectionStatuses] },
  orderId: nullableString,
  waitingForModular: { type: 'boolean' },
  plannedVisit: { type: ['object', 'null'], properties: { visitDate: { type: 'string' }, inspectors: { type: 'integer' } } },
  visitedAt: nullableString,
  draft: { type: ['object', 'null'], properties: { documentRef: { type: 'string' }, receivedAt: { type: 'string' }, reactionDeadline: nullableString } },
  locationReaction: { type: ['object', 'null'], properties: { text: { type: 'string' }, receivedAt: { type: 'string' } } },
  finalReport: finalReportSchema,
  cancellation: cancellationSchema,
  deadlines: listOf({
    kind: { type: 'string' },
    label: { type: 'string' },
    met: { type: 'boolean' },
    deadline: { type: 'object', properties: { id: { type: 'string' }, anchor: { type: 'string' }, state: { type: 'string' }, budget: budgetSchema } },
  }),
  dueAt: nullableString,
  overdue: { type: 'boolean' },
  firedRungs: stringList,
  deliveries: { type: 'array', items: deliverySchema },
  ...liveStateEnd,
});

/** The register's record (PostgreSQL) with the live workflow state when the workflow still runs. */
export const inspectionSchema = registerRecordSchema('Inspection', ['id', 'locationId', 'urgency', 'status', 'overdue'], {
  ...registerRecordProperties,
  reason: { type: 'string' },
  questions: stringList,
  urgency: { type: 'string', enum: [...urgencies] },
  fourEyes: { type: 'boolean' },
  requestedBy: { type: 'object', properties: { type: { type: 'string', enum: [...requesterTypes] }, id: nullableString } },
  status: { type: 'string', enum: [...inspectionStatuses] },
  waitingForModular: { type: 'boolean' },
  modularOrderId: nullableString,
  plannedVisitAt: nullableString,
  visitedAt: nullableString,
  draftDocumentRef: nullableString,
  locationReactionReceived: { type: 'boolean', description: 'The location reacted to the draft; the reaction itself is not published' },
  finalReport: finalReportSchema,
  cancellation: cancellationSchema,
  deliveries: { type: 'array', items: deliverySchema },
  dueAt: nullableString,
  overdue: { type: 'boolean' },
  requestedAt: instant,
  closedAt: nullableString,
  createdBy: { type: 'string' },
}, 'InspectionState');

/** A webhook delivery from Modular (docs/modular-openapi.yaml, ModularWebhook). */
export const webhookBody = {
  type: 'object',
  required: ['deliveryId', 'orderId', 'reference', 'event', 'occurredAt', 'data'],
  properties: {
    deliveryId: { type: 'string', minLength: 1, maxLength: 100 },
    orderId: { type: 'string', minLength: 1, maxLength: 100 },
    reference: { type: 'string', minLength: 1, maxLength: 100 },
    event: { type: 'string', enum: [...modularEventTypes] },
    occurredAt: instant,
    data: { type: 'object' },
  },
} as const;

export const webhookHeadersSchema = {
  type: 'object',
  properties: {
    'x-modular-timestamp': { type: 'string', maxLength: 20, description: 'Unix seconds when Modular signed the delivery' },
    'x-modular-delivery': { type: 'string', maxLength: 100, description: 'The delivery id (also in the body)' },
    'x-modular-signature': { type: 'string', maxLength: 500, description: 'v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">' },
  },
} as const;

export const webhookAnswer = {
  type: 'object',
  required: ['status', 'deliveryId'],
  properties: {
    status: { type: 'string', enum: ['accepted', 'duplicate', 'ignored'] },
    deliveryId: { type: 'string' },
    detail: { type: 'string' },
  },
} as const;
