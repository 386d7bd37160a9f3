import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, runApi } from '../../platform/services.js';
import { type TestSystem, startTestSystem } from './harness.js';
import { locationOfTeam } from './melding-helpers.js';

// Security headers on the UI and Swagger UI, and the rate limits of api/plugins/security.ts:
// the default failed-authentication limit on the harness's API, smaller limits on a second API
// over the same database and worker (so the test needs tens of requests, not thousands).

let sys: TestSystem;
let strict: RunningApi;

beforeAll(async () => {
  sys = await startTestSystem();
  strict = await runApi(
    { db: sys.appDb, temporal: sys.temporal, namespace: 'handhaving-test', taskQueue: sys.taskQueue, tokens: sys.tokens, settings: sys.settings },
    { logger: false, bodyLimit: 64 * 1024, rateLimits: { perAddressPerMinute: 20, processStartsPerHour: 3 } },
    '127.0.0.1',
    0,
  );
});

afterAll(async () => {
  await strict?.stop();
  await sys?.stop();
});

describe('security headers', () => {
  it('the UI, the API and Swagger UI send CSP, nosniff, frame-ancestors and a referrer policy', async () => {
    for (const path of ['/', '/docs/', '/docs/json', '/healthz']) {
      const res = await fetch(`${sys.url}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});

describe('rate limits', () => {
  it('the 151st request with a forged token in a minute answers 429 problem+json with Retry-After', async () => {
    const forged = `${sys.token('u-kb-antwerpen-1').slice(0, -4)}AAAA`;
    const statuses: number[] = [];
    for (let i = 0; i < 151; i++) {
      const res = await fetch(`${sys.url}/meldingen`, { headers: { authorization: `Bearer ${forged}` } });
      statuses.push(res.status);
      if (i === 150) {
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await res.json()) as { status: number }).status).toBe(429);
      } else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 150).every((s) => s === 401)).toBe(true);
    expect(statuses[150]).toBe(429);
  });

  it('the public routes are limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await fetch(`${strict.url}/healthz`);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });

  it('one person may start only so many processes in an hour', async () => {
    const dossier = await locationOfTeam(sys, 'team-antwerpen');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${strict.url}/dossiers/${dossier.id}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sys.token('u-kb-antwerpen-1')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `Notitie ${i}` }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toBeTruthy();
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});
