import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import { findCase } from '../../db/repositories/enforcement.js';
import type { ReplacementCapacityTable } from '../../db/tables/letters.js';
import type { Role } from '../../db/tables/reference.js';
import { type ReplacementCapacityCommand, type ReplacementCapacityState, replacementCapacityUpdate } from '../../workflows/enforcement/definitions.js';
import { scopes } from '../access/scope.js';
import { command, registerCommands } from '../commands/command-path.js';
import type { AppDependencies } from '../dependencies.js';
import { conflict, notFound } from '../problems.js';
import { idempotencyHeaders } from '../schemas/common.js';
import { commandBodies } from '../schemas/handhaving.js';
import { protectedRoutes } from './route-options.js';

type CapacityRow = Selectable<ReplacementCapacityTable>;

const readers: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist', 'admin'];
const caseManagers: Role[] = ['klantenbeheerder', 'teamcoordinator'];

const capacityItem = {
  type: 'object',
  properties: {
    decisionId: { type: 'string' }, caseId: { type: 'string' }, locationId: { type: 'string' }, municipality: { type: 'string' }, places: { type: 'integer' },
    startsOn: { type: 'string' }, endsOn: { type: 'string' }, extended: { type: 'boolean' }, status: { type: 'string' },
  },
} as const;

/** One entry of the register; the live state, where given, is newer than the row. */
const viewOf = (r: CapacityRow, s?: ReplacementCapacityState) => ({
  decisionId: r.decision_id, caseId: r.case_id, locationId: r.location_id, municipality: r.municipality, places: r.places,
  startsOn: s?.startsOn ?? r.starts_on, endsOn: s?.endsOn ?? r.ends_on, extended: s?.extended ?? r.extended, status: s?.status ?? r.status,
});

const change = (action: ReplacementCapacityCommand['action'], summary: string) =>
  command<CapacityRow, ReplacementCapacityState, { reason: string }, ReplacementCapacityCommand>({
    path: action,
    summary,
    roles: caseManagers,
    body: commandBodies.replacementCapacity,
    update: replacementCapacityUpdate,
    toCommand: (body, { actor }) => ({ action, reason: body.reason, actor }),
  });

/**
 * Temporary replacement capacity after a closure (docs/letters.md): the register per municipality,
 * and its two commands on the one command path; a decision outside the caller's case scope is 404.
 */
export default async function replacementCapacityRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Querystring: { municipality?: string; status?: string } }>('/replacement-capacity', protectedRoutes('handhaving', readers)({
    summary: 'Register of temporary replacement capacity per municipality (12 months from the decision, one extension of 6)',
    querystring: { type: 'object', properties: { municipality: { type: 'string', maxLength: 100 }, status: { type: 'string', enum: ['lopend', 'verlengd', 'afgelopen', 'beeindigd'] } } },
    response: { 200: { type: 'array', items: capacityItem } },
    problems: [400],
  }), async (request) => {
    let q = deps.db.selectFrom('replacement_capacities').selectAll();
    if (request.query.municipality) q = q.where('municipality', '=', request.query.municipality);
    if (request.query.status) q = q.where('status', '=', request.query.status as CapacityRow['status']);
    return (await q.orderBy('municipality').orderBy('starts_on').execute()).map((r) => viewOf(r));
  });

  registerCommands<CapacityRow, ReplacementCapacityState>(app, {
    tag: 'handhaving',
    base: '/replacement-capacity/:decisionId',
    idParam: 'decisionId',
    params: { type: 'object', required: ['decisionId'], properties: { decisionId: { type: 'string', pattern: '^BES-[0-9A-F]{8}$' } } },
    headers: idempotencyHeaders,
    response: capacityItem,
    db: deps.db,
    temporal: deps.temporal,
    async find(viewer, id) {
      const row = await deps.db.selectFrom('replacement_capacities').selectAll().where('decision_id', '=', id).executeTakeFirst();
      return row && (await findCase(deps.db, row.case_id, scopes.enforcementCases(viewer))) ? row : undefined;
    },
    workflowOf: (row) => row.workflow_id,
    gone: () => conflict('The replacement capacity has ended'),
    notFound: (id) => notFound(`Replacement capacity of decision ${id}`),
    answer: (row, state) => viewOf(row, state),
  }, [
    change('extend', 'Extend the replacement capacity once (6 months), with a reason'),
    change('end', 'End the replacement capacity early, with a reason'),
  ]);
}
