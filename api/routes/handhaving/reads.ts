import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type CaseFilter, capacityFreedPerMunicipality, listCases } from '../../../db/repositories/enforcement.js';
import type { Role } from '../../../db/tables/reference.js';
import { scopes } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { caseParams, caseRef, listQuery } from '../../schemas/handhaving.js';
import { registerReads } from '../record-reads.js';
import { protectedRoutes } from '../route-options.js';
import type { CaseRegister } from './register.js';
import { toView } from './views.js';

const readers: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist', 'admin'];

const capacityAnswer = {
  type: 'array',
  items: { type: 'object', properties: { municipality: { type: 'string' }, places: { type: 'integer' }, decisions: { type: 'integer' } } },
} as const;

/** The register of enforcement cases, read through the caller's scope (docs/access.md), and the capacity decisions freed. */
export function readRoutes(app: FastifyInstance, deps: AppDependencies, register: CaseRegister) {
  const route = protectedRoutes('handhaving', readers);

  async function list(request: FastifyRequest<{ Querystring: Omit<CaseFilter, 'dueBefore'> & { dueBefore?: string } }>) {
    const q = request.query;
    const filter = { ...q, dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined };
    const page = await listCases(deps.db, filter, scopes.enforcementCases(await viewerOf(request, deps.db)));
    return { ...page, items: page.items.map((r) => toView(r, null)), limit: q.limit, offset: q.offset };
  }

  async function capacity() {
    return (await capacityFreedPerMunicipality(deps.db)).map((r) => ({ municipality: r.municipality, places: Number(r.places), decisions: Number(r.decisions) }));
  }

  async function one(request: FastifyRequest<{ Params: { caseId: string } }>) {
    const viewer = await viewerOf(request, deps.db);
    const row = await register.require(request, request.params.caseId);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'handhaving.read', 'handhaving', row.id);
    return toView(row, await register.liveState(row));
  }

  registerReads(app, route, {
    path: '/handhaving',
    idParam: 'caseId',
    params: caseParams,
    query: listQuery,
    record: caseRef,
    listSummary: 'List the enforcement cases in the caller\'s scope (filters: status, step, team, case manager, urgent, due before, municipality, location)',
    oneSummary: 'One case: the register record plus the live state (step, block, milestones, deadlines, communications)',
  }, { list, one });
  app.get('/handhaving/capacity', route({
    summary: 'Places freed by suspension and revocation decisions in force, per municipality (public figures)',
    response: { 200: capacityAnswer },
  }), capacity);
}
