import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveLocationLink, unknownLocationReferences } from '../../db/repositories/locations.js';
import { findMelding, listMeldingen, type MeldingFilter } from '../../db/repositories/meldingen.js';
import { findUser } from '../../db/repositories/users.js';
import type { Role } from '../../db/tables/reference.js';
import type { MeldingRow } from '../../db/tables/meldingen.js';
import { meldingIdFor } from '../../lib/ids.js';
import {
  acknowledgeUpdate,
  assignUpdate,
  type Channel,
  closeUpdate,
  type Command,
  extendDeadlineUpdate,
  feedbackUpdate,
  intakeUpdate,
  linkUpdate,
  type MeldingInput,
  type MeldingState,
  meldingWorkflowId,
  meldingWorkflowType,
  pauseDeadlineUpdate,
  type Reporter,
  resumeDeadlineUpdate,
  type Source,
  stateQuery,
  triageUpdate,
} from '../../workflows/melding/definitions.js';
import { processKindKey } from '../../workflows/search-attributes.js';
import type { AppDependencies } from '../app.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, HttpProblem, notFound, problemTypes } from '../problems.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import {
  commandBodies,
  idempotencyHeaders,
  intakeBody,
  listQuery,
  meldingParams,
  meldingSchema,
  meldingStateSchema,
} from '../schemas/meldingen.js';
import { isWorkflowGone, liveStateOf, refusalToProblem } from '../temporal-errors.js';

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

const staff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
const readers: Role[] = [...staff, 'jurist', 'admin'];
const coordinators: Role[] = ['teamcoordinator', 'crisiscoordinator'];

/** `withReporter`: the reporter's contact (personal data) only in a report's own view, never in lists. */
function toView(row: MeldingRow, live: MeldingState | null, withReporter = true) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    externalRef: row.external_ref,
    source: row.source,
    channel: row.channel,
    receivedAt: row.received_at.toISOString(),
    anonymous: !row.reporter || (!row.reporter.name && !row.reporter.email && !row.reporter.phone),
    reporter: withReporter ? (row.reporter ?? null) : null,
    locationId: row.location_id,
    organiserId: row.organiser_id,
    dossierId: row.dossier_id,
    addressText: row.address_text,
    description: row.description,
    categories: row.categories,
    immediateDanger: row.immediate_danger,
    triageProposed: row.triage_proposed,
    triage: row.triage,
    triageConfirmed: row.triage_confirmed,
    phase: row.phase,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    dueAt: row.due_at?.toISOString() ?? null,
    deadlinePaused: row.deadline_paused,
    overdue: row.overdue,
    followUps: row.follow_ups,
    closedAt: row.closed_at?.toISOString() ?? null,
    createdBy: row.created_by,
    live,
  };
}

/** The register row as the live state says it is now: commands answer before the projection lands. */
function withState(row: MeldingRow, s: MeldingState): MeldingRow {
  return {
    ...row,
    location_id: s.link?.locationId ?? row.location_id,
    organiser_id: s.link?.organiserId ?? row.organiser_id,
    dossier_id: s.link?.dossierId ?? row.dossier_id,
    triage_proposed: s.triageProposed,
    triage: s.triage,
    triage_confirmed: s.triageConfirmed,
    phase: s.phase,
    assignee_id: s.assigneeId,
    team_id: s.teamId,
    due_at: s.dueAt ? new Date(s.dueAt) : null,
    deadline_paused: s.deadline?.state === 'paused',
    overdue: s.overdue,
    follow_ups: s.followUps as unknown as Record<string, unknown>[],
    closed_at: s.closedAt ? new Date(s.closedAt) : null,
    version: s.version,
  };
}

/** The register row a new report will have, from its input. */
function rowFromInput(input: MeldingInput, s: MeldingState): MeldingRow {
  const now = new Date();
  return withState(
    {
      id: input.meldingId,
      workflow_id: meldingWorkflowId(input.meldingId),
      idempotency_key: input.idempotencyKey,
      external_ref: input.externalRef,
      source: input.source,
      channel: input.channel,
      received_at: new Date(input.receivedAt),
      reporter: input.reporter ? { ...input.reporter } : null,
      location_id: null,
      organiser_id: input.locationHint.organiserId ?? null,
      dossier_id: null,
      address_text: input.locationHint.addressText ?? null,
      description: input.description,
      categories: input.categories,
      immediate_danger: input.immediateDanger,
      created_by: input.createdBy.id,
      created_at: now,
      updated_at: now,
    } as MeldingRow,
    s,
  );
}

/**
 * An unknown location or organiser is refused before the report starts (400 naming the field): its
 * first write would violate a foreign key and the report would live only in Temporal (issue 10).
 */
async function refuseUnknownLocation(db: AppDependencies['db'], hint: { locationId?: string; organiserId?: string }) {
  const unknown = await unknownLocationReferences(db, hint);
  const errors = [
    ...(unknown.locationId ? [{ field: 'body.location.locationId', message: 'is not a known location' }] : []),
    ...(unknown.organiserId ? [{ field: 'body.location.organiserId', message: 'is not a known organiser' }] : []),
  ];
  if (errors.length > 0) {
    throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The request is invalid: ${errors.map((f) => `${f.field} ${f.message}`).join('; ')}`, { errors });
  }
}

const meldingResponse = { $ref: 'Melding#' } as const;

export default async function meldingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(meldingStateSchema);
  app.addSchema(meldingSchema);

  const liveState = (id: string) => liveStateOf(deps.temporal, meldingWorkflowId(id), stateQuery);

  async function requireMelding(id: string): Promise<MeldingRow> {
    const row = await findMelding(deps.db, id);
    if (!row) throw notFound(`Melding ${id}`);
    return row;
  }

  // ----- intake --------------------------------------------------------------------------------

  app.post<{ Body: IntakeBody; Headers: { 'idempotency-key'?: string } }>('/meldingen', {
    config: { roles: staff },
    schema: {
      tags: ['meldingen'],
      summary: 'Register a report (melding): one intake for complaints, signals and reports',
      description:
        'Idempotent: a report sent again with the same `externalRef` or `Idempotency-Key` returns the same report ' +
        '(200) and never starts a second process. The report is linked to its location by identifier; when that ' +
        'fails (no identifier, or an organiser with several locations) it waits in the to-be-linked queue. A ' +
        '`location.locationId` or `location.organiserId` that does not exist is refused (400). The triage rule proposes crisis or regular; the answer shows the ' +
        'assignment and the deadline.',
      headers: idempotencyHeaders,
      body: intakeBody,
      response: { 200: meldingResponse, 201: meldingResponse, ...errorResponses(400, 413, 415) },
    },
  }, async (request, reply) => {
    const body = request.body;
    const idempotencyKey = request.headers['idempotency-key'];
    const meldingId = meldingIdFor({ externalRef: body.externalRef, idempotencyKey });
    const existing = await findMelding(deps.db, meldingId);
    if (existing) return reply.code(200).send(toView(existing, await liveState(meldingId)));

    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : new Date();
    if (receivedAt.getTime() > Date.now() + 60_000) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', 'receivedAt lies in the future', {
        errors: [{ field: 'body.receivedAt', message: 'must not lie in the future' }],
      });
    }
    const hint = body.location ?? {};
    await refuseUnknownLocation(deps.db, hint);
    const link = (await resolveLocationLink(deps.db, hint)) ?? null;
    const input: MeldingInput = {
      meldingId,
      receivedAt: receivedAt.toISOString(),
      source: body.source,
      channel: body.channel,
      externalRef: body.externalRef ?? null,
      idempotencyKey: idempotencyKey ?? null,
      reporter: body.reporter && Object.keys(body.reporter).length > 0 ? body.reporter : null,
      description: body.description,
      categories: body.categories,
      immediateDanger: body.immediateDanger,
      locationHint: hint,
      link,
      createdBy: actorOf(request),
      settings: deps.settings.melding(receivedAt),
    };
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
      const row = await requireMelding(meldingId); // saved before the intake answers
      return reply.code(200).send(toView(withState(row, state), state));
    } catch (err) {
      // The same report was registered and has already finished: answer what the register holds.
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const row = await requireMelding(meldingId);
        return reply.code(200).send(toView(row, null));
      }
      throw err;
    }
  });

  // ----- reading -------------------------------------------------------------------------------

  app.get<{ Querystring: Omit<MeldingFilter, 'receivedFrom' | 'receivedTo'> & { receivedFrom?: string; receivedTo?: string } }>('/meldingen', {
    config: { roles: readers },
    schema: {
      tags: ['meldingen'],
      summary: 'List reports from the register, by default the most urgent first (due moment ascending)',
      querystring: listQuery,
      response: {
        200: pageOf(meldingResponse),
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { items, total } = await listMeldingen(deps.db, {
      ...q,
      receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined,
      receivedTo: q.receivedTo ? new Date(q.receivedTo) : undefined,
    });
    return { items: items.map((row) => toView(row, null, false)), total, limit: q.limit, offset: q.offset };
  });

  app.get<{ Params: { meldingId: string } }>('/meldingen/:meldingId', {
    config: { roles: readers },
    schema: {
      tags: ['meldingen'],
      summary: 'One report: the register record plus the live state of its process',
      params: meldingParams,
      response: { 200: meldingResponse, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const row = await requireMelding(request.params.meldingId);
    return toView(row, await liveState(row.id));
  });

  // ----- commands (Temporal Updates: validated by the workflow, answered with the new state) ---

  interface CommandRoute<B> {
    path: string;
    summary: string;
    roles: Role[];
    body: object;
    update: UpdateDefinition<MeldingState, [B & Command]>;
    /** Turns the request body into the command; may look things up and refuse with 400. */
    toCommand?: (body: B, request: FastifyRequest) => Promise<Record<string, unknown>>;
  }

  function command<B extends object>(route: CommandRoute<B>) {
    app.post<{ Params: { meldingId: string }; Body: B; Headers: { 'idempotency-key'?: string } }>(`/meldingen/:meldingId/${route.path}`, {
      config: { roles: route.roles },
      schema: {
        tags: ['meldingen'],
        summary: route.summary,
        description: 'Answers the new state. 409 when the command is not allowed in the current phase. ' +
          'An Idempotency-Key makes a retried command count once.',
        params: meldingParams,
        headers: idempotencyHeaders,
        body: route.body,
        response: { 200: meldingResponse, ...errorResponses(400, 404, 409, 413, 415) },
      },
    }, async (request) => {
      const row = await requireMelding(request.params.meldingId);
      const body = request.body as B;
      const extra = route.toCommand ? await route.toCommand(body, request) : {};
      const cmd = { ...body, ...extra, actor: actorOf(request) } as B & Command;
      const handle = deps.temporal.workflow.getHandle(row.workflow_id);
      try {
        const state = await handle.executeUpdate(route.update, {
          args: [cmd],
          ...(request.headers['idempotency-key'] ? { updateId: `${route.path}:${request.headers['idempotency-key']}` } : {}),
        });
        return toView(withState(row, state), state);
      } catch (err) {
        const refusal = refusalToProblem(err);
        if (refusal) throw refusal;
        if (isWorkflowGone(err)) throw conflict(`Melding ${row.id} is closed (phase ${row.phase}) and takes no more commands`);
        throw err;
      }
    });
  }

  const badField = (field: string, message: string) =>
    new HttpProblem(400, problemTypes.validation, 'Bad Request', `${field} ${message}`, { errors: [{ field, message }] });

  command<{ triage: string; reason: string }>({
    path: 'triage',
    summary: 'Confirm or override the proposed triage (crisis or regular), with a reason; later reclassification is recorded too',
    roles: staff,
    body: commandBodies.triage,
    update: triageUpdate as never,
  });
  command<{ locationId: string }>({
    path: 'link',
    summary: 'Link a report from the to-be-linked queue to its location; it is then assigned',
    roles: staff,
    body: commandBodies.link,
    update: linkUpdate as never,
    async toCommand(body) {
      const link = await resolveLocationLink(deps.db, { locationId: body.locationId });
      if (!link) throw badField('body.locationId', 'is not a known location with a dossier');
      return { link };
    },
  });
  command<{ assigneeId: string; reason: string }>({
    path: 'assign',
    summary: 'Reassign the report (absence, workload), with a reason',
    roles: coordinators,
    body: commandBodies.assign,
    update: assignUpdate as never,
    async toCommand(body) {
      const user = await findUser(deps.db, body.assigneeId);
      if (!user || !user.active || !staff.includes(user.role)) {
        throw badField('body.assigneeId', 'is not an active case manager or coordinator');
      }
      return {};
    },
  });
  command<{ note?: string }>({
    path: 'acknowledge',
    summary: 'Pick up the report (crisis: acknowledge it); meets its deadline',
    roles: staff,
    body: commandBodies.acknowledge,
    update: acknowledgeUpdate as never,
  });
  command<{ reason: string; basis: string }>({
    path: 'deadline/pause',
    summary: 'Pause (opschorten) the running deadline: the remaining budget is kept',
    roles: staff,
    body: commandBodies.pause,
    update: pauseDeadlineUpdate as never,
  });
  command<{ reason: string; basis: string }>({
    path: 'deadline/resume',
    summary: 'Resume a paused deadline: the due moment moves by the pause',
    roles: staff,
    body: commandBodies.pause,
    update: resumeDeadlineUpdate as never,
  });
  command<{ hours: number; reason: string; basis: string }>({
    path: 'deadline/extend',
    summary: 'Extend (verlengen) the deadline by a number of hours, within its cap',
    roles: coordinators,
    body: commandBodies.extend,
    update: extendDeadlineUpdate as never,
  });
  command<{ channel: string; message: string }>({
    path: 'feedback',
    summary: 'Record the feedback to the reporter (terugkoppeling); by e-mail it is queued in the outbox',
    roles: staff,
    body: commandBodies.feedback,
    update: feedbackUpdate as never,
  });
  command<{ followUps: unknown[]; noFeedbackReason?: string }>({
    path: 'close',
    summary: 'Close the report with its follow-ups; needs feedback given or a reason why not',
    roles: staff,
    body: commandBodies.close,
    update: closeUpdate as never,
  });
}
