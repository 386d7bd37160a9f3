import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { coordinatorsOnDuty } from '../../../db/repositories/crisis-roster.js';
import { resolveLocationLink, unknownLocationReferences } from '../../../db/repositories/locations.js';
import { findMelding, meldingWriteOf, registerNewMelding } from '../../../db/repositories/meldingen.js';
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
import { proposeTriage } from '../../../workflows/melding/triage.js';
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
import { decidedIntake, type MeldingStarter, type RegisteredInput } from './starts.js';
import { type LiveMeldingState, rowFromInput, toView, withState } from './views.js';

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
export function intakeRoute(app: FastifyInstance, deps: AppDependencies, starter: MeldingStarter, live: LiveMeldingState) {
  /** An unknown location or organiser is refused before the report starts: its first write would fail and the report would live only in Temporal. */
  function refuseUnknownLocation(unknown: { locationId: boolean; organiserId: boolean }) {
    const errors = [
      ...(unknown.locationId ? [{ field: 'body.location.locationId', message: 'is not a known location' }] : []),
      ...(unknown.organiserId ? [{ field: 'body.location.organiserId', message: 'is not a known organiser' }] : []),
    ];
    if (errors.length > 0) throw badRequest(errors);
  }

  /** A report sent again: 200 with the report, when the caller may see it. */
  async function again(request: FastifyRequest, reply: FastifyReply, meldingId: string, state: MeldingState | null) {
    const row = await findMelding(deps.db, meldingId, scopes.meldingen(await viewerOf(request, deps.db)));
    if (!row) {
      if (await findMelding(deps.db, meldingId)) throw conflict('A report with this reference or Idempotency-Key is already registered, outside your scope');
      throw conflict('This Idempotency-Key or external reference was already used for another report');
    }
    return reply.code(200).send(toView(state ? withState(row, state) : row, state ?? (await live(meldingId))));
  }

  async function intake(request: IntakeRequest, reply: FastifyReply) {
    const body = request.body;
    const meldingId = meldingIdFor({ externalRef: body.externalRef, idempotencyKey: request.headers['idempotency-key'] });
    const at = new Date();
    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : at;
    if (receivedAt.getTime() > at.getTime() + 60_000) throw badRequest([{ field: 'body.receivedAt', message: 'must not lie in the future' }]);
    const hint = body.location ?? {};
    // The reads the intake needs, at once: the report sent before, the location's references and
    // link, and for a proposed crisis the coordinators on duty (the roster the workflow's
    // `crisisCoordinatorsOnDuty` reads, at the intake's moment).
    const crisis = proposeTriage({ categories: body.categories, immediateDanger: body.immediateDanger, source: body.source }).triage === 'crisis';
    const [existing, unknown, link, onDuty] = await Promise.all([
      findMelding(deps.db, meldingId),
      unknownLocationReferences(deps.db, hint),
      resolveLocationLink(deps.db, hint),
      crisis ? coordinatorsOnDuty(deps.db, at) : Promise.resolve([]),
    ]);
    if (existing) return again(request, reply, meldingId, null);
    refuseUnknownLocation(unknown);
    const settings = deps.settings.melding(receivedAt);
    const input: MeldingInput = {
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
      link: link ?? null,
      createdBy: actorOf(request),
      settings,
    };
    if (settings.intakePath?.registeredBy === 'workflow') return registeredByWorkflow(request, reply, input);
    return registeredByApi(request, reply, { ...input, intake: { at: at.toISOString(), crisisCoordinator: onDuty[0] ?? null } });
  }

  /**
   * The intake since issue 15 (docs/meldingen.md, "Never lost"): the API decides the report's
   * first state with the workflow's own code and in ONE statement (its own transaction) writes the
   * register row, its timeline entries, its audit records and its workflow's start request (the
   * audit chain takes the records in the commit), and answers. The start runs after the commit
   * (./starts.ts): nothing on the answer's path waits for Temporal.
   *
   * - A row the database refuses (a data error) queues no start; a committed row always has its
   *   start queued, which this API, or any API's sweep after a crash, carries out.
   * - The register's keys decide who created the report: a concurrent send of the same report
   *   waits in its own insert for the first send's row until that commits, then writes nothing
   *   and answers 200 with the report. Exactly one send answers 201.
   */
  async function registeredByApi(request: FastifyRequest, reply: FastifyReply, input: RegisteredInput) {
    const { state, events } = decidedIntake(input);
    const { settings: _settings, ...record } = input;
    const registered = await registerNewMelding(deps.db, meldingWriteOf(record, state, events), input);
    if (!registered) return again(request, reply, input.meldingId, null);
    starter.kick(input);
    return reply.code(201).send(toView(rowFromInput(input, state), state));
  }

  /**
   * The intake before issue 15's last lever, kept for the benchmark (`intakePath.registeredBy:
   * 'workflow'`): update-with-start, the workflow registers and routes the report and the update
   * answers; the workflow decides who created it (the first intake update it handles).
   */
  async function registeredByWorkflow(request: FastifyRequest, reply: FastifyReply, input: MeldingInput) {
    const start = new WithStartWorkflowOperation(meldingWorkflowType, {
      workflowId: meldingWorkflowId(input.meldingId),
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: processKindKey, value: 'melding' }],
    });
    try {
      const { created, state } = await deps.temporal.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: start });
      if (created) return reply.code(201).send(toView(rowFromInput(input, state), state));
      return again(request, reply, input.meldingId, state);
    } catch (err) {
      // The same report was registered and has already finished: answer what the register holds.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return again(request, reply, input.meldingId, null);
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
