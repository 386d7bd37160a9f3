import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUser } from '../../../db/repositories/users.js';
import type { SigningTokenService } from '../../auth/tokens.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { closedObject, idString, nullableString } from '../../schemas/common.js';
import { publicRoutes } from '../route-options.js';
import { tokenAnswer } from './answers.js';

const pickableUser = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId', 'teamName'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: nullableString, teamName: nullableString },
} as const;

/** Development only (DEV_SIGN_IN): the user picker, signing a token for the user picked without a password. */
export function registerDevSignIn(app: FastifyInstance, deps: AppDependencies, dev: { tokens: SigningTokenService; lifetimeS: number }) {
  const route = publicRoutes('session');

  async function users() {
    const rows = await deps.db.selectFrom('users as u')
      .leftJoin('teams as t', 't.id', 'u.team_id')
      .select(['u.id', 'u.name', 'u.role', 'u.team_id', 't.name as team_name'])
      .where('u.active', '=', true)
      .where('u.role', '!=', 'modular')
      .orderBy('u.team_id')
      .orderBy('u.role')
      .orderBy('u.name')
      .execute();
    return rows.map((u) => ({ id: u.id, name: u.name, role: u.role, teamId: u.team_id, teamName: u.team_name ?? null }));
  }

  async function signIn(request: FastifyRequest<{ Body: { userId: string } }>, reply: FastifyReply) {
    const user = await findUser(deps.db, request.body.userId);
    if (!user || !user.active || user.role === 'modular') throw notFound(`Active user ${request.body.userId}`);
    const token = dev.tokens.sign({ sub: user.id, role: user.role, name: user.name }, dev.lifetimeS * 1000);
    request.log.warn({ userId: user.id }, 'development sign-in (DEV_SIGN_IN)');
    reply.header('cache-control', 'no-store');
    return {
      token,
      expiresAt: new Date(Date.now() + dev.lifetimeS * 1000).toISOString(),
      user: { id: user.id, name: user.name, role: user.role, teamId: user.team_id },
    };
  }

  app.get('/dev/users', route({
    summary: 'DEVELOPMENT ONLY (DEV_SIGN_IN): the active users to sign in as, with their team',
    response: { 200: { type: 'array', items: pickableUser } },
    problems: [429],
  }), users);
  app.post('/dev/sign-in', route({
    summary: 'DEVELOPMENT ONLY (DEV_SIGN_IN): a bearer token for the user picked, without a password',
    body: closedObject({ userId: idString }, ['userId']),
    response: { 200: tokenAnswer },
    problems: [400, 404, 415, 429],
  }), signIn);
}
