import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { completeRequestKey } from '../../../db/repositories/idempotent-requests.js';
import { findInspection } from '../../../db/repositories/inspections.js';
import { resolveLocationLink } from '../../../db/repositories/locations.js';
import { findMelding } from '../../../db/repositories/meldingen.js';
import type { InspectionRow } from '../../../db/tables/inspections.js';
import { inspectionIdForKey, inspectionRecord, inspectionStartOptions } from '../../../workflows/inspection/client.js';
import {
  type InspectionInput,
  type InspectionState,
  inspectionWorkflowType,
  registeredUpdate,
  type RequesterType,
  type Urgency,
} from '../../../workflows/inspection/definitions.js';
import type { AppDependencies } from '../../dependencies.js';
import { refuseExpiredKeyReuse, requestUnderKey } from '../../idempotency.js';
import { actorOf } from '../../plugins/auth.js';
import { HttpProblem, problemTypes } from '../../problems.js';
import { toView } from './views.js';

export interface CreateBody {
  locationId: string;
  reason: string;
  questions: string[];
  urgency: Urgency;
  fourEyes?: boolean;
  requestedBy?: { type: Exclude<RequesterType, 'klantenbeheerder'>; id: string };
}

export type CreateRequest = FastifyRequest<{ Body: CreateBody; Headers: { 'idempotency-key'?: string } }>;

/** The Idempotency-Key's scope (api/idempotency.ts). */
const keyScope = 'POST /inspections';

const badField = (field: string, message: string) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `${field} ${message}`, { errors: [{ field, message }] });

/** INS- and 16 hex: from the Idempotency-Key, so that the same request sent again finds the same process. */
const inspectionIdFor = (idempotencyKey: string | undefined): string =>
  idempotencyKey ? inspectionIdForKey(idempotencyKey) : `INS-${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;

/** What the request handler reads through the caller's scope. */
export interface InspectionReads {
  /** The request in the caller's scope; outside it, as absent: 404. */
  requireInspection(request: FastifyRequest, id: string): Promise<InspectionRow>;
  liveState(id: string): Promise<InspectionState | null>;
}

/**
 * Asking for an inspection starts its workflow: not a command on a running one, so not the command
 * path. The workflow answers once it has registered the request (update with start).
 */
export function requestInspectionHandler(deps: AppDependencies, { requireInspection, liveState }: InspectionReads) {
  /** A request sent again: 200 with the request, when the caller may see it. */
  async function again(request: FastifyRequest, reply: FastifyReply, inspectionId: string, live: boolean) {
    const row = await requireInspection(request, inspectionId);
    return reply.code(200).send(toView(row, live ? await liveState(inspectionId) : null));
  }

  /** The request's input, once its location (and the melding that asks, if one does) is known. */
  async function inputOf(request: CreateRequest, inspectionId: string): Promise<InspectionInput> {
    const body = request.body;
    if (body.urgency === 'spoed' && body.fourEyes === false) throw badField('body.fourEyes', 'must be true for the fast procedure (spoed): two inspectors');
    const link = await resolveLocationLink(deps.db, { locationId: body.locationId });
    if (!link) throw badField('body.locationId', 'is not a known location with a dossier');
    if (body.requestedBy?.type === 'melding') {
      const melding = await findMelding(deps.db, body.requestedBy.id);
      if (!melding) throw badField('body.requestedBy.id', 'is not a known melding');
      if (melding.location_id && melding.location_id !== link.locationId) throw badField('body.requestedBy.id', 'is a melding about another location');
    }
    const requestedAt = new Date();
    return {
      inspectionId,
      idempotencyKey: request.headers['idempotency-key'] ?? null,
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
  }

  return async function requestInspection(request: CreateRequest, reply: FastifyReply) {
    const key = request.headers['idempotency-key'];
    const inspectionId = inspectionIdFor(key);
    // The key names the process (inspectionIdForKey); its first request's fingerprint tells the
    // same request sent again (answered with that process) from another one under the key (422).
    const underKey = key ? await requestUnderKey(deps.db, keyScope, key, actorOf(request).id, request.body) : undefined;
    const found = await findInspection(deps.db, inspectionId);
    if (found) {
      if (underKey) refuseExpiredKeyReuse(keyScope, underKey.request, found.requested_at);
      return again(request, reply, inspectionId, true);
    }
    const input = await inputOf(request, inspectionId);
    const start = new WithStartWorkflowOperation(inspectionWorkflowType, inspectionStartOptions(input, deps.taskQueue));
    try {
      const state = await deps.temporal.workflow.executeUpdateWithStart(registeredUpdate, { startWorkflowOperation: start });
      if (key) await completeRequestKey(deps.db, keyScope, key, inspectionId, 201);
      return reply.code(201).send(toView(inspectionRecord(input, state), state));
    } catch (err) {
      // The same request was registered and has already finished: answer what the register holds.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return again(request, reply, inspectionId, false);
      throw err;
    }
  };
}
