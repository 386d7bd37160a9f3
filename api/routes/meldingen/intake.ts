import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveLocationLink, unknownLocationReferences } from '../../../db/repositories/locations.js';
import { findMelding } from '../../../db/repositories/meldingen.js';
import { meldingIdFor } from '../../../workflows/melding/client.js';
import {
  type Channel,
  intakeUpdate,
  type MeldingInput,
  type MeldingState,
  meldingWorkflowId,
  meldingWorkflowType,
  type Reporter,
  type Source,
} from '../../../workflows/melding/definitions.js';
import { processKindKey } from '../../../workflows/search-attributes.js';
import { scopes } from '../../access/scope.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, HttpProblem, problemTypes } from '../../problems.js';
import { idempotencyHeaders } from '../../schemas/common.js';
import { intakeBody, meldingRef } from '../../schemas/meldingen.js';
import { protectedRoutes } from '../route-options.js';
import { staff } from './commands.js';
import { liveMeldingState, rowFromInput, toView, withState } from './views.js';

interface IntakeBody {
  source: Source;
  channel: Channel;
  receivedAt?: string;
  externalRef?: string;
  reporter?: Reporter;
  location?: { locationId?: string; organiserId?: string; addressText?: string };
  description: string;
  categories: string[];
  immediateDanger: boolean;
}

type IntakeRequest = FastifyRequest<{ Body: IntakeBody; Headers: { 'idempotency-key'?: string } }>;

const badRequest = (errors: { field: string; message: string }[]) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `The request is invalid: ${errors.map((f) => `${f.field} ${f.message}`).join('; ')}`, { errors });

const description =
  'Idempotent: a report sent again with the same `externalRef` or `Idempotency-Key` returns the same report ' +
  '(200) and never starts a second process. The report is linked to its location by identifier; when that ' +
  'fails (no identifier, or an organiser with several locations) it waits in the to-be-linked queue. A ' +
  '`location.locationId` or `location.organiserId` that does not exist is refused (400). The triage rule ' +
  'proposes crisis or regular; the answer shows the assignment and the deadline.';

/** The one intake of reports (docs/meldingen.md): idempotent, each report one workflow. */
export function intakeRoute(app: FastifyInstance, deps: AppDependencies) {
  /** An unknown location or organiser is refused before the report starts: its first write would fail and the report would live only in Temporal. */
  async function refuseUnknownLocation(hint: { locationId?: string; organiserId?: string }) {
    const unknown = await unknownLocationReferences(deps.db, hint);
    const errors = [
      ...(unknown.locationId ? [{ field: 'body.location.locationId', message: 'is not a known location' }] : []),
      ...(unknown.organiserId ? [{ field: 'body.location.organiserId', message: 'is not a known organiser' }] : []),
    ];
    if (errors.length > 0) throw badRequest(errors);
  }

  async function inputOf(request: IntakeRequest, meldingId: string): Promise<MeldingInput> {
    const body = request.body;
    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : new Date();
    if (receivedAt.getTime() > Date.now() + 60_000) throw badRequest([{ field: 'body.receivedAt', message: 'must not lie in the future' }]);
    const hint = body.location ?? {};
    await refuseUnknownLocation(hint);
    return {
      meldingId,
      receivedAt: receivedAt.toISOString(),
      source: body.source,
      channel: body.channel,
      externalRef: body.externalRef ?? null,
      idempotencyKey: request.headers['idempotency-key'] ?? null,
      reporter: body.reporter && Object.keys(body.reporter).length > 0 ? body.reporter : null,
      description: body.description,
      categories: body.categories,
      immediateDanger: body.immediateDanger,
      locationHint: hint,
      link: (await resolveLocationLink(deps.db, hint)) ?? null,
      createdBy: actorOf(request),
      settings: deps.settings.melding(receivedAt),
    };
  }

  /** A report sent again: 200 with the report, when the caller may see it. */
  async function again(request: FastifyRequest, reply: FastifyReply, meldingId: string, state: MeldingState | null) {
    const row = await findMelding(deps.db, meldingId, scopes.meldingen(await viewerOf(request, deps.db)));
    if (!row) throw conflict('A report with this reference or Idempotency-Key is already registered, outside your scope');
    return reply.code(200).send(toView(state ? withState(row, state) : row, state ?? (await liveMeldingState(deps.temporal, meldingId))));
  }

  async function intake(request: IntakeRequest, reply: FastifyReply) {
    const meldingId = meldingIdFor({ externalRef: request.body.externalRef, idempotencyKey: request.headers['idempotency-key'] });
    if (await findMelding(deps.db, meldingId)) return again(request, reply, meldingId, null);
    const input = await inputOf(request, meldingId);
    const start = new WithStartWorkflowOperation(meldingWorkflowType, {
      workflowId: meldingWorkflowId(meldingId),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: processKindKey, value: 'melding' }],
    });
    try {
      // The workflow decides who created the report: concurrent sends of the same report all
      // meet in one workflow, and exactly one of them is told it registered it (201).
      const { created, state } = await deps.temporal.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: start });
      if (created) return reply.code(201).send(toView(rowFromInput(input, state), state));
      return again(request, reply, meldingId, state);
    } catch (err) {
      // The same report was registered and has already finished: answer what the register holds.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return again(request, reply, meldingId, null);
      throw err;
    }
  }

  app.post('/meldingen', protectedRoutes('meldingen', staff)({
    summary: 'Register a report (melding): one intake for complaints, signals and reports',
    description,
    headers: idempotencyHeaders,
    body: intakeBody,
    response: { 200: meldingRef, 201: meldingRef },
    problems: [400, 409, 413, 415],
  }), intake);
}
