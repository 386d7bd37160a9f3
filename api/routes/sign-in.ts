import type { FastifyInstance } from 'fastify';
import { ConfigError, type Config } from '../../platform/config.js';
import type { AppDependencies } from '../dependencies.js';
import type { SigningTokenService, TokenService } from '../auth/tokens.js';
import { publicRoutes } from './route-options.js';
import { registerDevSignIn } from './sign-in/dev.js';
import { type OidcSettings, registerOidc } from './sign-in/oidc.js';

export type { OidcSettings } from './sign-in/oidc.js';

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

export default async function signInRoutes(app: FastifyInstance, deps: AppDependencies) {
  const settings = deps.signIn ?? {};

  app.get('/sign-in/options', publicRoutes('session')({
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
    },
    problems: [429],
  }), async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { dev: Boolean(settings.dev), oidc: Boolean(settings.oidc) };
  });

  if (settings.dev) registerDevSignIn(app, deps, settings.dev);
  if (settings.oidc) registerOidc(app, deps, settings.oidc);
}
