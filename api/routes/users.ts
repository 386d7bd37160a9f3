import type { FastifyInstance } from 'fastify';
import { type Role, staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { closedObject, idString, nullableString } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

const userSchema = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: nullableString },
} as const;

/** Who works here: for assigning reports and showing names instead of ids. */
export default async function userRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('session', staffReaders);
  app.get<{ Querystring: { role?: Exclude<Role, 'modular'>; teamId?: string } }>('/users', route({
    summary: 'Active users of the agency (not machine users), optionally by role or team',
    querystring: closedObject({
      role: { type: 'string', enum: ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin'] },
      teamId: idString,
    }),
    response: { 200: { type: 'array', items: userSchema } },
    problems: [400],
  }), async (request) => {
    let query = deps.db.selectFrom('users').select(['id', 'name', 'role', 'team_id']).where('active', '=', true).where('role', '!=', 'modular');
    if (request.query.role) query = query.where('role', '=', request.query.role);
    if (request.query.teamId) query = query.where('team_id', '=', request.query.teamId);
    const users = await query.orderBy('team_id').orderBy('id').execute();
    return users.map((u) => ({ id: u.id, name: u.name, role: u.role, teamId: u.team_id }));
  });

  app.get('/teams', route({
    summary: 'The teams: five regional ones and the central team',
    response: {
      200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, province: { type: 'string' } } } },
    },
  }), async () => deps.db.selectFrom('teams').selectAll().orderBy('id').execute());
}
