import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { type CaseFilter, capacityFreedPerMunicipality, findCase, listCases } from '../../db/repositories/enforcement.js';
import { enqueueMessage } from '../../db/repositories/outbox.js';
import { appendTimelineEntry } from '../../db/repositories/timeline.js';
import type { Role } from '../../db/tables/reference.js';
import type { EnforcementCaseRow } from '../../db/tables/enforcement.js';
import { openOrFeedEnforcementCase } from '../../lib/enforcement-starter.js';
import { render } from '../../activities/templates.js';
import {
  caseDueAt,
  type CaseState,
  caseStateQuery,
  caseWaitingFor,
  closeCaseUpdate,
  concludeUpdate,
  decisionUpdate,
  draftUpdate,
  enforcementCaseWorkflowId,
  escalateUrgentUpdate,
  type Flow,
  type FlowState,
  hearingUpdate,
  type MilestoneKind,
  mentesContactUpdate,
  objectionUpdate,
  oralNoticeUpdate,
  remedyOutcomeUpdate,
  reviewUpdate,
  shortcomingsUpdate,
  suspensionEndUpdate,
  talkUpdate,
  urgentProposalUpdate,
} from '../../workflows/enforcement/definitions.js';
import type { AppDependencies } from '../app.js';
import { actorOf } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import { caseParams, caseSchema, caseStateSchema, commandBodies, listQuery, startBody } from '../schemas/handhaving.js';
import { isWorkflowGone, liveStateOf, refusalToProblem } from '../temporal-errors.js';

const caseManagers: Role[] = ['klantenbeheerder', 'teamcoordinator'];
const readers: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist', 'admin'];
const caseResponse = { $ref: 'EnforcementCase#' } as const;

function toView(row: EnforcementCaseRow, live: CaseState | null) {
  // A closed case waits for nothing, also in rows written before the register cleared them.
  const closed = (live?.status ?? row.status) === 'closed';
  return {
    id: row.id,
    workflowId: row.workflow_id,
    locationId: row.location_id,
    organiserId: row.organiser_id,
    dossierId: row.dossier_id,
    teamId: row.team_id,
    caseManagerId: row.case_manager_id,
    municipality: row.municipality,
    status: live?.status ?? row.status,
    step: live ? live.step : row.step,
    block: live?.block ?? row.block,
    urgent: live?.urgent ?? row.urgent,
    waitingFor: closed ? null : live ? caseWaitingFor(live) : row.waiting_for,
    dueAt: closed ? null : live ? caseDueAt(live) : (row.due_at?.toISOString() ?? null),
    openedAt: row.opened_at.toISOString(),
    closedAt: live?.closedAt ?? row.closed_at?.toISOString() ?? null,
    closedReason: live?.closedReason ?? row.closed_reason,
    live,
  };
}

/** Which flows take which command: a command for another step than the current one is 409. */
interface FlowCommandRoute {
  path: string;
  summary: string;
  roles: Role[];
  body: object;
  flows: Flow[];
  // Each flow command has its own argument type; the body schema is what guarantees its shape.
  update: UpdateDefinition<FlowState, [any]>;
}

const flowCommands: FlowCommandRoute[] = [
  { path: 'shortcomings', summary: 'Aanmaning: set the shortcomings and the remedy deadline', roles: ['klantenbeheerder'], body: commandBodies.shortcomings, flows: ['aanmaning'], update: shortcomingsUpdate },
  { path: 'talk', summary: 'Aanmaning: record the talk with the organiser (the written aanmaning follows)', roles: ['klantenbeheerder'], body: commandBodies.talk, flows: ['aanmaning'], update: talkUpdate },
  { path: 'mentes-contact', summary: 'Aanmaning: record that Mentes contacted the location', roles: caseManagers, body: commandBodies.mentesContact, flows: ['aanmaning'], update: mentesContactUpdate },
  { path: 'remedy-outcome', summary: 'Aanmaning: record whether the shortcomings were remedied', roles: ['klantenbeheerder'], body: commandBodies.remedyOutcome, flows: ['aanmaning'], update: remedyOutcomeUpdate },
  { path: 'draft', summary: 'Voornemen: submit the draft for legal review', roles: ['klantenbeheerder'], body: commandBodies.draft, flows: ['voornemen'], update: draftUpdate },
  { path: 'review', summary: 'Jurist: approve or reject (with remarks) the draft voornemen or decision', roles: ['jurist'], body: commandBodies.review, flows: ['voornemen', 'beslissing', 'dringende_beslissing'], update: reviewUpdate },
  { path: 'hearing', summary: 'Voornemen: record a hearing request, its planning or its report (hoorrecht)', roles: ['klantenbeheerder'], body: commandBodies.hearing, flows: ['voornemen'], update: hearingUpdate },
  { path: 'conclude-hearing', summary: 'Voornemen: after the hearing or its term, proceed to the decision or close', roles: caseManagers, body: commandBodies.conclude, flows: ['voornemen'], update: concludeUpdate },
  { path: 'decision', summary: 'Beslissing: submit the decision (schorsing with end date, opheffing with effective date) for legal review', roles: ['klantenbeheerder'], body: commandBodies.decision, flows: ['beslissing', 'dringende_beslissing'], update: decisionUpdate },
  { path: 'oral-notice', summary: 'Beslissing: record that the organiser was informed orally beforehand', roles: ['klantenbeheerder'], body: commandBodies.oralNotice, flows: ['beslissing', 'dringende_beslissing'], update: oralNoticeUpdate },
  { path: 'objection', summary: 'Bezwaar: record an objection, or its outcome (upheld or not)', roles: ['klantenbeheerder', 'jurist'], body: commandBodies.objection, flows: ['beslissing', 'dringende_beslissing'], update: objectionUpdate },
  { path: 'suspension-end', summary: 'Schorsing: at its end, lift it (after verification), extend it, or escalate to opheffing', roles: caseManagers, body: commandBodies.suspensionEnd, flows: ['beslissing', 'dringende_beslissing'], update: suspensionEndUpdate },
];

export default async function handhavingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(caseStateSchema);
  app.addSchema(caseSchema);

  const caseHandle = (row: EnforcementCaseRow) => deps.temporal.workflow.getHandle(row.workflow_id);

  async function liveState(row: EnforcementCaseRow): Promise<CaseState | null> {
    const state = await liveStateOf(deps.temporal, row.workflow_id, caseStateQuery);
    // The location's workflow id is reused by later cases: only this case's state counts.
    return state?.caseId === row.id ? state : null;
  }

  async function requireCase(id: string): Promise<EnforcementCaseRow> {
    const row = await findCase(deps.db, id);
    if (!row) throw notFound(`Case ${id}`);
    return row;
  }

  function asProblem(err: unknown, row: EnforcementCaseRow): unknown {
    const refusal = refusalToProblem(err);
    if (refusal) return refusal;
    if (isWorkflowGone(err)) return conflict(`Case ${row.id} or its step has ended and takes no more commands`);
    return err;
  }

  // ----- start, read -----------------------------------------------------------------------------

  app.post<{ Body: { locationId: string; urgent: boolean; milestone: { kind: MilestoneKind; reference?: { type: string; id: string }; note?: string } } }>('/handhaving', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Open an enforcement case for a location with its first milestone; an open case gets the milestone instead (200)',
      body: startBody,
      response: { 200: caseResponse, 201: caseResponse, ...errorResponses(400, 404, 409) },
    },
  }, async (request, reply) => {
    const { locationId, milestone, urgent } = request.body;
    if (urgent) {
      // An urgent start must not turn into a mere milestone of an open case: ask for the escalation instead.
      const open = await deps.temporal.workflow.getHandle(enforcementCaseWorkflowId(locationId)).query(caseStateQuery).catch((err) => {
        if (isWorkflowGone(err)) return undefined;
        throw err;
      });
      if (open?.status === 'open') throw conflict(`Location ${locationId} has an open case ${open.caseId}: escalate it with POST /handhaving/${open.caseId}/escalate-urgent`);
    }
    let started: Awaited<ReturnType<typeof openOrFeedEnforcementCase>>;
    try {
      started = await openOrFeedEnforcementCase(
        { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, settings: () => deps.settings.enforcement() },
        { locationId, milestone, actor: actorOf(request), urgent },
      );
    } catch (err) {
      if (err instanceof Error && /has no dossier/.test(err.message)) throw notFound(`Location ${locationId}`);
      throw err;
    }
    const { state, created } = started;
    const workflowId = enforcementCaseWorkflowId(locationId);
    const row = (await findCase(deps.db, state.caseId)) ?? syntheticRow(state, workflowId);
    return reply.code(created ? 201 : 200).send(toView(row, state));
  });

  app.get<{ Querystring: Omit<CaseFilter, 'dueBefore'> & { dueBefore?: string } }>('/handhaving', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'List enforcement cases (filters: status, step, team, case manager, urgent, due before, municipality, location)',
      querystring: listQuery,
      response: {
        200: pageOf(caseResponse),
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { items, total } = await listCases(deps.db, { ...q, dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined });
    return { items: items.map((r) => toView(r, null)), total, limit: q.limit, offset: q.offset };
  });

  app.get('/handhaving/capacity', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'Places freed by suspension and revocation decisions in force, per municipality',
      response: {
        200: {
          type: 'array',
          items: { type: 'object', properties: { municipality: { type: 'string' }, places: { type: 'integer' }, decisions: { type: 'integer' } } },
        },
        ...errorResponses(),
      },
    },
  }, async () => (await capacityFreedPerMunicipality(deps.db)).map((r) => ({ municipality: r.municipality, places: Number(r.places), decisions: Number(r.decisions) })));

  app.get<{ Params: { caseId: string } }>('/handhaving/:caseId', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'One case: the register record plus the live state (step, block, milestones, deadlines, communications)',
      params: caseParams,
      response: { 200: caseResponse, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const row = await requireCase(request.params.caseId);
    return toView(row, await liveState(row));
  });

  // ----- case-level commands ---------------------------------------------------------------------

  app.post<{ Params: { caseId: string }; Body: { reason: string } }>('/handhaving/:caseId/close', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Close the case at any step (e.g. the shortcomings are remedied), with a reason',
      params: caseParams,
      body: commandBodies.close,
      response: { 200: caseResponse, ...errorResponses(400, 404, 409) },
    },
  }, async (request) => {
    const row = await requireCase(request.params.caseId);
    try {
      const state = await caseHandle(row).executeUpdate(closeCaseUpdate, { args: [{ actor: actorOf(request), reason: request.body.reason }] });
      return toView(row, state);
    } catch (err) {
      throw asProblem(err, row);
    }
  });

  app.post<{ Params: { caseId: string }; Body: { reason: string; decision: 'schorsing' | 'opheffing' } }>('/handhaving/:caseId/escalate-urgent', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Interrupt the current step for a decision in urgent necessity (integrity risk), without prior hearing',
      params: caseParams,
      body: commandBodies.urgent,
      response: { 200: caseResponse, ...errorResponses(400, 404, 409) },
    },
  }, async (request) => {
    const row = await requireCase(request.params.caseId);
    try {
      const state = await caseHandle(row).executeUpdate(escalateUrgentUpdate, { args: [{ actor: actorOf(request), ...request.body }] });
      return toView(row, state);
    } catch (err) {
      throw asProblem(err, row);
    }
  });

  app.post<{ Params: { caseId: string }; Body: { confirm: boolean; decision?: 'schorsing' | 'opheffing'; reason: string } }>('/handhaving/:caseId/urgent-proposal', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Decide on the proposed decision in urgent necessity (after an urgent advice): confirm it (with its kind), or keep the ordinary route, with a reason',
      params: caseParams,
      body: commandBodies.urgentProposal,
      response: { 200: caseResponse, ...errorResponses(400, 404, 409) },
    },
  }, async (request) => {
    const row = await requireCase(request.params.caseId);
    try {
      const state = await caseHandle(row).executeUpdate(urgentProposalUpdate, { args: [{ actor: actorOf(request), ...request.body }] });
      return toView(row, state);
    } catch (err) {
      throw asProblem(err, row);
    }
  });

  // ----- step commands, sent to the running flow ---------------------------------------------

  for (const route of flowCommands) {
    app.post<{ Params: { caseId: string }; Body: Record<string, unknown>; Headers: { 'idempotency-key'?: string } }>(`/handhaving/:caseId/${route.path}`, {
      config: { roles: route.roles },
      schema: {
        tags: ['handhaving'],
        summary: route.summary,
        description: `Allowed in the step(s): ${route.flows.join(', ')}; 409 otherwise or out of turn. Answers the case with the step's new state.`,
        params: caseParams,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,100}$' } } },
        body: route.body,
        response: { 200: caseResponse, ...errorResponses(400, 404, 409, 413, 415) },
      },
    }, async (request) => {
      const row = await requireCase(request.params.caseId);
      const live = await liveState(row);
      const current = live?.current;
      if (!live || live.status === 'closed' || !live.step || !current) throw conflict(`Case ${row.id} has no running step`);
      if (!route.flows.includes(live.step)) throw conflict(`${route.path} is not a command of the step ${live.step}`);
      try {
        const key = request.headers['idempotency-key'];
        const flowState = await deps.temporal.workflow.getHandle(current.workflowId).executeUpdate(route.update, {
          args: [{ ...request.body, actor: actorOf(request) }],
          ...(key ? { updateId: `${route.path}:${key}` } : {}),
        });
        return toView(row, { ...live, current: flowState, block: flowState.block });
      } catch (err) {
        throw asProblem(err, row);
      }
    });
  }

  // ----- registered letters --------------------------------------------------------------------

  app.post<{ Params: { caseId: string; messageId: string }; Body: { delivered: boolean; trackingReference: string } }>('/handhaving/:caseId/letters/:messageId/delivery', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Record the delivery (or not) of a registered letter with its tracking reference; an undelivered letter raises a task',
      params: { type: 'object', required: ['caseId', 'messageId'], properties: { ...caseParams.properties, messageId: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
      body: commandBodies.letterDelivery,
      response: {
        200: { type: 'object', properties: { messageId: { type: 'string' }, status: { type: 'string' }, trackingReference: { type: 'string' } } },
        ...errorResponses(400, 404, 409),
      },
    },
  }, async (request) => {
    const row = await requireCase(request.params.caseId);
    const letter = await deps.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', request.params.messageId)
      .where('subject_id', '=', row.id)
      .where('channel', '=', 'aangetekende_brief')
      .executeTakeFirst();
    if (!letter) throw notFound(`Registered letter ${request.params.messageId} of case ${row.id}`);
    if (letter.status === 'delivered' || letter.status === 'failed') throw conflict(`The delivery of letter ${letter.id} was already recorded (${letter.status})`);
    const { delivered, trackingReference } = request.body;
    const actor = actorOf(request);
    await deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('outbox_messages')
        .set({ status: delivered ? 'delivered' : 'failed', last_error: delivered ? null : `niet bezorgd (${trackingReference})`, sent_at: new Date() })
        .where('id', '=', letter.id)
        .where('status', 'not in', ['delivered', 'failed'])
        .executeTakeFirst()
        .then((r) => {
          if (Number(r.numUpdatedRows) === 0) throw conflict(`The delivery of letter ${letter.id} was already recorded`);
        });
      await recordAudit(tx, {
        actor_id: actor.id,
        actor_role: actor.role,
        action: delivered ? 'handhaving.letter.delivered' : 'handhaving.letter.undelivered',
        subject_type: 'handhaving',
        subject_id: row.id,
        details: { messageId: letter.id, trackingReference },
        request_id: actor.requestId ?? null,
        idempotency_key: `letter-delivery:${letter.id}`,
      });
      if (!delivered) {
        const task = render('brief_niet_bezorgd', { location: row.location_id, letter: letter.subject, tracking: trackingReference });
        await enqueueMessage(tx, {
          idempotency_key: `letter-undelivered:${letter.id}`,
          channel: 'intern',
          recipient_user_id: row.case_manager_id,
          recipient_address: null,
          template: 'brief_niet_bezorgd',
          subject: task.subject,
          body: task.body,
          subject_type: 'handhaving',
          subject_id: row.id,
          last_error: null,
          sent_at: null,
        });
        await appendTimelineEntry(tx, {
          dossier_id: row.dossier_id,
          occurred_at: new Date(),
          kind: 'communicatie',
          title: task.subject,
          details: { caseId: row.id, messageId: letter.id, trackingReference },
          actor_id: actor.id,
          idempotency_key: `letter-undelivered:${letter.id}`,
        });
      }
    });
    return { messageId: letter.id, status: delivered ? 'delivered' : 'failed', trackingReference };
  });
}

/** Before the first projection lands: enough of a row to answer the start with the live state. */
function syntheticRow(state: CaseState, workflowId: string): EnforcementCaseRow {
  const l = state.location;
  return {
    id: state.caseId,
    workflow_id: workflowId,
    location_id: l.locationId,
    organiser_id: l.organiserId,
    dossier_id: l.dossierId,
    team_id: l.teamId,
    case_manager_id: l.caseManagerId,
    municipality: l.municipality,
    status: state.status,
    step: state.step,
    block: state.block,
    urgent: state.urgent,
    waiting_for: null,
    due_at: null,
    first_milestone: { ...state.milestones[0] },
    milestones: [],
    steps: [],
    closed_reason: null,
    opened_at: new Date(state.milestones[0]?.at ?? Date.now()),
    closed_at: null,
    started_by: state.milestones[0]?.actorId ?? '',
    version: state.version,
    updated_at: new Date(),
  };
}

