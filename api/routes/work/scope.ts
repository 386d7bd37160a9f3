import type { FastifyRequest } from 'fastify';
import type { WorkProcess, WorkScope } from '../../../db/repositories/work.js';
import type { Role } from '../../../db/tables/reference.js';
import { forbidden } from '../../problems.js';

/** Whose work of which processes a caller asks for: the inbox's parameters, a saved filter. */
export interface WorkParams {
  teamId?: string;
  assignee?: string;
  process?: WorkProcess[];
  overdue?: boolean;
}

/** Teams whose coordinator sees every team (the central team lead), like admin. */
const CENTRAL_TEAM = 'team-centraal';

export function seesAllTeams(user: { role: Role; teamId: string | null }): boolean {
  return user.role === 'admin' || (user.role === 'teamcoordinator' && user.teamId === CENTRAL_TEAM);
}

/**
 * The scope a caller asked for, or 403 when it is not theirs to see (docs/work-surfaces.md, "Scope").
 * The work of every team is case content (docs/access.md): an admin, and the central team's
 * coordinator, see it only under break-glass; without it an admin has no work of their own, and
 * the central coordinator their team's.
 */
export function scopeFor(request: FastifyRequest, p: WorkParams, breakGlass: boolean): WorkScope {
  const user = request.user!;
  const self = !p.teamId && (!p.assignee || p.assignee === user.id);
  if (seesAllTeams(user) && breakGlass) {
    if (self && !p.teamId && !p.assignee && user.role === 'admin') return { kind: 'team', teamId: null };
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    return { kind: 'team', teamId: p.teamId ?? null, assigneeId: p.assignee };
  }
  if (user.role === 'admin') {
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    throw forbidden('An admin sees the work of teams only under break-glass (docs/access.md)');
  }
  if (user.role === 'teamcoordinator') {
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    if (p.teamId && p.teamId !== user.teamId) throw forbidden(`A team coordinator sees the work of their own team (${user.teamId}) only`);
    return { kind: 'team', teamId: user.teamId, assigneeId: p.assignee };
  }
  if (!self) throw forbidden('Only a team coordinator (own team) or an admin may see the work of others');
  return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
}

/** The scope as the inbox's answer states it. */
export function scopeView(scope: WorkScope) {
  return scope.kind === 'person'
    ? { kind: 'person', userId: scope.userId, teamId: scope.teamId, assigneeId: scope.userId }
    : { kind: 'team', userId: null, teamId: scope.teamId, assigneeId: scope.assigneeId ?? null };
}
