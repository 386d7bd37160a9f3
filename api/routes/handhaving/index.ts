import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import type { CaseState, FlowState } from '../../../workflows/enforcement/definitions.js';
import { registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict, HttpProblem, notFound } from '../../problems.js';
import { idempotencyHeaders } from '../../schemas/common.js';
import { caseParams, caseRef, caseSchema, caseStateSchema, commandBodies } from '../../schemas/handhaving.js';
import { protectedRoutes } from '../route-options.js';
import { caseCommands, type CaseInStep, caseManagers, stepCommands } from './commands.js';
import { recordLetterDelivery } from './letter-delivery.js';
import { readRoutes } from './reads.js';
import { type CaseRegister, caseRegister } from './register.js';
import { startRoute } from './start.js';
import { toView } from './views.js';

type DeliveryRequest = FastifyRequest<{ Params: { caseId: string; messageId: string }; Body: { delivered: boolean; trackingReference: string } }>;

/** The case's commands and its running step's commands, on the one command path. */
function commandRoutes(app: FastifyInstance, deps: AppDependencies, register: CaseRegister) {
  const base = { tag: 'handhaving', base: '/handhaving/:caseId', idParam: 'caseId', params: caseParams, headers: idempotencyHeaders, response: caseRef, db: deps.db, temporal: deps.temporal };
  const gone = (row: EnforcementCaseRow) => conflict(`Case ${row.id} or its step has ended and takes no more commands`);
  const missing = (id: string) => notFound(`Case ${id}`);

  registerCommands<EnforcementCaseRow, CaseState>(app, {
    ...base,
    find: register.findInScope,
    workflowOf: (row) => row.workflow_id,
    gone,
    notFound: missing,
    answer: (row, state) => toView(row, state),
  }, caseCommands(deps));

  registerCommands<CaseInStep, FlowState>(app, {
    ...base,
    async find(viewer, id) {
      const row = await register.findInScope(viewer, id);
      if (!row) return undefined;
      const noStep = () => conflict(`Case ${row.id} has no running step`);
      // A closed case's register row says so before its close answers: no need to wake its workflow.
      if (row.status === 'closed') throw noStep();
      const live = await register.liveStateForCommand(row).catch(async (err: unknown) => {
        // Its state not read in time while it was being closed: the register says what is true by now.
        if (err instanceof HttpProblem && err.status === 503 && (await register.findInScope(viewer, id))?.status === 'closed') throw noStep();
        throw err;
      });
      if (!live || live.status === 'closed' || !live.step || !live.current) throw noStep();
      return { row, live: { ...live, step: live.step, current: live.current } };
    },
    workflowOf: ({ live }) => live.current.workflowId,
    gone: ({ row }) => gone(row),
    notFound: missing,
    answer: ({ row, live }, flowState) => toView(row, { ...live, current: flowState, block: flowState.block }),
  }, stepCommands);
}

/** A registered letter's delivery, typed in by the case manager. */
function letterDeliveryRoute(app: FastifyInstance, deps: AppDependencies, register: CaseRegister) {
  async function letterDelivery(request: DeliveryRequest) {
    const row = await register.require(request, request.params.caseId);
    return recordLetterDelivery(deps, request, row, request.params.messageId, request.body.delivered, request.body.trackingReference);
  }

  app.post('/handhaving/:caseId/letters/:messageId/delivery', protectedRoutes('handhaving', caseManagers)({
    summary: 'Record the delivery (or not) of a registered letter with its tracking reference; an undelivered letter raises a task',
    params: { type: 'object', required: ['caseId', 'messageId'], properties: { ...caseParams.properties, messageId: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
    body: commandBodies.letterDelivery,
    response: { 200: { type: 'object', properties: { messageId: { type: 'string' }, status: { type: 'string' }, trackingReference: { type: 'string' } } } },
    problems: [400, 404, 409],
  }), letterDelivery);
}

/**
 * Enforcement cases (docs/enforcement.md): start, the register read through the caller's scope
 * (docs/access.md), the case's commands and its steps' commands on the one command path.
 */
export default async function handhavingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(caseStateSchema);
  app.addSchema(caseSchema);
  const register = caseRegister(deps);
  startRoute(app, deps);
  readRoutes(app, deps, register);
  commandRoutes(app, deps, register);
  letterDeliveryRoute(app, deps, register);
}
