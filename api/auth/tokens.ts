import { createHmac } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { Config } from '../../platform/config.js';

/**
 * Bearer tokens (docs/security.md, "Tokens"). One trust anchor per deployment:
 *
 * - JWT_JWKS_URL set: tokens of the agency's identity provider, RS256 or ES256, verified against the
 *   provider's published keys (JWKS). The shared secret is then not accepted at all.
 * - otherwise: HS256 with the shared JWT_SECRET (development, tests, `npm run tokens`).
 *
 * Either way a token must name the user (`sub`), carry `iss` = JWT_ISSUER, `aud` = JWT_AUDIENCE,
 * `iat` (not more than CLOCK_SKEW_S ahead) and `exp`, live no longer than JWT_MAX_LIFETIME_S, and be
 * at most MAX_TOKEN_BYTES long. Refusals carry a fixed reason that never repeats the token.
 */

/** What `npm run tokens` and the tests put in a token; the API reads only `sub` (the role comes from the database). */
export interface TokenClaims {
  sub: string;
  role: string;
  name: string;
}

/** What a verified token tells the API: the user it names. */
export interface VerifiedToken {
  sub: string;
}

/** Longest token accepted, in bytes (a JWT is ASCII). Ours carry a handful of claims; IdP access tokens are typically 1–2 KB. */
export const MAX_TOKEN_BYTES = 4096;
/** How far clocks may disagree: `iat`/`nbf` up to this far ahead and `exp` up to this far behind still pass. */
export const CLOCK_SKEW_S = 60;
/** JWT_AUDIENCE's default. */
export const DEFAULT_AUDIENCE = 'handhaving-api';
/** JWT_MAX_LIFETIME_S's default: 12 hours, one working day of `npm run tokens`. */
export const DEFAULT_MAX_LIFETIME_S = 12 * 3600;
/** Algorithms accepted from the identity provider's JWKS. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Longest `sub` accepted (user ids are short). */
const MAX_SUB_LENGTH = 200;

/** A token refused: `message` is the detail for the 401, fixed text that never contains the token. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The identity provider's keys could not be fetched: not the caller's fault (503). */
export class TokenKeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The identity provider\'s signing keys (JWT_JWKS_URL) cannot be fetched', { cause });
    this.name = 'TokenKeysUnavailableError';
  }
}

/** What the API needs of a token service: verify a bearer token. */
export interface TokenService {
  /** Resolves to the token's user, or rejects with InvalidTokenError (401) or TokenKeysUnavailableError (503). */
  verify(token: string): Promise<VerifiedToken>;
  /** For logs: which keys are trusted. */
  readonly describe: string;
}

/** The HS256 service also signs: `npm run tokens` and the tests. */
export interface SigningTokenService extends TokenService {
  /** A token for the user, valid `expiresInMs` (default: the longest lifetime accepted). */
  sign(claims: TokenClaims, expiresInMs?: number): string;
}

export interface TokenPolicy {
  /** `aud` required of tokens and put in those signed here. Default DEFAULT_AUDIENCE. */
  audience?: string;
  /** Longest `exp − iat` accepted, in seconds. Default DEFAULT_MAX_LIFETIME_S. */
  maxLifetimeS?: number;
}

interface Policy {
  issuer: string;
  audience: string;
  maxLifetimeS: number;
  algorithms: readonly string[];
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** HS256 bearer tokens with the shared secret: the API verifies them, `npm run tokens` and tests sign them. */
export function createTokenService(secret: string, issuer: string, policy: TokenPolicy = {}): SigningTokenService {
  const p: Policy = { issuer, audience: policy.audience ?? DEFAULT_AUDIENCE, maxLifetimeS: policy.maxLifetimeS ?? DEFAULT_MAX_LIFETIME_S, algorithms: ['HS256'] };
  const key = new TextEncoder().encode(secret);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  return {
    describe: `HS256 with the shared secret (JWT_SECRET), issuer ${p.issuer}, audience ${p.audience}`,
    // Signed with node:crypto so that signing stays synchronous (tests build Authorization headers
    // inline); verification, the part that matters, is jose's.
    sign(claims, expiresInMs = p.maxLifetimeS * 1000) {
      const iat = Math.floor(Date.now() / 1000);
      const payload = base64url(JSON.stringify({ ...claims, iss: p.issuer, aud: p.audience, iat, exp: iat + Math.floor(expiresInMs / 1000) }));
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      return `${header}.${payload}.${signature}`;
    },
    verify: (token) => verifyToken(token, p, key),
  };
}

/** Tokens of the identity provider, verified against the keys it publishes at `jwksUrl` (RS256, ES256). */
export function createJwksTokenService(jwksUrl: string, issuer: string, policy: TokenPolicy = {}): TokenService {
  const p: Policy = { issuer, audience: policy.audience ?? DEFAULT_AUDIENCE, maxLifetimeS: policy.maxLifetimeS ?? DEFAULT_MAX_LIFETIME_S, algorithms: JWKS_ALGORITHMS };
  // jose caches the key set (10 min), refetches on an unknown `kid` at most every 30 s, times out after 5 s.
  const remote = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      // Faults of the token (no key matches, an unusable header) stay 401; anything else means the
      // key set itself could not be had: unreachable, not 200, not JSON, not a JWKS.
      if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys
        || err instanceof joseErrors.JOSENotSupported || err instanceof joseErrors.JOSEAlgNotAllowed) throw err;
      throw new TokenKeysUnavailableError(err);
    }
  };
  return {
    describe: `${JWKS_ALGORITHMS.join('/')} with the identity provider's keys at ${jwksUrl}, issuer ${p.issuer}, audience ${p.audience}`,
    verify: (token) => verifyToken(token, p, getKey),
  };
}

/** The token service the configuration asks for: the IdP's JWKS when JWT_JWKS_URL is set, else HS256 with `secret()`. */
export function tokenServiceFromConfig(
  config: Pick<Config, 'jwtIssuer' | 'jwtAudience' | 'jwtJwksUrl' | 'jwtMaxLifetimeS'>,
  secret: () => string,
): TokenService {
  const policy = { audience: config.jwtAudience, maxLifetimeS: config.jwtMaxLifetimeS };
  return config.jwtJwksUrl
    ? createJwksTokenService(config.jwtJwksUrl, config.jwtIssuer, policy)
    : createTokenService(secret(), config.jwtIssuer, policy);
}

async function verifyToken(token: string, p: Policy, key: Uint8Array | JWTVerifyGetKey): Promise<VerifiedToken> {
  if (token.length > MAX_TOKEN_BYTES) throw new InvalidTokenError(`The bearer token is larger than the ${MAX_TOKEN_BYTES} bytes accepted`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [...p.algorithms],
      issuer: p.issuer,
      audience: p.audience,
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: CLOCK_SKEW_S,
      // Also makes jose refuse an `iat` more than clockTolerance in the future.
      maxTokenAge: p.maxLifetimeS,
    }));
  } catch (err) {
    throw refusal(err, p);
  }
  const lifetime = (payload.exp as number) - (payload.iat as number);
  if (lifetime > p.maxLifetimeS) {
    throw new InvalidTokenError(`The bearer token's lifetime (exp − iat) exceeds the ${p.maxLifetimeS} s accepted`);
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > MAX_SUB_LENGTH) {
    throw new InvalidTokenError('The bearer token\'s "sub" claim does not name a user');
  }
  return { sub: payload.sub };
}

/** jose's failure as a fixed sentence: jose's own messages are not passed on, nothing of the token is. */
function refusal(err: unknown, p: Policy): Error {
  if (err instanceof TokenKeysUnavailableError) return err;
  if (err instanceof joseErrors.JWTExpired) {
    return new InvalidTokenError(err.claim === 'iat'
      ? `The bearer token is older than the ${p.maxLifetimeS} s accepted`
      : 'The bearer token has expired');
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = ['iss', 'aud', 'sub', 'iat', 'exp', 'nbf', 'typ'].includes(err.claim) ? err.claim : 'a';
    if (err.reason === 'missing') return new InvalidTokenError(`The bearer token lacks the required "${claim}" claim`);
    if (err.reason !== 'check_failed') return new InvalidTokenError(`The bearer token's "${claim}" claim is not valid`);
    switch (claim) {
      case 'iss': return new InvalidTokenError('The bearer token\'s issuer ("iss") is not the one this API accepts');
      case 'aud': return new InvalidTokenError('The bearer token\'s audience ("aud") does not include this API');
      case 'iat': return new InvalidTokenError(`The bearer token is issued in the future ("iat" more than ${CLOCK_SKEW_S} s ahead)`);
      case 'nbf': return new InvalidTokenError('The bearer token is not valid yet ("nbf")');
      default: return new InvalidTokenError(`The bearer token's "${claim}" claim is not valid`);
    }
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return new InvalidTokenError(`The bearer token's signing algorithm is not accepted (accepted: ${p.algorithms.join(', ')})`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new InvalidTokenError('The bearer token\'s signature does not verify');
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('No single key of the identity provider matches the bearer token');
  }
  if (err instanceof joseErrors.JOSEError) return new InvalidTokenError('The bearer token is not a well-formed signed JWT');
  // Not jose's: let it surface as an internal error rather than blame the caller.
  return err instanceof Error ? err : new Error(String(err));
}
