import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { completeRequestKey } from '../../../db/repositories/idempotent-requests.js';
import { findCase } from '../../../db/repositories/enforcement.js';
import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import { openOrFeedEnforcementCase } from '../../../workflows/enforcement/client.js';
import { type CaseState, caseStateQuery, enforcementCaseWorkflowId, type MilestoneKind } from '../../../workflows/enforcement/definitions.js';
import { dossierOfLocationInScope } from '../../access/cases.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { idFromKey, refuseExpiredKeyReuse, requestUnderKey, startIdempotencyDescription } from '../../idempotency.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, notFound } from '../../problems.js';
import { idempotencyHeaders } from '../../schemas/common.js';
import { caseRef, startBody } from '../../schemas/handhaving.js';
import { isWorkflowGone, liveStateOf } from '../../temporal-errors.js';
import { protectedRoutes } from '../route-options.js';
import { caseManagers } from './commands.js';
import { syntheticRow, toView } from './views.js';

interface StartBody {
  locationId: string;
  urgent: boolean;
  milestone: { kind: MilestoneKind; reference?: { type: string; id: string }; note?: string };
}

type StartRequest = FastifyRequest<{ Body: StartBody; Headers: { 'idempotency-key'?: string } }>;

/** The Idempotency-Key's scope: one key, one start request. */
const scope = 'POST /handhaving';

/**
 * The case id a start under this key gives a new case (HH- and 8 hex, as a random one): so the
 * same request sent again names the same case, and its first milestone (`<caseId>:first`) is the
 * same milestone, which the case counts once.
 */
export const caseIdForKey = (key: string) => `HH-${idFromKey(scope, key, 8)}`;

/** Opening a case for a location with its first milestone; an open case gets the milestone instead. */
export function startRoute(app: FastifyInstance, deps: AppDependencies) {
  /**
   * An urgent start must not turn into a mere milestone of an open case: ask for the escalation
   * instead. Only a running case is asked: a query to a closed one is answered by replaying it.
   * The case this very request opened (sent again under its key) is no reason to refuse.
   */
  async function refuseUrgentOnOpenCase(locationId: string, ownCaseId?: string) {
    const handle = deps.temporal.workflow.getHandle(enforcementCaseWorkflowId(locationId));
    const running = await handle.describe().then((d) => d.status.name === 'RUNNING', (err) => {
      if (isWorkflowGone(err)) return false;
      throw err;
    });
    const open = running ? await handle.query(caseStateQuery) : undefined;
    if (open?.status === 'open' && open.caseId !== ownCaseId) throw conflict(`Location ${locationId} has an open case ${open.caseId}: escalate it with POST /handhaving/${open.caseId}/escalate-urgent`);
  }

  async function answer(reply: FastifyReply, state: CaseState, created: boolean) {
    const row = (await findCase(deps.db, state.caseId)) ?? syntheticRow(state, enforcementCaseWorkflowId(state.location.locationId));
    return reply.code(created ? 201 : 200).send(toView(row, state));
  }

  async function start(request: StartRequest, reply: FastifyReply) {
    const { locationId, milestone, urgent } = request.body;
    const key = request.headers['idempotency-key'];
    if (!(await dossierOfLocationInScope(deps.db, await viewerOf(request, deps.db), locationId))) throw notFound(`Location ${locationId}`);
    const actor = actorOf(request);
    const starter = { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, settings: () => deps.settings.enforcement() };
    if (!key) {
      if (urgent) await refuseUrgentOnOpenCase(locationId);
      const { state, created } = await openOrFeedEnforcementCase(starter, { locationId, milestone, actor, urgent });
      return answer(reply, state, created);
    }

    const { use, request: earlier } = await requestUnderKey(deps.db, scope, key, actor.id, request.body);
    const liveOf = (row: EnforcementCaseRow) => liveStateOf(deps.temporal, row.workflow_id, caseStateQuery);
    if (use === 'again' && earlier.resource_id && earlier.status_code) {
      // Answered before: what the register holds now, with the status of the first answer (a
      // closed case is never started again under the same key).
      const row = await findCase(deps.db, earlier.resource_id);
      if (row) return reply.code(earlier.status_code).send(toView(row, await liveOf(row)));
    }
    const caseId = caseIdForKey(key);
    const opened = await findCase(deps.db, caseId);
    if (opened) {
      // Opened by an earlier attempt whose answer never came (a 503 while the new case's first
      // step was still starting, as after a worker kill: docs/reliability.md, gap 4): answered
      // from the register, as the case holds the request's milestone from its start. Unless it
      // was opened before the key was first used: a request whose key has since expired.
      refuseExpiredKeyReuse(scope, earlier, opened.opened_at);
      await completeRequestKey(deps.db, scope, key, opened.id, 201);
      return reply.code(201).send(toView(opened, await liveOf(opened)));
    }
    if (urgent) await refuseUrgentOnOpenCase(locationId, caseId);
    const { state, created } = await openOrFeedEnforcementCase(starter, { locationId, milestone, actor, urgent, keyed: { caseId, updateId: `start:${caseId}` } });
    await completeRequestKey(deps.db, scope, key, state.caseId, created ? 201 : 200);
    return answer(reply, state, created);
  }

  app.post<{ Body: StartBody; Headers: { 'idempotency-key'?: string } }>('/handhaving', {
    ...protectedRoutes('handhaving', caseManagers)({
      summary: 'Open an enforcement case for a location with its first milestone; an open case gets the milestone instead (200)',
      description: `Idempotent with an \`Idempotency-Key\`: ${startIdempotencyDescription}`,
      headers: idempotencyHeaders,
      body: startBody,
      response: { 200: caseRef, 201: caseRef },
      problems: [400, 404, 409, 422],
    }),
  }, start);
}
