import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { findUser } from '../../db/repositories/users.js';
import type { Database } from '../../db/schema.js';
import type { Role } from '../../db/tables/reference.js';
import type { TokenService } from '../../lib/tokens.js';
import type { Actor } from '../../workflows/shared/actor.js';
import { forbidden, unauthorized } from '../problems.js';

export interface AuthenticatedUser {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
  }
  interface FastifyContextConfig {
    /** Routes without `public: true` need a bearer token. */
    public?: boolean;
    /** Roles allowed to call the route; any authenticated user when absent. */
    roles?: readonly Role[];
  }
}

/** The user that is calling, as recorded in audit entries. */
export function actorOf(request: FastifyRequest): Actor {
  const user = request.user;
  if (!user) throw unauthorized('This route needs a bearer token');
  return { id: user.id, role: user.role, requestId: request.id };
}

/**
 * Bearer tokens (HS256, from JWT_SECRET). The token names the user; the role comes from the
 * database, so deactivating a user or changing a role takes effect at the next request.
 */
export default fp(async function auth(app: FastifyInstance, opts: { tokens: TokenService; db: Kysely<Database> }) {
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // The OpenAPI document and Swagger UI are public: their routes come from @fastify/swagger-ui.
    if (config.public || !url || url === '/docs' || url.startsWith('/docs/')) return;
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized('Send a bearer token in the Authorization header');
    let claims;
    try {
      claims = opts.tokens.verify(match[1]);
    } catch (err) {
      throw unauthorized(`The bearer token is not valid: ${(err as Error).message}`);
    }
    const user = await findUser(opts.db, claims.sub);
    if (!user || !user.active) throw unauthorized('The token belongs to no active user');
    request.user = { id: user.id, name: user.name, role: user.role, teamId: user.team_id };
    if (config.roles && !config.roles.includes(user.role)) {
      throw forbidden(`Role ${user.role} may not ${request.method} ${request.routeOptions.url}; allowed: ${config.roles.join(', ')}`);
    }
  });
});
