import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findInspection, type InspectionFilter, listInspections } from '../../db/repositories/inspections.js';
import { resolveLocationLink } from '../../db/repositories/locations.js';
import { findMelding } from '../../db/repositories/meldingen.js';
import type { InspectionRow } from '../../db/tables/inspections.js';
import type { Role } from '../../db/tables/reference.js';
import {
  cancelUpdate,
  type InspectionInput,
  type InspectionState,
  inspectionStateQuery,
  inspectionWorkflowId,
  inspectionWorkflowType,
  registeredUpdate,
  type RequesterType,
  type Urgency,
} from '../../workflows/inspection/definitions.js';
import { locationIdKey, processKindKey } from '../../workflows/search-attributes.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { scopes } from '../access/scope.js';
import { auditRead, viewerOf } from '../access/viewer.js';
import { conflict, HttpProblem, notFound, problemTypes } from '../problems.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import {
  cancelBody,
  createInspectionBody,
  idempotencyHeaders,
  inspectionParams,
  inspectionSchema,
  inspectionStateSchema,
  listQuery,
} from '../schemas/inspections.js';
import { isWorkflowGone, liveStateOf, refusalToProblem } from '../temporal-errors.js';

interface CreateBody {
  locationId: string;
  reason: string;
  questions: string[];
  urgency: Urgency;
  fourEyes?: boolean;
  requestedBy?: { type: Exclude<RequesterType, 'klantenbeheerder'>; id: string };
}

const commanders: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator'];
const readers: Role[] = [...commanders, 'jurist', 'admin'];

/** INS- and 16 hex of the idempotency key's hash: the same request sent again finds the same process. */
function inspectionIdFor(idempotencyKey: string | undefined): string {
  const basis = idempotencyKey ? `key:${idempotencyKey}` : `random:${randomUUID()}`;
  return `INS-${createHash('sha256').update(basis).digest('hex').slice(0, 16).toUpperCase()}`;
}

const badField = (field: string, message: string) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `${field} ${message}`, { errors: [{ field, message }] });

function toView(row: InspectionRow, live: InspectionState | null) {
  const s = live;
  const status = s?.status ?? row.status;
  return {
    id: row.id,
    workflowId: row.workflow_id,
    locationId: row.location_id,
    organiserId: row.organiser_id,
    dossierId: row.dossier_id,
    teamId: row.team_id,
    caseManagerId: row.case_manager_id,
    reason: row.reason,
    questions: row.questions,
    urgency: row.urgency,
    fourEyes: row.four_eyes,
    requestedBy: { type: row.requested_by_type, id: row.requested_by_id },
    status,
    waitingForModular: s ? s.waitingForModular : row.modular_order_id === null && status === 'aangevraagd',
    modularOrderId: s?.orderId ?? row.modular_order_id,
    plannedVisitAt: s?.plannedVisit?.visitDate ?? row.planned_visit_at?.toISOString() ?? null,
    visitedAt: s?.visitedAt ?? row.visited_at?.toISOString() ?? null,
    draftDocumentRef: s?.draft?.documentRef ?? row.draft_document_ref,
    locationReactionReceived: s ? s.locationReaction !== null : row.location_reaction !== null,
    finalReport: s?.finalReport ?? row.final_report,
    cancellation: s?.cancellation ?? row.cancellation,
    deliveries: s?.deliveries ?? row.deliveries,
    dueAt: s ? s.dueAt : (row.due_at?.toISOString() ?? null),
    overdue: s ? s.overdue : row.overdue,
    requestedAt: row.requested_at.toISOString(),
    closedAt: s?.closedAt ?? row.closed_at?.toISOString() ?? null,
    createdBy: row.created_by,
    // The reaction to the draft is not published: the live state shows only that it came.
    live: s ? { ...s, locationReaction: s.locationReaction ? { text: '(niet gepubliceerd)', receivedAt: s.locationReaction.receivedAt } : null } : null,
  };
}

function rowFromInput(input: InspectionInput): InspectionRow {
  const now = new Date();
  return {
    id: input.inspectionId,
    workflow_id: inspectionWorkflowId(input.inspectionId),
    idempotency_key: input.idempotencyKey,
    location_id: input.location.locationId,
    organiser_id: input.location.organiserId,
    dossier_id: input.location.dossierId,
    team_id: input.location.teamId,
    case_manager_id: input.location.caseManagerId,
    reason: input.reason,
    questions: input.questions,
    urgency: input.urgency,
    four_eyes: input.fourEyes,
    requested_by_type: input.requestedBy.type,
    requested_by_id: input.requestedBy.id,
    status: 'aangevraagd',
    modular_order_id: null,
    planned_visit_at: null,
    visited_at: null,
    draft_document_ref: null,
    location_reaction: null,
    final_report: null,
    advice_enforce: null,
    advice_urgency: null,
    cancellation: null,
    deliveries: [],
    due_at: null,
    overdue: false,
    requested_at: new Date(input.requestedAt),
    closed_at: null,
    created_by: input.createdBy.id,
    created_at: now,
    version: 0,
    updated_at: now,
  };
}

const inspectionResponse = { $ref: 'Inspection#' } as const;

/** Inspection requests to Zorginspectie (docs/inspections.md). Modular's webhook: modular-webhook.ts. */
export default async function inspectionRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(inspectionStateSchema);
  app.addSchema(inspectionSchema);

  const liveState = (id: string) => liveStateOf(deps.temporal, inspectionWorkflowId(id), inspectionStateQuery);

  /** The request in the caller's scope (docs/access.md); outside it, as absent: 404. */
  async function requireInspection(request: FastifyRequest, id: string): Promise<InspectionRow> {
    const row = await findInspection(deps.db, id, scopes.inspections(await viewerOf(request, deps.db)));
    if (!row) throw notFound(`Inspection request ${id}`);
    return row;
  }

  app.post<{ Body: CreateBody; Headers: { 'idempotency-key'?: string } }>('/inspections', {
    config: { roles: commanders },
    schema: {
      tags: ['inspecties'],
      summary: 'Ask Zorginspectie for an inspection: the order goes to Modular and is followed to its report',
      description:
        'Idempotent with an `Idempotency-Key`: the same request again returns the same inspection request (200). ' +
        'The answer comes once the request is registered; the order in Modular follows (status `aangevraagd` and ' +
        '`waitingForModular` until Modular confirms it, also while Modular is down). `spoed` is the fast procedure ' +
        'with two inspectors (four-eyes).',
      headers: idempotencyHeaders,
      body: createInspectionBody,
      response: { 200: inspectionResponse, 201: inspectionResponse, ...errorResponses(400, 413, 415) },
    },
  }, async (request, reply) => {
    const body = request.body;
    const idempotencyKey = request.headers['idempotency-key'];
    const inspectionId = inspectionIdFor(idempotencyKey);
    if (await findInspection(deps.db, inspectionId)) return reply.code(200).send(toView(await requireInspection(request, inspectionId), await liveState(inspectionId)));

    if (body.urgency === 'spoed' && body.fourEyes === false) throw badField('body.fourEyes', 'must be true for the fast procedure (spoed): two inspectors');
    const link = await resolveLocationLink(deps.db, { locationId: body.locationId });
    if (!link) throw badField('body.locationId', 'is not a known location with a dossier');
    if (body.requestedBy?.type === 'melding') {
      const melding = await findMelding(deps.db, body.requestedBy.id);
      if (!melding) throw badField('body.requestedBy.id', 'is not a known melding');
      if (melding.location_id && melding.location_id !== link.locationId) throw badField('body.requestedBy.id', 'is a melding about another location');
    }
    const requestedAt = new Date();
    const input: InspectionInput = {
      inspectionId,
      idempotencyKey: idempotencyKey ?? null,
      location: link,
      reason: body.reason,
      questions: body.questions ?? [],
      urgency: body.urgency,
      fourEyes: body.fourEyes ?? body.urgency === 'spoed',
      requestedBy: body.requestedBy ?? { type: 'klantenbeheerder', id: null },
      requestedAt: requestedAt.toISOString(),
      createdBy: actorOf(request),
      settings: deps.settings.inspection(requestedAt),
    };
    const start = new WithStartWorkflowOperation(inspectionWorkflowType, {
      workflowId: inspectionWorkflowId(inspectionId),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: processKindKey, value: 'inspectie' },
        { key: locationIdKey, value: link.locationId },
      ],
    });
    try {
      const state = await deps.temporal.workflow.executeUpdateWithStart(registeredUpdate, { startWorkflowOperation: start });
      return reply.code(201).send(toView(rowFromInput(input), state));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return reply.code(200).send(toView(await requireInspection(request, inspectionId), null));
      }
      throw err;
    }
  });

  app.get<{ Querystring: Omit<InspectionFilter, 'limit' | 'offset'> & { limit: number; offset: number } }>('/inspections', {
    config: { roles: readers },
    schema: {
      tags: ['inspecties'],
      summary: 'List inspection requests from the register, the most urgent first (due moment ascending)',
      querystring: listQuery,
      response: {
        200: pageOf(inspectionResponse),
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { items, total } = await listInspections(deps.db, q, scopes.inspections(await viewerOf(request, deps.db)));
    return { items: items.map((row) => toView(row, null)), total, limit: q.limit, offset: q.offset };
  });

  app.get<{ Params: { inspectionId: string } }>('/inspections/:inspectionId', {
    config: { roles: readers },
    schema: {
      tags: ['inspecties'],
      summary: 'One inspection request: the register record plus the live state of its process',
      params: inspectionParams,
      response: { 200: inspectionResponse, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const row = await requireInspection(request, request.params.inspectionId);
    const viewer = await viewerOf(request, deps.db);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'inspectie.read', 'inspectie', row.id);
    return toView(row, await liveState(row.id));
  });

  app.post<{ Params: { inspectionId: string }; Body: { reason: string }; Headers: { 'idempotency-key'?: string } }>('/inspections/:inspectionId/cancel', {
    config: { roles: commanders },
    schema: {
      tags: ['inspecties'],
      summary: 'Cancel the inspection: the cancellation goes to Modular and is confirmed',
      description:
        '200 with status `geannuleerd` once Modular confirmed; 202 when the cancellation is on its way (Modular slow ' +
        'or down, or the order not yet created: it is sent as soon as possible). 409 when the request has ended or ' +
        'Modular refuses (the final report is made).',
      params: inspectionParams,
      headers: idempotencyHeaders,
      body: cancelBody,
      response: { 200: inspectionResponse, 202: inspectionResponse, ...errorResponses(400, 404, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const row = await requireInspection(request, request.params.inspectionId);
    const handle = deps.temporal.workflow.getHandle(row.workflow_id);
    try {
      const state = await handle.executeUpdate(cancelUpdate, {
        args: [{ actor: actorOf(request), reason: request.body.reason }],
        ...(request.headers['idempotency-key'] ? { updateId: `cancel:${request.headers['idempotency-key']}` } : {}),
      });
      if (state.cancellation?.refusedReason) throw conflict(`Modular refused the cancellation: ${state.cancellation.refusedReason}`);
      return reply.code(state.status === 'geannuleerd' ? 200 : 202).send(toView(row, state));
    } catch (err) {
      const refusal = refusalToProblem(err);
      if (refusal) throw refusal;
      if (isWorkflowGone(err)) throw conflict(`Inspection request ${row.id} has ended (status ${row.status})`);
      throw err;
    }
  });
}
