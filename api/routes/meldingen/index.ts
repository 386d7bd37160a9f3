import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveLocationLink, unknownLocationReferences } from '../../../db/repositories/locations.js';
import { findMelding, listMeldingen, type MeldingFilter } from '../../../db/repositories/meldingen.js';
import type { MeldingRow } from '../../../db/tables/meldingen.js';
import type { Role } from '../../../db/tables/reference.js';
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
  stateQuery,
} from '../../../workflows/melding/definitions.js';
import { processKindKey } from '../../../workflows/search-attributes.js';
import { mayReadReporter, scopes } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import { registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, HttpProblem, notFound, problemTypes } from '../../problems.js';
import { errorResponses, pageOf } from '../../schemas/common.js';
import { idempotencyHeaders, intakeBody, listQuery, meldingParams, meldingSchema, meldingStateSchema } from '../../schemas/meldingen.js';
import { liveStateOf } from '../../temporal-errors.js';
import { meldingCommands, staff } from './commands.js';
import { rowFromInput, toView, withState } from './views.js';

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

type ListQuery = Omit<MeldingFilter, 'receivedFrom' | 'receivedTo'> & { receivedFrom?: string; receivedTo?: string };

const readers: Role[] = [...staff, 'jurist', 'admin'];
const meldingResponse = { $ref: 'Melding#' } as const;

const badRequest = (errors: { field: string; message: string }[]) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `The request is invalid: ${errors.map((f) => `${f.field} ${f.message}`).join('; ')}`, { errors });

/**
 * Reports (docs/meldingen.md): the intake, the register read through the caller's scope
 * (docs/access.md), and the commands, each an Update on the one command path.
 */
export default async function meldingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(meldingStateSchema);
  app.addSchema(meldingSchema);
  const liveState = (id: string) => liveStateOf(deps.temporal, meldingWorkflowId(id), stateQuery);

  /** An unknown location or organiser is refused before the report starts: its first write would fail and the report would live only in Temporal. */
  async function refuseUnknownLocation(hint: { locationId?: string; organiserId?: string }) {
    const unknown = await unknownLocationReferences(deps.db, hint);
    const errors = [
      ...(unknown.locationId ? [{ field: 'body.location.locationId', message: 'is not a known location' }] : []),
      ...(unknown.organiserId ? [{ field: 'body.location.organiserId', message: 'is not a known organiser' }] : []),
    ];
    if (errors.length > 0) throw badRequest(errors);
  }

  async function inputOf(request: FastifyRequest<{ Body: IntakeBody; Headers: { 'idempotency-key'?: string } }>, meldingId: string): Promise<MeldingInput> {
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
    return reply.code(200).send(toView(state ? withState(row, state) : row, state ?? (await liveState(meldingId))));
  }

  async function intake(request: FastifyRequest<{ Body: IntakeBody; Headers: { 'idempotency-key'?: string } }>, reply: FastifyReply) {
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

  async function list(request: FastifyRequest<{ Querystring: ListQuery }>) {
    const q = request.query;
    const viewer = await viewerOf(request, deps.db);
    const filter = { ...q, receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined, receivedTo: q.receivedTo ? new Date(q.receivedTo) : undefined };
    const { items, total } = await listMeldingen(deps.db, filter, scopes.meldingen(viewer));
    return { items: items.map((row) => toView(row, null)), total, limit: q.limit, offset: q.offset };
  }

  /** One report; the reporter's contact only for its assignee (or under break-glass), and that read is audited. */
  async function one(request: FastifyRequest<{ Params: { meldingId: string } }>) {
    const viewer = await viewerOf(request, deps.db);
    const row = await findMelding(deps.db, request.params.meldingId, scopes.meldingen(viewer));
    if (!row) throw notFound(`Melding ${request.params.meldingId}`);
    const showReporter = row.reporter !== null && mayReadReporter(viewer, row);
    if (showReporter) await auditRead(deps.db, request, viewer, 'melding.reporter.read', 'melding', row.id);
    else if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'melding.read', 'melding', row.id);
    return toView(row, await liveState(row.id), showReporter ? row.reporter : null);
  }

  app.post('/meldingen', {
    config: { roles: staff },
    schema: {
      tags: ['meldingen'],
      summary: 'Register a report (melding): one intake for complaints, signals and reports',
      description:
        'Idempotent: a report sent again with the same `externalRef` or `Idempotency-Key` returns the same report ' +
        '(200) and never starts a second process. The report is linked to its location by identifier; when that ' +
        'fails (no identifier, or an organiser with several locations) it waits in the to-be-linked queue. A ' +
        '`location.locationId` or `location.organiserId` that does not exist is refused (400). The triage rule ' +
        'proposes crisis or regular; the answer shows the assignment and the deadline.',
      headers: idempotencyHeaders,
      body: intakeBody,
      response: { 200: meldingResponse, 201: meldingResponse, ...errorResponses(400, 409, 413, 415) },
    },
  }, intake);

  app.get('/meldingen', {
    config: { roles: readers },
    schema: {
      tags: ['meldingen'],
      summary: 'List the reports in the caller\'s scope, by default the most urgent first (due moment ascending); never with the reporter',
      querystring: listQuery,
      response: { 200: pageOf(meldingResponse), ...errorResponses(400) },
    },
  }, list);

  app.get('/meldingen/:meldingId', {
    config: { roles: readers },
    schema: {
      tags: ['meldingen'],
      summary: 'One report: the register record plus the live state of its process',
      params: meldingParams,
      response: { 200: meldingResponse, ...errorResponses(400, 404) },
    },
  }, one);

  registerCommands<MeldingRow, MeldingState>(app, {
    tag: 'meldingen',
    base: '/meldingen/:meldingId',
    idParam: 'meldingId',
    params: meldingParams,
    headers: idempotencyHeaders,
    response: meldingResponse,
    db: deps.db,
    temporal: deps.temporal,
    find: (viewer, id) => findMelding(deps.db, id, scopes.meldingen(viewer)),
    workflowOf: (row) => row.workflow_id,
    gone: (row) => conflict(`Melding ${row.id} is closed (phase ${row.phase}) and takes no more commands`),
    notFound: (id) => notFound(`Melding ${id}`),
    answer: (row, state) => toView(withState(row, state), state),
  }, meldingCommands(deps));
}
