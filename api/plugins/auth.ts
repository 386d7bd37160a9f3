import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import { findUser } from '../../db/repositories/users.js';
import type { Database } from '../../db/schema.js';
import type { Role } from '../../db/tables/reference.js';
import { InvalidTokenError, MAX_TOKEN_BYTES, TokenKeysUnavailableError, type TokenService } from '../auth/tokens.js';
import type { Actor } from '../../workflows/shared/actor.js';
import { forbidden, unauthorized, unavailable } from '../problems.js';

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
 * Bearer tokens (api/auth/tokens.ts, docs/security.md "Tokens"): HS256 with JWT_SECRET, or the identity
 * provider's RS256/ES256 keys with JWT_JWKS_URL. The token names the user; the role comes from the
 * database, so deactivating a user or changing a role takes effect at the next request. Every
 * refusal is a 401 whose detail never repeats the token.
 */
export default fp(async function auth(app: FastifyInstance, opts: { tokens: TokenService; db: Kysely<Database> }) {
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url;
    // The OpenAPI document and Swagger UI are public: their routes come from @fastify/swagger-ui.
    if (config.public || !url || url === '/docs' || url.startsWith('/docs/')) return;
    const header = request.headers.authorization;
    // RFC 6750: a 401 names the scheme it wants.
    reply.header('www-authenticate', 'Bearer realm="handhaving"');
    if (!header) throw unauthorized('Send a bearer token in the Authorization header');
    // Measured before any parsing: an oversized token is refused unread.
    if (header.length > MAX_TOKEN_BYTES + 'Bearer '.length + 16) {
      throw unauthorized(`The bearer token is larger than the ${MAX_TOKEN_BYTES} bytes accepted`);
    }
    const match = header.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match?.[1]) throw unauthorized('Send a bearer token in the Authorization header');
    let claims;
    try {
      claims = await opts.tokens.verify(match[1]);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw unauthorized(err.message);
      if (err instanceof TokenKeysUnavailableError) {
        request.log.error({ err: err.cause }, 'identity provider keys unavailable');
        throw unavailable(err.message);
      }
      throw err;
    }
    const user = await findUser(opts.db, claims.sub);
    if (!user || !user.active) throw unauthorized('The token belongs to no active user');
    reply.removeHeader('www-authenticate');
    request.user = { id: user.id, name: user.name, role: user.role, teamId: user.team_id };
    if (config.roles && !config.roles.includes(user.role)) {
      throw forbidden(`Role ${user.role} may not ${request.method} ${request.routeOptions.url}; allowed: ${config.roles.join(', ')}`);
    }
  });
});
