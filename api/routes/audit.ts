import type { FastifyInstance } from 'fastify';
import { listAudit, verifyAuditChain } from '../../db/repositories/audit.js';
import type { AuditEntry } from '../../db/tables/audit.js';
import type { AppDependencies } from '../dependencies.js';
import { HttpProblem, problemTypes } from '../problems.js';
import { instant, listQueryOf, nullableString, pageOf } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

// The audit trail (docs/security.md, "Audit trail"): read by dossier, subject, actor and period,
// and its hash chain verified. Admin only; both only read, as the application's role may.

const auditEntrySchema = {
  type: 'object',
  required: ['id', 'occurredAt', 'actorId', 'actorRole', 'action', 'subjectType', 'subjectId', 'details', 'requestId', 'prevHash', 'hash'],
  properties: {
    id: { type: 'string', description: 'The record\'s number, ascending in the order the records were inserted; the hash chain follows the order of their commits (GET /audit/verify).' },
    occurredAt: instant,
    actorId: { type: 'string' },
    actorRole: { type: 'string' },
    action: { type: 'string' },
    subjectType: { type: 'string' },
    subjectId: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    requestId: nullableString,
    prevHash: { type: 'string', description: 'hex SHA-256 of the record before this one in the chain (64 zeros for the first).' },
    hash: { type: 'string', description: 'hex SHA-256 of prevHash and this record\'s content.' },
  },
} as const;

const verificationSchema = {
  type: 'object',
  required: ['valid', 'checked', 'firstBrokenId'],
  properties: {
    valid: { type: 'boolean' },
    checked: { type: 'integer', description: 'Records checked, up to and including the first broken one.' },
    firstBrokenId: { ...nullableString, description: 'The first record whose link or hash does not hold.' },
    lastHash: { ...nullableString, description: 'The hash of the last record checked; keep it elsewhere to notice a shortened or rebuilt trail.' },
  },
} as const;

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

interface AuditQuery {
  dossierId?: string;
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

function toView(e: AuditEntry) {
  return {
    id: String(e.id),
    occurredAt: e.occurred_at.toISOString(),
    actorId: e.actor_id,
    actorRole: e.actor_role,
    action: e.action,
    subjectType: e.subject_type,
    subjectId: e.subject_id,
    details: (e.details ?? {}) as Record<string, unknown>,
    requestId: e.request_id,
    prevHash: e.prev_hash,
    hash: e.hash,
  };
}

export default async function auditRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('audit', ['admin']);
  app.get<{ Querystring: AuditQuery }>('/audit', route({
    summary: 'The audit trail, newest first: by dossier, subject, actor and period',
    querystring: listQueryOf({
      dossierId: { ...text, description: 'Records about the dossier and its reports, enforcement cases and inspections.' },
      subjectType: { ...text, description: 'e.g. dossier, melding, handhaving, inspectie, screening_task, incident' },
      subjectId: text,
      actorId: text,
      from: { ...instant, description: 'Recorded at or after this moment.' },
      to: { ...instant, description: 'Recorded before this moment.' },
    }),
    response: { 200: pageOf(auditEntrySchema) },
    problems: [400],
  }), async (request) => {
    const { dossierId, subjectType, subjectId, actorId, limit, offset } = request.query;
    const from = request.query.from === undefined ? undefined : new Date(request.query.from);
    const to = request.query.to === undefined ? undefined : new Date(request.query.to);
    if (from && to && from.getTime() > to.getTime()) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', '`from` must not be after `to`', {
        errors: [{ field: 'querystring/from', message: 'must not be after to' }],
      });
    }
    const page = await listAudit(deps.db, { dossierId, subjectType, subjectId, actorId, from, to, limit, offset });
    return { ...page, items: page.items.map(toView), limit, offset };
  });

  app.get('/audit/verify', route({
    summary: 'Verify the audit log\'s hash chain: every record links to the one before and matches its hash',
    response: { 200: verificationSchema },
  }), async () => verifyAuditChain(deps.db));
}
