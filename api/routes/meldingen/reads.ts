import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findMelding, listMeldingen, type MeldingFilter } from '../../../db/repositories/meldingen.js';
import type { Role } from '../../../db/tables/reference.js';
import { mayReadReporter, scopes } from '../../access/scope.js';
import { auditRead, viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { listQuery, meldingParams, meldingRef } from '../../schemas/meldingen.js';
import { type RecordRoutes, registerReads } from '../record-reads.js';
import { protectedRoutes } from '../route-options.js';
import { staff } from './commands.js';
import { type LiveMeldingState, toView } from './views.js';

type ListQuery = Omit<MeldingFilter, 'receivedFrom' | 'receivedTo'> & { receivedFrom?: string; receivedTo?: string };

const readers: Role[] = [...staff, 'jurist', 'admin'];

/** The register's reports as their routes (reads and commands) name them. */
export const meldingRecords: RecordRoutes = { path: '/meldingen', idParam: 'meldingId', params: meldingParams, record: meldingRef };

/** The register of reports, read through the caller's scope (docs/access.md). */
export function readRoutes(app: FastifyInstance, deps: AppDependencies, live: LiveMeldingState) {
  async function list(request: FastifyRequest<{ Querystring: ListQuery }>) {
    const q = request.query;
    const viewer = await viewerOf(request, deps.db);
    const filter = { ...q, receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined, receivedTo: q.receivedTo ? new Date(q.receivedTo) : undefined };
    const page = await listMeldingen(deps.db, filter, scopes.meldingen(viewer));
    return { ...page, items: page.items.map((row) => toView(row, null)), limit: q.limit, offset: q.offset };
  }

  /** One report; the reporter's contact only for its assignee (or under break-glass), and that read is audited. */
  async function one(request: FastifyRequest<{ Params: { meldingId: string } }>) {
    const viewer = await viewerOf(request, deps.db);
    const row = await findMelding(deps.db, request.params.meldingId, scopes.meldingen(viewer));
    if (!row) throw notFound(`Melding ${request.params.meldingId}`);
    const showReporter = row.reporter !== null && mayReadReporter(viewer, row);
    if (showReporter) await auditRead(deps.db, request, viewer, 'melding.reporter.read', 'melding', row.id);
    else if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'melding.read', 'melding', row.id);
    return toView(row, await live(row.id), showReporter ? row.reporter : null);
  }

  registerReads(app, protectedRoutes('meldingen', readers), {
    ...meldingRecords,
    query: listQuery,
    listSummary: 'List the reports in the caller\'s scope, by default the most urgent first (due moment ascending); never with the reporter',
    oneSummary: 'One report: the register record plus the live state of its process',
  }, { list, one });
}
