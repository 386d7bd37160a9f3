import type { FastifyInstance } from 'fastify';
import { type Role, staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { errorResponses, idPattern } from '../schemas/common.js';

const userSchema = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: { type: ['string', 'null'] } },
} as const;

/** Who works here: for assigning reports and showing names instead of ids. */
export default async function userRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Querystring: { role?: Exclude<Role, 'modular'>; teamId?: string } }>('/users', {
    config: { roles: staffReaders },
    schema: {
      tags: ['session'],
      summary: 'Active users of the agency (not machine users), optionally by role or team',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          role: { type: 'string', enum: ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin'] },
          teamId: { type: 'string', pattern: idPattern },
        },
      },
      response: { 200: { type: 'array', items: userSchema }, ...errorResponses(400) },
    },
  }, async (request) => {
    let query = deps.db.selectFrom('users').select(['id', 'name', 'role', 'team_id']).where('active', '=', true).where('role', '!=', 'modular');
    if (request.query.role) query = query.where('role', '=', request.query.role);
    if (request.query.teamId) query = query.where('team_id', '=', request.query.teamId);
    const users = await query.orderBy('team_id').orderBy('id').execute();
    return users.map((u) => ({ id: u.id, name: u.name, role: u.role, teamId: u.team_id }));
  });

  app.get('/teams', {
    config: { roles: staffReaders },
    schema: {
      tags: ['session'],
      summary: 'The teams: five regional ones and the central team',
      response: {
        200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, province: { type: 'string' } } } },
        ...errorResponses(),
      },
    },
  }, async () => deps.db.selectFrom('teams').selectAll().orderBy('id').execute());
}
