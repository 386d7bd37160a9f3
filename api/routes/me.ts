import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../schemas/common.js';

const userSchema = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    teamId: { type: ['string', 'null'] },
  },
} as const;

export default async function meRoutes(app: FastifyInstance) {
  app.get('/me', {
    schema: { tags: ['session'], summary: 'The user the bearer token belongs to', response: { 200: userSchema, ...errorResponses() } },
  }, async (request) => request.user!);
}
