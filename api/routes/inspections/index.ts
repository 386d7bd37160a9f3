import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findInspection, type InspectionFilter, listInspections } from '../../../db/repositories/inspections.js';
import type { InspectionRow } from '../../../db/tables/inspections.js';
import type { Role } from '../../../db/tables/reference.js';
import { type InspectionState, inspectionStateQuery, inspectionWorkflowId } from '../../../workflows/inspection/definitions.js';
import { scopes } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import { recordCommands, registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict, notFound } from '../../problems.js';
import { createInspectionBody, idempotencyHeaders, inspectionParams, inspectionSchema, inspectionStateSchema, listQuery } from '../../schemas/inspections.js';
import { liveStateOf } from '../../temporal-errors.js';
import { type RecordRoutes, registerReads } from '../record-reads.js';
import { protectedRoutes } from '../route-options.js';
import { commanders, inspectionCommands } from './commands.js';
import { requestInspectionHandler } from './request.js';
import { toView } from './views.js';

type ListQuery = Omit<InspectionFilter, 'limit' | 'offset'> & { limit: number; offset: number };

const readers: Role[] = [...commanders, 'jurist', 'admin'];
const inspectionResponse = { $ref: 'Inspection#' } as const;
const inspectionRecords: RecordRoutes = { path: '/inspections', idParam: 'inspectionId', params: inspectionParams, record: inspectionResponse };

/**
 * Inspection requests to Zorginspectie (docs/inspections.md): the request (it starts the process),
 * the register read through the caller's scope (docs/access.md), and the commands on the one
 * command path. Modular's webhook: modular-webhook.ts.
 */
export default async function inspectionRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(inspectionStateSchema);
  app.addSchema(inspectionSchema);

  const liveState = (id: string) => liveStateOf(deps.temporal, inspectionWorkflowId(id), inspectionStateQuery);

  async function requireInspection(request: FastifyRequest, id: string): Promise<InspectionRow> {
    const row = await findInspection(deps.db, id, scopes.inspections(await viewerOf(request, deps.db)));
    if (!row) throw notFound(`Inspection request ${id}`);
    return row;
  }

  async function list(request: FastifyRequest<{ Querystring: ListQuery }>) {
    const q = request.query;
    const page = await listInspections(deps.db, q, scopes.inspections(await viewerOf(request, deps.db)));
    return { ...page, items: page.items.map((row) => toView(row, null)), limit: q.limit, offset: q.offset };
  }

  async function one(request: FastifyRequest<{ Params: { inspectionId: string } }>) {
    const row = await requireInspection(request, request.params.inspectionId);
    const viewer = await viewerOf(request, deps.db);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'inspectie.read', 'inspectie', row.id);
    return toView(row, await liveState(row.id));
  }

  app.post('/inspections', protectedRoutes('inspecties', commanders)({
    summary: 'Ask Zorginspectie for an inspection: the order goes to Modular and is followed to its report',
    description:
      'Idempotent with an `Idempotency-Key`: the same request again returns the same inspection request (200). ' +
      'The answer comes once the request is registered; the order in Modular follows (status `aangevraagd` and ' +
      '`waitingForModular` until Modular confirms it, also while Modular is down). `spoed` is the fast procedure ' +
      'with two inspectors (four-eyes).',
    headers: idempotencyHeaders,
    body: createInspectionBody,
    response: { 200: inspectionResponse, 201: inspectionResponse },
    problems: [400, 413, 415, 422],
  }), requestInspectionHandler(deps, { requireInspection, liveState }));

  registerReads(app, protectedRoutes('inspecties', readers), {
    ...inspectionRecords,
    query: listQuery,
    listSummary: 'List inspection requests from the register, the most urgent first (due moment ascending)',
    oneSummary: 'One inspection request: the register record plus the live state of its process',
  }, { list, one });

  registerCommands<InspectionRow, InspectionState>(app, {
    ...recordCommands<InspectionRow>('inspecties', inspectionRecords, deps),
    headers: idempotencyHeaders,
    find: (viewer, id) => findInspection(deps.db, id, scopes.inspections(viewer)),
    gone: (row) => conflict(`Inspection request ${row.id} has ended (status ${row.status})`),
    notFound: (id) => notFound(`Inspection request ${id}`),
    answer: (row, state) => toView(row, state),
  }, inspectionCommands(deps));
}
