import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type * as OidcClient from 'openid-client';
import { findUser } from '../../../db/repositories/users.js';
import { InvalidTokenError } from '../../auth/tokens.js';
import type { AppDependencies } from '../../dependencies.js';
import { HttpProblem, problemTypes, unavailable } from '../../problems.js';
import { publicRoutes } from '../route-options.js';
import { cookie, readCookie, tokenAnswer } from './answers.js';

// Production sign-in: OpenID Connect, authorization code with PKCE (library `openid-client`).

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scope: string;
  resource?: string;
}

const stateCookie = 'hh_oidc';
const handoverCookie = 'hh_signin';
/** How long the round trip to the provider may take. */
const stateMaxAgeS = 600;
/** How long the UI has to collect the token after the callback. */
const handoverMaxAgeS = 120;
const callbackPath = '/sign-in/oidc';
const sessionPath = '/sign-in/oidc/session';

type Provider = { client: typeof OidcClient; config: OidcClient.Configuration };
type Saved = { state: string; nonce: string; verifier: string };

/** The provider's metadata, fetched on first use (the API starts while the provider is down) and again after a failure. */
function providerOf(oidc: OidcSettings): () => Promise<Provider> {
  let discovered: Promise<Provider> | undefined;
  return () => {
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
  };
}

function savedState(request: FastifyRequest): Saved | undefined {
  try {
    return JSON.parse(readCookie(request, stateCookie) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}


export function registerOidc(app: FastifyInstance, deps: AppDependencies, oidc: OidcSettings) {
  const secure = new URL(oidc.redirectUri).protocol === 'https:';
  const provider = providerOf(oidc);
  const route = publicRoutes('session');
  const clearState = cookie(stateCookie, '', { path: callbackPath, maxAgeS: 0, sameSite: 'Lax', secure });
  /** Back to the UI's sign-in page with the reason, the round trip's state cleared. */
  const refuse = (reply: FastifyReply, reason: string) => {
    reply.header('set-cookie', clearState);
    return reply.redirect(`/#/aanmelden?fout=${encodeURIComponent(reason)}`, 303);
  };

  async function start(request: FastifyRequest, reply: FastifyReply) {
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
  }

  /** The code exchanged for the access token, or why not (the reason the UI shows). */
  async function exchange(request: FastifyRequest, saved: Saved): Promise<{ accessToken: string; expiresIn?: number } | { refused: string }> {
    try {
      const p = await provider();
      const current = new URL(request.url, oidc.redirectUri);
      const tokens = await p.client.authorizationCodeGrant(p.config, current, {
        pkceCodeVerifier: saved.verifier,
        expectedState: saved.state,
        expectedNonce: saved.nonce,
        idTokenExpected: true,
      }, oidc.resource ? { resource: oidc.resource } : undefined);
      return { accessToken: tokens.access_token, expiresIn: tokens.expiresIn() };
    } catch (err) {
      request.log.warn({ err }, 'OpenID Connect code exchange refused');
      return { refused: 'geweigerd' };
    }
  }

  /** The token must be one the API accepts (JWT_JWKS_URL, issuer, audience) and name an active user; else why not. */
  async function refusal(request: FastifyRequest, accessToken: string): Promise<string | undefined> {
    try {
      const { sub } = await deps.tokens.verify(accessToken);
      const user = await findUser(deps.db, sub);
      return !user || !user.active || user.role === 'modular' ? 'onbekend' : undefined;
    } catch (err) {
      request.log.warn({ err: err instanceof InvalidTokenError ? err.message : err }, 'the provider\'s access token is not accepted by the API');
      return 'token';
    }
  }

  async function callback(request: FastifyRequest, reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const saved = savedState(request);
    const exchanged = saved?.state && saved.verifier ? await exchange(request, saved) : { refused: 'verlopen' };
    if ('refused' in exchanged) return refuse(reply, exchanged.refused);
    const refused = await refusal(request, exchanged.accessToken);
    if (refused) return refuse(reply, refused);
    const { accessToken, expiresIn } = exchanged;
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : '';
    reply.header('set-cookie', [
      clearState,
      cookie(handoverCookie, `${expiresAt} ${accessToken}`, { path: sessionPath, maxAgeS: handoverMaxAgeS, sameSite: 'Strict', secure }),
    ]);
    return reply.redirect('/#/aangemeld', 303);
  }

  async function session(request: FastifyRequest, reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    reply.header('set-cookie', cookie(handoverCookie, '', { path: sessionPath, maxAgeS: 0, sameSite: 'Strict', secure }));
    const value = readCookie(request, handoverCookie);
    const space = value?.indexOf(' ') ?? -1;
    if (!value || space < 0) throw new HttpProblem(401, problemTypes.unauthorized, 'Unauthorized', 'No sign-in is waiting to be collected; sign in again');
    return { token: value.slice(space + 1), expiresAt: value.slice(0, space) || null };
  }

  app.get('/sign-in/oidc', route({
    summary: 'Start an OpenID Connect sign-in: redirects to the identity provider (authorization code with PKCE)',
    response: { 302: { description: 'To the identity provider', type: 'null' } },
    problems: [429, 503],
  }), start);
  app.get('/sign-in/oidc/callback', route({
    summary: 'The identity provider\'s redirect back: exchanges the code and hands the token to the web UI',
    querystring: { type: 'object', additionalProperties: true, properties: { code: { type: 'string', maxLength: 4096 }, state: { type: 'string', maxLength: 512 } } },
    response: { 303: { description: 'To the web UI', type: 'null' } },
    problems: [429],
  }), callback);
  app.post('/sign-in/oidc/session', route({
    summary: 'Collect (once) the token of the OpenID Connect sign-in that just finished',
    response: { 200: tokenAnswer },
    problems: [401, 429],
  }), session);
}
