import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findDossier } from '../../db/repositories/dossiers.js';
import { staffReaders } from '../../db/tables/reference.js';
import { listTimeline } from '../../db/repositories/timeline.js';
import { toTimelineView } from '../../workflows/dossier-note/timeline-view.js';
import {
  type DossierNoteInput,
  dossierNoteWorkflowId,
  recordDossierNoteWorkflowType,
  type TimelineEntryView,
} from '../../workflows/dossier-note/definitions.js';
import { dossierIdKey, processKindKey, teamIdKey } from '../../workflows/search-attributes.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { dossierInScope } from '../access/cases.js';
import { auditRead, viewerOf } from '../access/viewer.js';
import { notFound } from '../problems.js';
import { closedObject, idempotencyHeaders, idParams, instant, nullableString, paging, placeOf } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

const timelineEntrySchema = {
  $id: 'TimelineEntry',
  type: 'object',
  required: ['id', 'dossierId', 'occurredAt', 'kind', 'title', 'details', 'actorId'],
  properties: {
    id: { type: 'string' },
    ...placeOf('dossierId'),
    occurredAt: { type: 'string', format: 'date-time' },
    kind: { type: 'string', description: 'melding, crisismelding, inspectie, aanmaning, voornemen, schorsing, opheffing, notitie, …' },
    title: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    actorId: nullableString,
  },
} as const;

const timelineEntryRef = { $ref: 'TimelineEntry#' } as const;

const dossierParams = idParams('dossierId');

const dossierSchema = {
  type: 'object',
  required: ['id', 'locationId', 'locationName', 'municipality', 'teamId', 'caseManagerId', 'timeline'],
  properties: {
    id: { type: 'string' },
    ...placeOf('locationId', 'locationName', 'municipality', 'teamId', 'caseManagerId', 'caseManagerName'),
    openedAt: instant,
    timeline: { type: 'array', items: timelineEntryRef },
  },
} as const;

export default async function dossierRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(timelineEntrySchema);

  /** The dossier in the caller's scope (docs/access.md); outside it, as absent: 404. */
  async function requireDossier(request: FastifyRequest, dossierId: string) {
    const viewer = await viewerOf(request, deps.db);
    const dossier = (await dossierInScope(deps.db, viewer, dossierId)) ? await findDossier(deps.db, dossierId) : undefined;
    if (!dossier) throw notFound(`Dossier ${dossierId}`);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'dossier.read', 'dossier', dossierId);
    return dossier;
  }

  const route = protectedRoutes('dossiers', staffReaders);

  app.get<{ Params: { dossierId: string } }>('/dossiers/:dossierId', route({
    summary: 'A dossier with its latest timeline entries',
    params: dossierParams,
    response: { 200: dossierSchema },
    problems: [400, 404],
  }), async (request) => {
    const d = await requireDossier(request, request.params.dossierId);
    const timeline = await listTimeline(deps.db, d.dossierId, { limit: 50 });
    const { dossierId: id, openedAt, ...place } = d;
    return { id, ...place, openedAt: openedAt.toISOString(), timeline: timeline.map(toTimelineView) };
  });

  app.get<{ Params: { dossierId: string }; Querystring: { limit: number; before?: string } }>('/dossiers/:dossierId/timeline', route({
    summary: 'The dossier timeline, newest first; page with `before`',
    params: dossierParams,
    querystring: closedObject({ limit: paging({ defaultLimit: 100 }).limit, before: instant }),
    response: { 200: { type: 'array', items: timelineEntryRef } },
    problems: [400, 404],
  }), async (request) => {
    await requireDossier(request, request.params.dossierId);
    const { limit, before } = request.query;
    const rows = await listTimeline(deps.db, request.params.dossierId, { limit, before: before ? new Date(before) : undefined });
    return rows.map(toTimelineView);
  });

  app.post<{ Params: { dossierId: string }; Body: { text: string }; Headers: { 'idempotency-key'?: string } }>(
    '/dossiers/:dossierId/notes',
    protectedRoutes('dossiers', ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist'])({
      summary: 'Add a note to the dossier timeline (exactly once per Idempotency-Key)',
      description:
        'Runs as a Temporal workflow that writes the timeline entry and the audit record; sending the same ' +
        'Idempotency-Key again returns the same note instead of adding a second one.',
      params: dossierParams,
      headers: idempotencyHeaders,
      body: closedObject({ text: { type: 'string', minLength: 1, maxLength: 10_000 } }, ['text']),
      response: { 201: timelineEntryRef },
      problems: [400, 404, 413, 415],
    }),
    async (request, reply) => {
      const dossier = await requireDossier(request, request.params.dossierId);
      const noteKey = request.headers['idempotency-key'] ?? randomUUID();
      const input: DossierNoteInput = { dossierId: dossier.dossierId, text: request.body.text, actor: actorOf(request), noteKey };
      const handle = await deps.temporal.workflow.start(recordDossierNoteWorkflowType, {
        workflowId: dossierNoteWorkflowId(dossier.dossierId, noteKey),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: dossierIdKey, value: dossier.dossierId },
          { key: teamIdKey, value: dossier.teamId },
          { key: processKindKey, value: 'dossier-note' },
        ],
      });
      const entry: TimelineEntryView = await handle.result();
      return reply.code(201).send(entry);
    },
  );
}
