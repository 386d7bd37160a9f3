import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../db/repositories/audit.js';
import { activeBreakGlass } from '../../db/repositories/break-glass.js';
import type { Database } from '../../db/schema.js';
import { unauthorized } from '../problems.js';
import type { Viewer } from './scope.js';

const viewers = new WeakMap<FastifyRequest, Promise<Viewer>>();

/** The signed-in person with their scope: role, team and whether a break-glass grant is active. */
export function viewerOf(request: FastifyRequest, db: Kysely<Database>): Promise<Viewer> {
  const user = request.user;
  if (!user) throw unauthorized('This route needs a bearer token');
  let viewer = viewers.get(request);
  if (!viewer) {
    viewer = activeBreakGlass(db, user.id).then((grant) => ({ id: user.id, role: user.role, teamId: user.teamId, breakGlass: Boolean(grant) }));
    viewers.set(request, viewer);
  }
  return viewer;
}

/**
 * Records a read that needs to be accounted for: a reporter's identity, or anything read under
 * break-glass. One record per request and subject.
 */
export async function auditRead(db: Kysely<Database>, request: FastifyRequest, viewer: Viewer, action: string, subjectType: string, subjectId: string): Promise<void> {
  await recordAudit(db, {
    actor_id: viewer.id,
    actor_role: viewer.role,
    action,
    subject_type: subjectType,
    subject_id: subjectId,
    details: { breakGlass: viewer.breakGlass, route: request.routeOptions.url ?? null },
    request_id: request.id,
    idempotency_key: `read:${request.id}:${action}:${subjectType}:${subjectId}`,
  });
}
