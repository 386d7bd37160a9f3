import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { findCaseInScope } from '../access/cases.js';
import { auditRead, viewerOf } from '../access/viewer.js';
import { notFound } from '../problems.js';
import { closedObject, idString, paging } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

/** Per kind of case: its register, the audit subject type and the timeline detail naming it. */
const kinds = {
  melding: { table: 'meldingen', subjectType: 'melding', detailKey: 'meldingId' },
  handhaving: { table: 'enforcement_cases', subjectType: 'handhaving', detailKey: 'caseId' },
  inspectie: { table: 'inspections', subjectType: 'inspectie', detailKey: 'inspectionId' },
  screening: { table: 'screening_tasks', subjectType: 'screening_task', detailKey: 'taskId' },
} as const;
type CaseKind = keyof typeof kinds;

const entrySchema = {
  type: 'object',
  required: ['source', 'id', 'occurredAt', 'kind', 'title', 'actorId', 'actorRole', 'details'],
  properties: {
    source: { type: 'string', enum: ['timeline', 'audit'] },
    id: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    kind: { type: 'string', description: 'timeline: the entry kind (melding, handhaving, escalatie, inspectie, …); audit: the action (melding.acknowledged, …)' },
    title: { type: 'string' },
    actorId: { type: ['string', 'null'] },
    actorRole: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

interface HistoryRow {
  source: 'timeline' | 'audit';
  id: string;
  occurred_at: Date;
  kind: string;
  title: string;
  actor_id: string | null;
  actor_role: string | null;
  details: Record<string, unknown>;
}

/** GET /cases/{kind}/{id}/history: a case's own history, its timeline entries and audit records merged. */
export default async function caseRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Params: { kind: CaseKind; id: string }; Querystring: { limit: number; source?: 'timeline' | 'audit' } }>('/cases/:kind/:id/history', protectedRoutes('dossiers', staffReaders)({
    summary: 'A case\'s own history: its dossier timeline entries and its audit records, oldest first',
    description: 'kind: melding, handhaving, inspectie or screening (a screening task). Timeline entries are those of the ' +
      'case\'s dossier that name the case (details.meldingId / caseId / inspectionId / taskId); audit records are those whose ' +
      'subject is the case. Internal messages about the case are in /notifications of their recipient.',
    params: {
      type: 'object',
      required: ['kind', 'id'],
      properties: { kind: { type: 'string', enum: Object.keys(kinds) }, id: idString },
    },
    querystring: closedObject({ limit: paging({ maxLimit: 1000, defaultLimit: 500 }).limit, source: { type: 'string', enum: ['timeline', 'audit'] } }),
    response: {
      200: {
        type: 'object',
        required: ['kind', 'id', 'dossierId', 'entries'],
        properties: {
          kind: { type: 'string' },
          id: { type: 'string' },
          dossierId: { type: ['string', 'null'] },
          entries: { type: 'array', items: entrySchema },
        },
      },
    },
    problems: [400, 404],
  }), async (request) => {
    const { kind, id } = request.params;
    const spec = kinds[kind];
    // Outside the caller's scope the case does not exist for them (docs/access.md).
    const viewer = await viewerOf(request, deps.db);
    const found = await findCaseInScope(deps.db, viewer, kind, id);
    if (!found) throw notFound(`${kind} ${id}`);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, `${spec.subjectType}.history.read`, spec.subjectType, id);
    const row = { dossier_id: found.dossierId };
    const wantTimeline = request.query.source !== 'audit' && row.dossier_id !== null;
    const wantAudit = request.query.source !== 'timeline';
    const parts = [];
    if (wantTimeline) {
      parts.push(sql`select 'timeline' as source, t.id::text as id, t.occurred_at, t.kind, t.title, t.actor_id, null::text as actor_role, t.details
                       from timeline_entries t where t.dossier_id = ${row.dossier_id} and t.details ->> ${spec.detailKey} = ${id}`);
    }
    if (wantAudit) {
      // Named as in the timeline part: alone (?source=audit) it is the one that names the columns.
      parts.push(sql`select 'audit' as source, a.id::text as id, a.occurred_at, a.action as kind, a.action as title, a.actor_id, a.actor_role, a.details
                       from audit_log a where a.subject_type = ${spec.subjectType} and a.subject_id = ${id}`);
    }
    const entries = parts.length === 0
      ? []
      : (await sql<HistoryRow>`select * from (${sql.join(parts, sql` union all `)}) h order by h.occurred_at, h.source desc, h.id limit ${request.query.limit}`.execute(deps.db)).rows;
    return {
      kind,
      id,
      dossierId: row.dossier_id,
      entries: entries.map((e) => ({
        source: e.source,
        id: e.id,
        occurredAt: new Date(e.occurred_at).toISOString(),
        kind: e.kind,
        title: e.title,
        actorId: e.actor_id,
        actorRole: e.actor_role,
        details: e.details ?? {},
      })),
    };
  });
}
