import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningApi, runApi } from '../../platform/services.js';
import { createJwksTokenService, createTokenService, DEFAULT_AUDIENCE, type TokenService } from '../../api/auth/tokens.js';
import { startTestSystem, type TestSystem } from './harness.js';

// Bearer tokens over real HTTP: every refused token answers 401 application/problem+json with a
// detail that does not repeat it. The harness's system provides the seeded users; beside its own API
// (whose random secret stays inside the harness) this file runs two more on the same database: one
// with a secret it knows, to sign bad tokens validly, and one trusting a JWKS served on 127.0.0.1.

const ISSUER = 'handhaving-test';
const USER = 'u-kb-antwerpen-1';
const ROUTE = '/locations?limit=1';
const secret = randomBytes(32).toString('hex');
const key = new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

let sys: TestSystem;
let hsApi: RunningApi;
let idpApi: RunningApi;
let jwksServer: Server;
let jwksDown = false;
let jwksUrl: string;
let es: Awaited<ReturnType<typeof generateKeyPair>>;

const good = (): JWTPayload => ({ sub: USER, iss: ISSUER, aud: DEFAULT_AUDIENCE, iat: now(), exp: now() + 3600 });
const without = (claim: string): JWTPayload => Object.fromEntries(Object.entries(good()).filter(([k]) => k !== claim));
const hs256 = (claims: JWTPayload, signingKey = key) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(signingKey);
const es256 = (claims: JWTPayload, privateKey = es.privateKey, kid = 'idp-1') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(privateKey);

async function apiWith(tokens: TokenService): Promise<RunningApi> {
  return runApi(
    { db: sys.db, temporal: sys.temporal, namespace: inject('temporalNamespace'), taskQueue: sys.taskQueue, tokens, settings: sys.settings },
    { logger: false, bodyLimit: 64 * 1024 },
    '127.0.0.1',
    0,
  );
}

const get = (api: RunningApi, token: string) => fetch(`${api.url}${ROUTE}`, { headers: { authorization: `Bearer ${token}` } });

async function expect401(res: Response, token: string, detail: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  const body = await res.text();
  const problem = JSON.parse(body) as { type: string; status: number; detail: string };
  expect(problem).toMatchObject({ type: '/problems/unauthorized', status: 401 });
  expect(problem.detail).toMatch(detail);
  for (const part of token.split('.').filter((p) => p.length >= 8)) expect(body).not.toContain(part);
}

beforeAll(async () => {
  sys = await startTestSystem({ seedScale: 0.005 });
  hsApi = await apiWith(createTokenService(secret, ISSUER));

  es = await generateKeyPair('ES256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(es.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
  jwksServer = createServer((_req, res) => {
    if (jwksDown) res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  idpApi = await apiWith(createJwksTokenService(jwksUrl, ISSUER));
}, 180_000);

afterAll(async () => {
  await idpApi?.stop();
  await hsApi?.stop();
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
  await sys?.stop();
});

describe('bearer tokens over HTTP', () => {
  it('accepts the harness\'s tokens and validly signed ones', async () => {
    expect((await sys.http(ROUTE, { as: USER })).status).toBe(200);
    expect((await get(hsApi, await hs256(good()))).status).toBe(200);
  });

  it('answers 401 problem+json without a token', async () => {
    const res = await fetch(`${hsApi.url}${ROUTE}`);
    await expect401(res, '', /Send a bearer token/);
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['missing iss', () => hs256(without('iss')), /lacks the required "iss" claim/],
    ['wrong iss', () => hs256({ ...good(), iss: 'evil-issuer' }), /issuer \("iss"\)/],
    ['missing aud', () => hs256(without('aud')), /lacks the required "aud" claim/],
    ['wrong aud', () => hs256({ ...good(), aud: 'another-api' }), /audience \("aud"\)/],
    ['iat a year ahead', () => hs256({ ...good(), iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 3600 }), /issued in the future/],
    ['missing exp', () => hs256(without('exp')), /lacks the required "exp" claim/],
    ['a lifetime of a year', () => hs256({ ...good(), exp: now() + 365 * 86_400 }), /lifetime/],
    ['expired', () => hs256({ ...good(), iat: now() - 7200, exp: now() - 3600 }), /has expired/],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good())}.`, /signing algorithm is not accepted/],
    ['signed with another key', () => hs256(good(), new TextEncoder().encode('k'.repeat(40))), /signature does not verify/],
    ['a validly signed 10 KB token', () => hs256({ ...good(), padding: 'x'.repeat(10 * 1024) }), /larger than the 4096 bytes accepted/],
    ['a user that does not exist', () => hs256({ ...good(), sub: 'u-nobody' }), /no active user/],
  ])('answers 401 problem+json to a token with %s', async (_name, make, detail) => {
    const token = await make();
    await expect401(await get(hsApi, token), token, detail);
  });

  it('does the same on the harness\'s own API (its secret is not ours)', async () => {
    const token = await hs256(good());
    await expect401(await sys.http(ROUTE, { headers: { authorization: `Bearer ${token}` } }), token, /signature does not verify/);
  });
});

describe('tokens of an identity provider (JWKS over HTTP)', () => {
  it('accepts an ES256 token signed with the published key', async () => {
    expect((await get(idpApi, await es256(good()))).status).toBe(200);
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['the shared secret (HS256)', () => hs256(good()), /signing algorithm is not accepted \(accepted: RS256, ES256\)/],
    ['another key under the published kid', async () => es256(good(), (await generateKeyPair('ES256')).privateKey), /signature does not verify/],
    ['missing iss', () => es256(without('iss')), /lacks the required "iss" claim/],
    ['wrong aud', () => es256({ ...good(), aud: 'another-api' }), /audience/],
    ['iat a year ahead', () => es256({ ...good(), iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 3600 }), /issued in the future/],
    ['expired', () => es256({ ...good(), iat: now() - 7200, exp: now() - 3600 }), /has expired/],
    ['10 KB', () => es256({ ...good(), padding: 'x'.repeat(10 * 1024) }), /larger than/],
  ])('answers 401 problem+json to a token signed with %s', async (_name, make, detail) => {
    const token = await make();
    await expect401(await get(idpApi, token), token, detail);
  });

  it('answers 503 problem+json, not 401, when the identity provider\'s keys cannot be fetched', async () => {
    // A fresh API has no cached key set, so the first token makes it fetch one, which now fails.
    jwksDown = true;
    const api = await apiWith(createJwksTokenService(jwksUrl, ISSUER));
    try {
      const res = await get(api, await es256(good()));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/signing keys \(JWT_JWKS_URL\) cannot be fetched/);
    } finally {
      jwksDown = false;
      await api.stop();
    }
  });
});
