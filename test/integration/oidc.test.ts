import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksTokenService } from '../../api/auth/tokens.js';
import { signInFromConfig } from '../../api/routes/sign-in.js';
import { loadConfig } from '../../platform/config.js';
import { runApi, type RunningApi } from '../../platform/services.js';
import { freePort } from './global-setup.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { expectAccessible, expectText, launchChromium, newPage, userName } from './ui-support.js';

// Production sign-in (issue 12) against a real OpenID Connect provider: node-oidc-provider, the
// certified implementation, on a loopback port. The web UI's "Aanmelden bij Opgroeien" runs the
// authorization code flow with PKCE through the provider's own login and consent pages; the API
// accepts the provider's RS256 access token (JWT, audience by resource indicator) from its JWKS,
// and reads the role from the users table, not from the token.

const resource = 'https://handhaving.test/api';
const clientId = 'handhaving-ui';

let sys: TestSystem;
let browser: Browser;
let page: Page;
let provider: Server;
let api: RunningApi;
let issuer: string;
const pageErrors: string[] = [];

async function startProvider(port: number, redirectUri: string): Promise<Server> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const oidc = new Provider(issuer, {
    clients: [{ client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-test-cookie-key-000000000000'] },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    // Any login name is an account; the API decides whether it is an active user.
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'handhaving', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
  });
  const server = createServer(oidc.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  const [providerPort, apiPort] = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${providerPort}`;
  const redirectUri = `http://127.0.0.1:${apiPort}/sign-in/oidc/callback`;
  [sys, browser, provider] = await Promise.all([startTestSystem(), launchChromium(), startProvider(providerPort, redirectUri)]);

  // The API as production configures it: the provider's tokens only, OIDC sign-in, no user picker.
  const config = loadConfig({
    JWT_JWKS_URL: `${issuer}/jwks`, JWT_ISSUER: issuer, JWT_AUDIENCE: resource,
    OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_URI: redirectUri, OIDC_SCOPE: 'openid profile handhaving', OIDC_RESOURCE: resource,
  });
  const tokens = createJwksTokenService(config.jwtJwksUrl!, config.jwtIssuer, { audience: config.jwtAudience, maxLifetimeS: config.jwtMaxLifetimeS });
  api = await runApi(
    { db: sys.appDb, temporal: sys.temporal, namespace: 'handhaving-test', taskQueue: sys.taskQueue, settings: sys.settings, tokens, signIn: signInFromConfig(config, tokens, false).settings },
    { logger: false, bodyLimit: 64 * 1024 },
    '127.0.0.1',
    apiPort,
  );
  page = await newPage(browser, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await new Promise((resolve) => provider?.close(resolve));
  await sys?.stop();
});

/** Through the provider's login and consent pages (node-oidc-provider's development interactions). */
async function signInAtProvider(page: Page, login: string) {
  await page.goto(`${api.url}/`);
  await page.getByRole('link', { name: 'Aanmelden bij Opgroeien' }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('irrelevant');
  await page.locator('button[type="submit"]').click();
  // The consent page, then back to the web UI.
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.href.startsWith(api.url));
}

describe('sign-in by OpenID Connect (authorization code with PKCE) against a real provider', () => {
  it('offers only the provider\'s sign-in: no user picker, no development token route', async () => {
    expect(await fetch(`${api.url}/sign-in/options`).then((r) => r.json())).toEqual({ dev: false, oidc: true });
    expect((await fetch(`${api.url}/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"u-admin"}' })).status).toBe(404);
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const start = await fetch(`${api.url}/sign-in/oidc`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(to.origin).toBe(issuer);
    expect(to.searchParams.get('client_id')).toBe(clientId);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('resource')).toBe(resource);
    expect(start.headers.get('set-cookie')).toMatch(/hh_oidc=.*HttpOnly/i);
  });

  it('a seeded user signs in at the provider and lands in Mijn werk by name; the role comes from the users table', async () => {
    const admin = 'u-admin';
    await signInAtProvider(page, admin);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    await expectText(page.locator('header'), await userName(sys, admin));
    await expectAccessible(page, 'mijn werk na OpenID Connect');
    // The token the UI holds is the provider's (RS256 from its JWKS), and the API serves it.
    const token = await page.evaluate<string | null>('sessionStorage.getItem("handhaving.token")');
    expect(token).toBeTruthy();
    const [header] = token!.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
    const me = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: admin, role: 'admin' });
    expect(pageErrors).toEqual([]);
  });

  it('someone the provider knows but who is no active user here is turned away with a reason, not signed in', async () => {
    // Another person: another browser, so no session at the provider or in the web UI.
    const stranger = await newPage(browser, pageErrors);
    await signInAtProvider(stranger, 'u-onbekend-99');
    expect(stranger.url()).toContain('fout=onbekend');
    await expectText(stranger.getByRole('alert'), /geen actieve gebruiker/);
    expect(await stranger.evaluate<string | null>('sessionStorage.getItem("handhaving.token")')).toBeNull();
    await stranger.context().close();
  });

  it('a hand-made callback without the state cookie is refused', async () => {
    const res = await fetch(`${api.url}/sign-in/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('fout=verlopen');
  });
});
