import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findCase } from '../../../db/repositories/enforcement.js';
import { openOrFeedEnforcementCase } from '../../../workflows/enforcement/client.js';
import { caseStateQuery, enforcementCaseWorkflowId, type MilestoneKind } from '../../../workflows/enforcement/definitions.js';
import { dossierOfLocationInScope } from '../../access/cases.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, notFound } from '../../problems.js';
import { caseRef, startBody } from '../../schemas/handhaving.js';
import { isWorkflowGone } from '../../temporal-errors.js';
import { protectedRoutes } from '../route-options.js';
import { caseManagers } from './commands.js';
import { syntheticRow, toView } from './views.js';

interface StartBody {
  locationId: string;
  urgent: boolean;
  milestone: { kind: MilestoneKind; reference?: { type: string; id: string }; note?: string };
}

/** Opening a case for a location with its first milestone; an open case gets the milestone instead. */
export function startRoute(app: FastifyInstance, deps: AppDependencies) {
  /**
   * An urgent start must not turn into a mere milestone of an open case: ask for the escalation
   * instead. Only a running case is asked: a query to a closed one is answered by replaying it.
   */
  async function refuseUrgentOnOpenCase(locationId: string) {
    const handle = deps.temporal.workflow.getHandle(enforcementCaseWorkflowId(locationId));
    const running = await handle.describe().then((d) => d.status.name === 'RUNNING', (err) => {
      if (isWorkflowGone(err)) return false;
      throw err;
    });
    const open = running ? await handle.query(caseStateQuery) : undefined;
    if (open?.status === 'open') throw conflict(`Location ${locationId} has an open case ${open.caseId}: escalate it with POST /handhaving/${open.caseId}/escalate-urgent`);
  }

  async function start(request: FastifyRequest<{ Body: StartBody }>, reply: FastifyReply) {
    const { locationId, milestone, urgent } = request.body;
    if (!(await dossierOfLocationInScope(deps.db, await viewerOf(request, deps.db), locationId))) throw notFound(`Location ${locationId}`);
    if (urgent) await refuseUrgentOnOpenCase(locationId);
    const { state, created } = await openOrFeedEnforcementCase(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, settings: () => deps.settings.enforcement() },
      { locationId, milestone, actor: actorOf(request), urgent },
    );
    const row = (await findCase(deps.db, state.caseId)) ?? syntheticRow(state, enforcementCaseWorkflowId(locationId));
    return reply.code(created ? 201 : 200).send(toView(row, state));
  }

  app.post('/handhaving', protectedRoutes('handhaving', caseManagers)({
    summary: 'Open an enforcement case for a location with its first milestone; an open case gets the milestone instead (200)',
    body: startBody,
    response: { 200: caseRef, 201: caseRef },
    problems: [400, 404, 409],
  }), start);
}
