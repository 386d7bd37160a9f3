import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CaseFilter, capacityFreedPerMunicipality, findCase, listCases } from '../../../db/repositories/enforcement.js';
import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import type { Role } from '../../../db/tables/reference.js';
import { openOrFeedEnforcementCase } from '../../../workflows/enforcement/client.js';
import { type CaseState, caseStateQuery, enforcementCaseWorkflowId, type FlowState, type MilestoneKind } from '../../../workflows/enforcement/definitions.js';
import { dossierOfLocationInScope } from '../../access/cases.js';
import { scopes, type Viewer } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import { registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, notFound } from '../../problems.js';
import { errorResponses, pageOf } from '../../schemas/common.js';
import { caseParams, caseSchema, caseStateSchema, commandBodies, listQuery, startBody } from '../../schemas/handhaving.js';
import { isWorkflowGone, liveStateOf } from '../../temporal-errors.js';
import { caseCommands, type CaseInStep, caseManagers, stepCommands } from './commands.js';
import { recordLetterDelivery } from './letter-delivery.js';
import { syntheticRow, toView } from './views.js';

const readers: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist', 'admin'];
const caseResponse = { $ref: 'EnforcementCase#' } as const;
const idempotencyHeaders = { type: 'object', properties: { 'idempotency-key': { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,100}$' } } } as const;

interface StartBody {
  locationId: string;
  urgent: boolean;
  milestone: { kind: MilestoneKind; reference?: { type: string; id: string }; note?: string };
}

/**
 * Enforcement cases (docs/enforcement.md): start, the register read through the caller's scope
 * (docs/access.md), the case's commands and its steps' commands on the one command path.
 */
export default async function handhavingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(caseStateSchema);
  app.addSchema(caseSchema);

  async function liveState(row: EnforcementCaseRow): Promise<CaseState | null> {
    const state = await liveStateOf(deps.temporal, row.workflow_id, caseStateQuery);
    // The location's workflow id is reused by later cases: only this case's state counts.
    return state?.caseId === row.id ? state : null;
  }

  const findInScope = (viewer: Viewer, id: string) => findCase(deps.db, id, scopes.enforcementCases(viewer));

  async function requireCase(request: FastifyRequest, id: string): Promise<EnforcementCaseRow> {
    const row = await findInScope(await viewerOf(request, deps.db), id);
    if (!row) throw notFound(`Case ${id}`);
    return row;
  }

  async function start(request: FastifyRequest<{ Body: StartBody }>, reply: FastifyReply) {
    const { locationId, milestone, urgent } = request.body;
    if (!(await dossierOfLocationInScope(deps.db, await viewerOf(request, deps.db), locationId))) throw notFound(`Location ${locationId}`);
    if (urgent) {
      // An urgent start must not turn into a mere milestone of an open case: ask for the escalation
      // instead. Only a running case is asked: a query to a closed one is answered by replaying it.
      const handle = deps.temporal.workflow.getHandle(enforcementCaseWorkflowId(locationId));
      const running = await handle.describe().then((d) => d.status.name === 'RUNNING', (err) => {
        if (isWorkflowGone(err)) return false;
        throw err;
      });
      const open = running ? await handle.query(caseStateQuery) : undefined;
      if (open?.status === 'open') throw conflict(`Location ${locationId} has an open case ${open.caseId}: escalate it with POST /handhaving/${open.caseId}/escalate-urgent`);
    }
    const { state, created } = await openOrFeedEnforcementCase(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, settings: () => deps.settings.enforcement() },
      { locationId, milestone, actor: actorOf(request), urgent },
    );
    const row = (await findCase(deps.db, state.caseId)) ?? syntheticRow(state, enforcementCaseWorkflowId(locationId));
    return reply.code(created ? 201 : 200).send(toView(row, state));
  }

  async function list(request: FastifyRequest<{ Querystring: Omit<CaseFilter, 'dueBefore'> & { dueBefore?: string } }>) {
    const q = request.query;
    const filter = { ...q, dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined };
    const { items, total } = await listCases(deps.db, filter, scopes.enforcementCases(await viewerOf(request, deps.db)));
    return { items: items.map((r) => toView(r, null)), total, limit: q.limit, offset: q.offset };
  }

  async function capacity() {
    return (await capacityFreedPerMunicipality(deps.db)).map((r) => ({ municipality: r.municipality, places: Number(r.places), decisions: Number(r.decisions) }));
  }

  async function one(request: FastifyRequest<{ Params: { caseId: string } }>) {
    const viewer = await viewerOf(request, deps.db);
    const row = await requireCase(request, request.params.caseId);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'handhaving.read', 'handhaving', row.id);
    return toView(row, await liveState(row));
  }

  async function letterDelivery(request: FastifyRequest<{ Params: { caseId: string; messageId: string }; Body: { delivered: boolean; trackingReference: string } }>) {
    const row = await requireCase(request, request.params.caseId);
    return recordLetterDelivery(deps, request, row, request.params.messageId, request.body.delivered, request.body.trackingReference);
  }

  app.post('/handhaving', {
    config: { roles: caseManagers },
    schema: {
      tags: ['handhaving'],
      summary: 'Open an enforcement case for a location with its first milestone; an open case gets the milestone instead (200)',
      body: startBody,
      response: { 200: caseResponse, 201: caseResponse, ...errorResponses(400, 404, 409) },
    },
  }, start);
  app.get('/handhaving', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'List the enforcement cases in the caller\'s scope (filters: status, step, team, case manager, urgent, due before, municipality, location)',
      querystring: listQuery,
      response: { 200: pageOf(caseResponse), ...errorResponses(400) },
    },
  }, list);
  app.get('/handhaving/capacity', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'Places freed by suspension and revocation decisions in force, per municipality (public figures)',
      response: {
        200: { type: 'array', items: { type: 'object', properties: { municipality: { type: 'string' }, places: { type: 'integer' }, decisions: { type: 'integer' } } } },
        ...errorResponses(),
      },
    },
  }, capacity);
  app.get('/handhaving/:caseId', {
    config: { roles: readers },
    schema: {
      tags: ['handhaving'],
      summary: 'One case: the register record plus the live state (step, block, milestones, deadlines, communications)',
      params: caseParams,
      response: { 200: caseResponse, ...errorResponses(400, 404) },
    },
  }, one);

  const base = { tag: 'handhaving', base: '/handhaving/:caseId', idParam: 'caseId', params: caseParams, headers: idempotencyHeaders, response: caseResponse, db: deps.db, temporal: deps.temporal };
  const gone = (row: EnforcementCaseRow) => conflict(`Case ${row.id} or its step has ended and takes no more commands`);
  const missing = (id: string) => notFound(`Case ${id}`);

  registerCommands<EnforcementCaseRow, CaseState>(app, {
    ...base,
    find: findInScope,
    workflowOf: (row) => row.workflow_id,
    gone,
    notFound: missing,
    answer: (row, state) => toView(row, state),
  }, caseCommands);

  registerCommands<CaseInStep, FlowState>(app, {
    ...base,
    async find(viewer, id) {
      const row = await findInScope(viewer, id);
      if (!row) return undefined;
      const live = await liveState(row);
      if (!live || live.status === 'closed' || !live.step || !live.current) throw conflict(`Case ${row.id} has no running step`);
      return { row, live: { ...live, step: live.step, current: live.current } };
    },
    workflowOf: ({ live }) => live.current.workflowId,
    gone: ({ row }) => gone(row),
    notFound: missing,
    answer: ({ row, live }, flowState) => toView(row, { ...live, current: flowState, block: flowState.block }),
  }, stepCommands);

  app.post('/handhaving/:caseId/letters/:messageId/delivery', {
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
  }, letterDelivery);
}
