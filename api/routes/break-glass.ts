import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { activeBreakGlass, endBreakGlass, openBreakGlass } from '../../db/repositories/break-glass.js';
import { teamCoordinator } from '../../db/repositories/crisis-roster.js';
import { enqueueMessage } from '../../db/repositories/outbox.js';
import type { BreakGlassGrant } from '../../db/tables/access.js';
import { staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import type { AuthenticatedUser } from '../plugins/auth.js';
import { conflict, notFound } from '../problems.js';
import { protectedRoutes } from './route-options.js';

const grantSchema = {
  type: 'object',
  required: ['id', 'reason', 'grantedAt', 'expiresAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    reason: { type: 'string' },
    grantedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

const openBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: { type: 'string', minLength: 10, maxLength: 2_000, description: 'Why access beyond one’s scope is needed now; shown to the team coordinator' },
    minutes: { type: 'integer', minimum: 5, maximum: 240, default: 60 },
  },
} as const;

/** The central team's coordinator hears of every break-glass, besides the person's own. */
const centralTeam = 'team-centraal';

const toView = (g: BreakGlassGrant) => ({ id: g.id, reason: g.reason, grantedAt: g.granted_at.toISOString(), expiresAt: g.expires_at.toISOString() });

function userOf(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw new Error('auth hook did not run');
  return request.user;
}

/**
 * Break-glass (docs/access.md): in an emergency a person opens access to every case for a limited
 * time, with a mandatory reason. It is audited, and the team coordinators are told at once.
 */
export default async function breakGlassRoutes(app: FastifyInstance, deps: AppDependencies) {
  async function open(request: FastifyRequest<{ Body: { reason: string; minutes: number } }>, reply: FastifyReply) {
    const user = userOf(request);
    if (await activeBreakGlass(deps.db, user.id)) throw conflict('A break-glass grant is already active; end it first');
    const grant = await openBreakGlass(deps.db, user.id, request.body.reason, request.body.minutes);
    await recordAudit(deps.db, {
      actor_id: user.id,
      actor_role: user.role,
      action: 'break_glass.open',
      subject_type: 'break_glass',
      subject_id: grant.id,
      details: { reason: grant.reason, expiresAt: grant.expires_at.toISOString() },
      request_id: request.id,
      idempotency_key: `break-glass:${grant.id}:open`,
    });
    const coordinators = new Set([user.teamId ? await teamCoordinator(deps.db, user.teamId) : undefined, await teamCoordinator(deps.db, centralTeam)]);
    for (const recipient of coordinators) {
      if (!recipient || recipient === user.id) continue;
      await enqueueMessage(deps.db, {
        idempotency_key: `break-glass:${grant.id}:${recipient}`,
        channel: 'intern',
        recipient_user_id: recipient,
        recipient_address: null,
        template: 'break_glass',
        subject: `Break-glass geopend door ${user.name}`,
        body: `${user.name} (${user.role}) heeft toegang tot alle dossiers geopend tot ${grant.expires_at.toISOString()}. Reden: ${grant.reason}`,
        subject_type: 'break_glass',
        subject_id: grant.id,
        last_error: null,
        sent_at: null,
      });
    }
    return reply.code(201).send(toView(grant));
  }

  async function current(request: FastifyRequest) {
    const grant = await activeBreakGlass(deps.db, userOf(request).id);
    if (!grant) throw notFound('An active break-glass grant');
    return toView(grant);
  }

  async function end(request: FastifyRequest, reply: FastifyReply) {
    const user = userOf(request);
    const grant = await endBreakGlass(deps.db, user.id);
    if (!grant) throw notFound('An active break-glass grant');
    await recordAudit(deps.db, {
      actor_id: user.id,
      actor_role: user.role,
      action: 'break_glass.end',
      subject_type: 'break_glass',
      subject_id: grant.id,
      details: {},
      request_id: request.id,
      idempotency_key: `break-glass:${grant.id}:end`,
    });
    return reply.code(204).send();
  }

  const route = protectedRoutes('access', staffReaders);
  app.post('/break-glass', route({
    summary: 'Break-glass: open access to every case for a limited time, with a reason (audited, reported to the team coordinators)',
    body: openBody,
    response: { 201: grantSchema },
    problems: [400, 409, 413, 415],
  }), open);
  app.get('/break-glass', route({ summary: 'The caller’s active break-glass grant', response: { 200: grantSchema }, problems: [404] }), current);
  app.delete('/break-glass', route({ summary: 'End the caller’s break-glass grant now', response: { 204: { type: 'null' } }, problems: [404] }), end);
}
