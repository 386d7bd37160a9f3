import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type * as OidcClient from 'openid-client';
import { findUser } from '../../db/repositories/users.js';
import { ConfigError, type Config } from '../../platform/config.js';
import type { AppDependencies } from '../dependencies.js';
import { InvalidTokenError, type SigningTokenService, type TokenService } from '../auth/tokens.js';
import { HttpProblem, notFound, problemTypes, unavailable } from '../problems.js';
import { idPattern, problemRef } from '../schemas/common.js';

/**
 * How people sign in to the web UI (docs/ui.md, "Sign-in"). The API itself only ever sees bearer
 * tokens (api/plugins/auth.ts); these routes are how the browser gets one.
 *
 * - Development (`dev`): a user picker. `GET /dev/users` lists the seeded users and
 *   `POST /dev/sign-in {userId}` signs an HS256 token for the one picked, without a password.
 *   These routes are not registered at all unless DEV_SIGN_IN is on (`npm start` turns it on).
 * - Production (`oidc`): OpenID Connect, authorization code with PKCE (library `openid-client`).
 *   `GET /sign-in/oidc` sends the browser to the provider; `GET /sign-in/oidc/callback` exchanges
 *   the code, checks that the API accepts the access token and that it names an active user, and
 *   hands it to the UI through a short-lived HttpOnly cookie that only `POST /sign-in/oidc/session`
 *   reads (once). The role is still read from the users table at every request.
 * - `GET /sign-in/options` (always): which of the two the UI should offer.
 */
export interface SignInSettings {
  dev?: { tokens: SigningTokenService; lifetimeS: number };
  oidc?: OidcSettings;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scope: string;
  resource?: string;
}

declare module '../dependencies.js' {
  interface AppDependencies {
    /** Sign-in for the web UI (api/routes/sign-in.ts); absent: only `GET /sign-in/options`, saying none. */
    signIn?: SignInSettings;
  }
}

/**
 * The sign-in settings the configuration asks for, and a line for the start-up log. DEV_SIGN_IN
 * needs tokens this process can sign (HS256): with JWT_JWKS_URL it stops start-up.
 */
export function signInFromConfig(
  config: Pick<Config, 'devSignIn' | 'jwtJwksUrl' | 'jwtMaxLifetimeS' | 'oidcIssuer' | 'oidcClientId' | 'oidcClientSecret' | 'oidcRedirectUri' | 'oidcScope' | 'oidcResource'>,
  tokens: TokenService,
  devSignIn: boolean = config.devSignIn,
): { settings: SignInSettings; describe: string } {
  const settings: SignInSettings = {};
  const lines: string[] = [];
  if (devSignIn) {
    if (config.jwtJwksUrl || !isSigning(tokens)) throw new ConfigError('DEV_SIGN_IN', 'cannot be used with JWT_JWKS_URL: tokens come from the identity provider then');
    settings.dev = { tokens, lifetimeS: Math.min(config.jwtMaxLifetimeS, 12 * 3600) };
    lines.push('development user picker ON (POST /dev/sign-in; DEV_SIGN_IN=false turns it off)');
  }
  if (config.oidcIssuer) {
    if (!config.oidcClientId) throw new ConfigError('OIDC_CLIENT_ID', 'is required with OIDC_ISSUER');
    if (!config.oidcRedirectUri) throw new ConfigError('OIDC_REDIRECT_URI', 'is required with OIDC_ISSUER');
    settings.oidc = {
      issuer: config.oidcIssuer,
      clientId: config.oidcClientId,
      clientSecret: config.oidcClientSecret,
      redirectUri: config.oidcRedirectUri,
      scope: config.oidcScope,
      resource: config.oidcResource,
    };
    lines.push(`OpenID Connect at ${config.oidcIssuer} (client ${config.oidcClientId})`);
  }
  return { settings, describe: lines.length ? lines.join('; ') : 'no sign-in page (DEV_SIGN_IN and OIDC_ISSUER unset): bearer tokens only' };
}

const isSigning = (tokens: TokenService): tokens is SigningTokenService => typeof (tokens as Partial<SigningTokenService>).sign === 'function';

const stateCookie = 'hh_oidc';
const handoverCookie = 'hh_signin';
/** How long the round trip to the provider may take. */
const stateMaxAgeS = 600;
/** How long the UI has to collect the token after the callback. */
const handoverMaxAgeS = 120;

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function cookie(name: string, value: string, attrs: { path: string; maxAgeS: number; sameSite: 'Lax' | 'Strict'; secure: boolean }) {
  return `${name}=${encodeURIComponent(value)}; Path=${attrs.path}; Max-Age=${attrs.maxAgeS}; HttpOnly; SameSite=${attrs.sameSite}${attrs.secure ? '; Secure' : ''}`;
}

const signedInUser = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: { type: ['string', 'null'] } },
} as const;

const tokenAnswer = {
  type: 'object',
  required: ['token', 'expiresAt'],
  properties: {
    token: { type: 'string', description: 'A bearer token for the Authorization header.' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    user: signedInUser,
  },
} as const;

export default async function signInRoutes(app: FastifyInstance, deps: AppDependencies) {
  const settings = deps.signIn ?? {};

  app.get('/sign-in/options', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'How the web UI offers sign-in: the development user picker and/or OpenID Connect',
      response: {
        200: {
          type: 'object',
          required: ['dev', 'oidc'],
          properties: {
            dev: { type: 'boolean', description: 'POST /dev/sign-in exists (DEV_SIGN_IN).' },
            oidc: { type: 'boolean', description: 'GET /sign-in/oidc starts an OpenID Connect sign-in (OIDC_ISSUER).' },
          },
        },
        429: problemRef,
      },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { dev: Boolean(settings.dev), oidc: Boolean(settings.oidc) };
  });

  if (settings.dev) registerDevSignIn(app, deps, settings.dev);
  if (settings.oidc) registerOidc(app, deps, settings.oidc);
}

// ----- development: the user picker -------------------------------------------------------------

function registerDevSignIn(app: FastifyInstance, deps: AppDependencies, dev: NonNullable<SignInSettings['dev']>) {
  app.get('/dev/users', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'DEVELOPMENT ONLY (DEV_SIGN_IN): the active users to sign in as, with their team',
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'role', 'teamId', 'teamName'],
            properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: { type: ['string', 'null'] }, teamName: { type: ['string', 'null'] } },
          },
        },
        429: problemRef,
      },
    },
  }, async () => {
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
  });

  app.post<{ Body: { userId: string } }>('/dev/sign-in', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'DEVELOPMENT ONLY (DEV_SIGN_IN): a bearer token for the user picked, without a password',
      body: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', pattern: idPattern } } },
      response: { 200: tokenAnswer, 400: problemRef, 404: problemRef, 415: problemRef, 429: problemRef },
    },
  }, async (request, reply) => {
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
  });
}

// ----- production: OpenID Connect, authorization code with PKCE -----------------------------------

function registerOidc(app: FastifyInstance, deps: AppDependencies, oidc: OidcSettings) {
  const secure = new URL(oidc.redirectUri).protocol === 'https:';
  const callbackPath = '/sign-in/oidc';
  let discovered: Promise<{ client: typeof OidcClient; config: OidcClient.Configuration }> | undefined;

  /** The provider's metadata, fetched on first use (the API starts while the provider is down) and again after a failure. */
  function provider() {
    discovered ??= (async () => {
      const client = await import('openid-client');
      const issuer = new URL(oidc.issuer);
      const auth = oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None();
      // http is allowed only on the loopback interface (platform/config.ts checks OIDC_ISSUER).
      const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 };
      const config = await client.discovery(issuer, oidc.clientId, undefined, auth, options);
      return { client, config };
    })();
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  }

  const failed = (reply: FastifyReply, reason: string) => reply.redirect(`/#/aanmelden?fout=${encodeURIComponent(reason)}`, 303);

  app.get('/sign-in/oidc', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'Start an OpenID Connect sign-in: redirects to the identity provider (authorization code with PKCE)',
      response: { 302: { description: 'To the identity provider', type: 'null' }, 429: problemRef, 503: problemRef },
    },
  }, async (request, reply) => {
    let p;
    try {
      p = await provider();
    } catch (err) {
      request.log.error({ err }, 'OpenID Connect discovery failed');
      throw unavailable('The identity provider cannot be reached; try again later');
    }
    const verifier = p.client.randomPKCECodeVerifier();
    const state = p.client.randomState();
    const nonce = p.client.randomNonce();
    const url = p.client.buildAuthorizationUrl(p.config, {
      redirect_uri: oidc.redirectUri,
      scope: oidc.scope,
      code_challenge: await p.client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(oidc.resource ? { resource: oidc.resource } : {}),
    });
    reply.header('set-cookie', cookie(stateCookie, JSON.stringify({ state, nonce, verifier }), { path: callbackPath, maxAgeS: stateMaxAgeS, sameSite: 'Lax', secure }));
    reply.header('cache-control', 'no-store');
    return reply.redirect(url.href, 302);
  });

  app.get('/sign-in/oidc/callback', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'The identity provider\'s redirect back: exchanges the code and hands the token to the web UI',
      querystring: { type: 'object', additionalProperties: true, properties: { code: { type: 'string', maxLength: 4096 }, state: { type: 'string', maxLength: 512 } } },
      response: { 303: { description: 'To the web UI', type: 'null' }, 429: problemRef },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const clearState = cookie(stateCookie, '', { path: callbackPath, maxAgeS: 0, sameSite: 'Lax', secure });
    let saved: { state: string; nonce: string; verifier: string } | undefined;
    try {
      saved = JSON.parse(readCookie(request, stateCookie) ?? 'null') ?? undefined;
    } catch {
      saved = undefined;
    }
    if (!saved?.state || !saved.verifier) {
      reply.header('set-cookie', clearState);
      return failed(reply, 'verlopen');
    }
    let accessToken: string;
    let expiresIn: number | undefined;
    try {
      const p = await provider();
      const current = new URL(request.url, oidc.redirectUri);
      const tokens = await p.client.authorizationCodeGrant(p.config, current, {
        pkceCodeVerifier: saved.verifier,
        expectedState: saved.state,
        expectedNonce: saved.nonce,
        idTokenExpected: true,
      }, oidc.resource ? { resource: oidc.resource } : undefined);
      accessToken = tokens.access_token;
      expiresIn = tokens.expiresIn();
    } catch (err) {
      request.log.warn({ err }, 'OpenID Connect code exchange refused');
      reply.header('set-cookie', clearState);
      return failed(reply, 'geweigerd');
    }
    // The token must be one the API accepts (JWT_JWKS_URL, issuer, audience) and name an active user.
    try {
      const { sub } = await deps.tokens.verify(accessToken);
      const user = await findUser(deps.db, sub);
      if (!user || !user.active || user.role === 'modular') {
        reply.header('set-cookie', clearState);
        return failed(reply, 'onbekend');
      }
    } catch (err) {
      request.log.warn({ err: err instanceof InvalidTokenError ? err.message : err }, 'the provider\'s access token is not accepted by the API');
      reply.header('set-cookie', clearState);
      return failed(reply, 'token');
    }
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : '';
    reply.header('set-cookie', [
      clearState,
      cookie(handoverCookie, `${expiresAt} ${accessToken}`, { path: '/sign-in/oidc/session', maxAgeS: handoverMaxAgeS, sameSite: 'Strict', secure }),
    ]);
    return reply.redirect('/#/aangemeld', 303);
  });

  app.post('/sign-in/oidc/session', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'Collect (once) the token of the OpenID Connect sign-in that just finished',
      response: { 200: tokenAnswer, 401: problemRef, 429: problemRef },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('set-cookie', cookie(handoverCookie, '', { path: '/sign-in/oidc/session', maxAgeS: 0, sameSite: 'Strict', secure }));
    const value = readCookie(request, handoverCookie);
    const space = value?.indexOf(' ') ?? -1;
    if (!value || space < 0) throw new HttpProblem(401, problemTypes.unauthorized, 'Unauthorized', 'No sign-in is waiting to be collected; sign in again');
    return { token: value.slice(space + 1), expiresAt: value.slice(0, space) || null };
  });
}
