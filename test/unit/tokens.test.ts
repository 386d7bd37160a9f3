import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import {
  CLOCK_SKEW_S,
  createJwksTokenService,
  createTokenService,
  DEFAULT_AUDIENCE,
  InvalidTokenError,
  MAX_TOKEN_BYTES,
  TokenKeysUnavailableError,
  tokenServiceFromConfig,
} from '../../api/auth/tokens.js';

// Token verification against real signatures: HS256 with the shared secret, and ES256/RS256 keys
// published by a JWKS served over real HTTP on 127.0.0.1.

const ISSUER = 'handhaving-test';
const secret = randomBytes(32).toString('hex');
const hs = createTokenService(secret, ISSUER);
const key = new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A token with exactly these claims (nothing added), signed HS256 with `signingKey`. */
function hs256(claims: JWTPayload, signingKey: Uint8Array = key): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(signingKey);
}

const good = (): JWTPayload => ({ sub: 'u-kb-antwerpen-1', iss: ISSUER, aud: DEFAULT_AUDIENCE, iat: now(), exp: now() + 3600 });
const without = (claim: string): JWTPayload => Object.fromEntries(Object.entries(good()).filter(([k]) => k !== claim));

/** Refused with a 401 reason matching `reason`, and the reason repeats no part of the token. */
async function expectRefused(verify: (t: string) => Promise<unknown>, token: string, reason: RegExp) {
  const error = await verify(token).then(() => undefined, (err: unknown) => err);
  expect(error, `accepted a token that should be refused (${reason})`).toBeInstanceOf(InvalidTokenError);
  const message = (error as Error).message;
  expect(message).toMatch(reason);
  for (const part of token.split('.').filter((p) => p.length >= 8)) expect(message).not.toContain(part);
}

describe('HS256 tokens with the shared secret', () => {
  const verify = (t: string) => hs.verify(t);

  it('accepts a token it signed, and one signed by jose with the required claims', async () => {
    await expect(hs.verify(hs.sign({ sub: 'u-kb-antwerpen-1', role: 'x', name: 'x' }))).resolves.toEqual({ sub: 'u-kb-antwerpen-1' });
    await expect(hs.verify(await hs256(good()))).resolves.toEqual({ sub: 'u-kb-antwerpen-1' });
    // Within the clock skew: a token from a server whose clock runs 30 s ahead.
    await expect(hs.verify(await hs256({ ...good(), iat: now() + 30 }))).resolves.toEqual({ sub: 'u-kb-antwerpen-1' });
    // An audience list that includes ours.
    await expect(hs.verify(await hs256({ ...good(), aud: ['other-api', DEFAULT_AUDIENCE] }))).resolves.toBeTruthy();
  });

  it('puts iss, aud, iat and exp in the tokens it signs', () => {
    const payload = JSON.parse(Buffer.from(hs.sign({ sub: 'u', role: 'r', name: 'n' }, 60_000).split('.')[1]!, 'base64url').toString()) as JWTPayload;
    expect(payload).toMatchObject({ sub: 'u', iss: ISSUER, aud: DEFAULT_AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(2);
  });

  it('refuses a token without iss', async () => {
    await expectRefused(verify, await hs256(without('iss')), /lacks the required "iss" claim/);
  });

  it('refuses a token of another issuer', async () => {
    await expectRefused(verify, await hs256({ ...good(), iss: 'someone-else' }), /issuer \("iss"\) is not the one this API accepts/);
  });

  it('refuses a token without aud, or for another audience', async () => {
    await expectRefused(verify, await hs256(without('aud')), /lacks the required "aud" claim/);
    await expectRefused(verify, await hs256({ ...good(), aud: 'another-api' }), /audience \("aud"\) does not include this API/);
    await expectRefused(verify, await hs256({ ...good(), aud: ['a', 'b'] }), /audience/);
  });

  it('refuses an iat a year ahead, and one just beyond the clock skew', async () => {
    const yearAhead = now() + 365 * 86_400;
    await expectRefused(verify, await hs256({ ...good(), iat: yearAhead, exp: yearAhead + 3600 }), /issued in the future/);
    await expectRefused(verify, await hs256({ ...good(), iat: now() + CLOCK_SKEW_S + 30 }), /issued in the future/);
  });

  it('refuses a token without exp, without iat, or with a non-numeric exp', async () => {
    await expectRefused(verify, await hs256(without('exp')), /lacks the required "exp" claim/);
    await expectRefused(verify, await hs256(without('iat')), /lacks the required "iat" claim/);
    await expectRefused(verify, await hs256({ ...good(), exp: 'tomorrow' as unknown as number }), /"exp" claim is not valid/);
  });

  it('refuses an expired token, and one whose lifetime exceeds the maximum', async () => {
    await expectRefused(verify, await hs256({ ...good(), iat: now() - 7200, exp: now() - 3600 }), /has expired/);
    // Signed for a year: refused although it has not expired.
    await expectRefused(verify, await hs256({ ...good(), exp: now() + 365 * 86_400 }), /lifetime \(exp − iat\) exceeds the 43200 s accepted/);
    // Issued 13 hours ago with a long exp: too old.
    await expectRefused(verify, await hs256({ ...good(), iat: now() - 13 * 3600, exp: now() + 3600 }), /older than the 43200 s accepted/);
    const short = createTokenService(secret, ISSUER, { maxLifetimeS: 600 });
    await expectRefused((t) => short.verify(t), await hs256(good()), /exceeds the 600 s accepted/);
  });

  it('refuses a validly signed 10 KB token, and accepts one just under the cap', async () => {
    const big = await hs256({ ...good(), padding: 'x'.repeat(10 * 1024) });
    expect(big.length).toBeGreaterThan(10 * 1024);
    await expectRefused(verify, big, new RegExp(`larger than the ${MAX_TOKEN_BYTES} bytes accepted`));
    const base = (await hs256({ ...good(), padding: '' })).length;
    const fits = await hs256({ ...good(), padding: 'x'.repeat(Math.floor((MAX_TOKEN_BYTES - base) * 0.74)) });
    expect(fits.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    await expect(hs.verify(fits)).resolves.toBeTruthy();
  });

  it('refuses alg none', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good())}.`;
    await expectRefused(verify, none, /signing algorithm is not accepted \(accepted: HS256\)/);
  });

  it('refuses a token signed with another key, and a tampered one', async () => {
    await expectRefused(verify, await hs256(good(), new TextEncoder().encode('z'.repeat(40))), /signature does not verify/);
    const [h, , s] = (await hs256(good())).split('.');
    await expectRefused(verify, `${h}.${b64({ ...good(), sub: 'u-admin-1' })}.${s}`, /signature does not verify/);
  });

  it('refuses garbage and a token whose sub names no user', async () => {
    await expectRefused(verify, 'not-a-jwt-at-all', /not a well-formed signed JWT/);
    await expectRefused(verify, `${b64({ alg: 'HS256' })}.!!!.???`, /not a well-formed|signature/);
    await expectRefused(verify, await hs256(without('sub')), /lacks the required "sub" claim/);
    await expectRefused(verify, await hs256({ ...good(), sub: '' }), /"sub" claim does not name a user/);
  });
});

describe('tokens of an identity provider via JWKS over HTTP', () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;
  let answer: 'keys' | 'error' = 'keys';
  let es: Awaited<ReturnType<typeof generateKeyPair>>;
  let rs: Awaited<ReturnType<typeof generateKeyPair>>;
  let attacker: Awaited<ReturnType<typeof generateKeyPair>>;
  let publicEsJwk: Record<string, unknown>;

  beforeAll(async () => {
    es = await generateKeyPair('ES256', { extractable: true });
    rs = await generateKeyPair('RS256', { extractable: true });
    attacker = await generateKeyPair('ES256');
    publicEsJwk = { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' };
    const jwks = JSON.stringify({ keys: [publicEsJwk, { ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' }] });
    server = createServer((req, res) => {
      requests += 1;
      if (answer === 'error' || req.url !== '/.well-known/jwks.json') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const sign = (claims: JWTPayload, alg: 'ES256' | 'RS256', kid: string, privateKey: CryptoKey) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(privateKey);

  it('accepts ES256 and RS256 tokens signed with the published keys', async () => {
    const idp = createJwksTokenService(jwksUrl, ISSUER);
    await expect(idp.verify(await sign(good(), 'ES256', 'es-1', es.privateKey))).resolves.toEqual({ sub: 'u-kb-antwerpen-1' });
    await expect(idp.verify(await sign({ ...good(), sub: 'u-admin-1' }, 'RS256', 'rs-1', rs.privateKey))).resolves.toEqual({ sub: 'u-admin-1' });
  });

  it('refuses the same claim failures as with the shared secret', async () => {
    const idp = createJwksTokenService(jwksUrl, ISSUER);
    const verify = (t: string) => idp.verify(t);
    await expectRefused(verify, await sign(without('iss'), 'ES256', 'es-1', es.privateKey), /lacks the required "iss" claim/);
    await expectRefused(verify, await sign({ ...good(), aud: 'another-api' }, 'ES256', 'es-1', es.privateKey), /audience/);
    await expectRefused(verify, await sign({ ...good(), iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 60 }, 'ES256', 'es-1', es.privateKey), /issued in the future/);
    await expectRefused(verify, await sign({ ...good(), iat: now() - 7200, exp: now() - 3600 }, 'ES256', 'es-1', es.privateKey), /has expired/);
    await expectRefused(verify, await sign({ ...good(), padding: 'x'.repeat(10 * 1024) }, 'ES256', 'es-1', es.privateKey), /larger than/);
  });

  it('refuses a token signed by another key under a published kid, or an unknown kid', async () => {
    const idp = createJwksTokenService(jwksUrl, ISSUER);
    await expectRefused((t) => idp.verify(t), await sign(good(), 'ES256', 'es-1', attacker.privateKey), /signature does not verify/);
    await expectRefused((t) => idp.verify(t), await sign(good(), 'ES256', 'es-unknown', attacker.privateKey), /No single key of the identity provider matches/);
  });

  it('refuses alg none, HS256 with the shared secret, and HS256 keyed with the public key (algorithm confusion), without fetching keys', async () => {
    const idp = createJwksTokenService(jwksUrl, ISSUER);
    const before = requests;
    const verify = (t: string) => idp.verify(t);
    await expectRefused(verify, `${b64({ alg: 'none' })}.${b64(good())}.`, /algorithm is not accepted \(accepted: RS256, ES256\)/);
    await expectRefused(verify, await hs256(good()), /algorithm is not accepted/);
    const confused = await new SignJWT(good()).setProtectedHeader({ alg: 'HS256', kid: 'es-1' }).sign(new TextEncoder().encode(JSON.stringify(publicEsJwk)));
    await expectRefused(verify, confused, /algorithm is not accepted/);
    expect(requests).toBe(before);
  });

  it('answers "keys unavailable" (not a token refusal) when the JWKS cannot be fetched', async () => {
    answer = 'error';
    try {
      const idp = createJwksTokenService(jwksUrl, ISSUER);
      await expect(idp.verify(await sign(good(), 'ES256', 'es-1', es.privateKey))).rejects.toBeInstanceOf(TokenKeysUnavailableError);
    } finally {
      answer = 'keys';
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createJwksTokenService(`http://127.0.0.1:${port}/jwks.json`, ISSUER);
    await expect(unreachable.verify(await sign(good(), 'ES256', 'es-1', es.privateKey))).rejects.toBeInstanceOf(TokenKeysUnavailableError);
  });

  it('is chosen by JWT_JWKS_URL, which then leaves the shared secret out', async () => {
    const config = loadConfig({ JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER });
    let secretRead = false;
    const tokens = tokenServiceFromConfig(config, () => {
      secretRead = true;
      return secret;
    });
    expect(secretRead).toBe(false);
    await expect(tokens.verify(await sign(good(), 'ES256', 'es-1', es.privateKey))).resolves.toEqual({ sub: 'u-kb-antwerpen-1' });
    await expectRefused((t) => tokens.verify(t), hs.sign({ sub: 'u-kb-antwerpen-1', role: 'x', name: 'x' }), /algorithm is not accepted/);
  });
});

describe('token configuration', () => {
  it('defaults the audience and the lifetime, and reads them', () => {
    expect(loadConfig({})).toMatchObject({ jwtAudience: 'handhaving-api', jwtMaxLifetimeS: 43_200, jwtJwksUrl: undefined });
    expect(loadConfig({ JWT_AUDIENCE: 'api://handhaving', JWT_MAX_LIFETIME_S: '3600', JWT_JWKS_URL: 'https://idp.example/keys' }))
      .toMatchObject({ jwtAudience: 'api://handhaving', jwtMaxLifetimeS: 3600, jwtJwksUrl: 'https://idp.example/keys' });
  });

  it.each([
    ['JWT_JWKS_URL', 'http://idp.example/keys', /must use https:\/\//],
    ['JWT_JWKS_URL', 'not a url', /must be a URL/],
    ['JWT_MAX_LIFETIME_S', '999999', /between 60 and 86400/],
  ])('stops on %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
