import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildApp, httpTimeouts } from '../../api/app.js';
import { connectDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { seedFlanders } from '../../db/seed/index.js';
import { loadConfig } from '../../platform/config.js';
import { createProcessSettings } from '../../workflows/settings.js';
import { type RunningApi, runApi } from '../../platform/services.js';
import { createTokenService } from '../../api/auth/tokens.js';

// Every error is problem+json, also those of the router and of the HTTP layer, over real HTTP on a
// listening server; the malformed requests over a raw socket. None of these requests reaches a
// handler, so no Temporal worker runs: a small seeded database only lets the bearer token resolve.

const requestTimeoutMs = 2_000;
const bodyLimit = 64 * 1024;

let api: RunningApi;
let db: Kysely<Database>;
let port: number;
let token: string;
const cleanups: (() => Promise<unknown>)[] = [];

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function unusedDependency<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_t, key) => { throw new Error(`${name}.${String(key)} is not available in this test`); } });
}

beforeAll(async () => {
  const name = `hh_test_${inject('runId')}_http_${randomBytes(3).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  cleanups.push(() => adminQuery(`drop database if exists "${name}" with (force)`));
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  ({ db } = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 }));
  cleanups.push(() => db.destroy());
  await migrateToLatest(db);
  await seedFlanders(db, { scale: 0.005 });
  const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-test');
  token = tokens.sign({ sub: 'u-kb-antwerpen-1', role: 'from-db', name: 'u-kb-antwerpen-1' });
  api = await runApi(
    {
      db,
      temporal: unusedDependency('temporal'),
      namespace: 'handhaving-test',
      taskQueue: 'unused',
      tokens,
      settings: createProcessSettings(loadConfig({})),
    },
    { logger: false, bodyLimit, requestTimeoutMs },
    '127.0.0.1',
    0,
  );
  cleanups.push(() => api.stop());
  port = Number(new URL(api.url).port);
}, 120_000);

afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** When the server closed the connection, in ms after the request started. */
  closedAfterMs: number;
}

/**
 * Sends raw bytes (a string, or a list of chunks sent `intervalMs` apart) and reads the response
 * until the server closes the connection or the response is complete.
 */
function rawRequest(request: string | string[], intervalMs = 0): Promise<RawResponse> {
  const chunks = typeof request === 'string' ? [request] : request;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP response, got: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? Number.NaN);
      const body = text.slice(split + 4);
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: Number.isNaN(length) ? body : body.slice(0, length), closedAfterMs: Date.now() - started });
    };
    socket.on('data', (data) => received.push(data));
    // The server may reset a connection it refused while we still send: what arrived counts.
    socket.on('error', finish);
    socket.on('close', finish);
    let next = 0;
    const send = () => {
      if (socket.destroyed || next >= chunks.length) return;
      socket.write(chunks[next++] as string);
      if (next < chunks.length) timer = setTimeout(send, intervalMs);
    };
    socket.on('connect', send);
  });
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
}

/** An RFC 9457 problem+json answer with the given status and type; its body. */
function expectProblem(res: { status: number; contentType: string | null | undefined; body: string }, status: number, type: string): ProblemBody {
  expect(res.status, res.body.slice(0, 300)).toBe(status);
  expect(res.contentType).toMatch(/^application\/problem\+json\b/);
  const problem = JSON.parse(res.body) as ProblemBody;
  expect(problem).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String), instance: expect.any(String), requestId: expect.any(String) });
  expect(problem.title.length).toBeGreaterThan(0);
  return problem;
}

const fromRaw = (res: RawResponse) => ({ status: res.status, contentType: res.headers['content-type'], body: res.body });
const fromFetch = async (res: Response) => ({ status: res.status, contentType: res.headers.get('content-type'), body: await res.text() });

const authorised = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

describe('errors of the router', () => {
  it('answers an unknown route with 404 problem+json', async () => {
    const problem = expectProblem(await fromFetch(await fetch(`${api.url}/no/such/route?x=1`)), 404, '/problems/not-found');
    expect(problem.instance).toBe('/no/such/route?x=1');
  });

  it('answers a path that is not validly percent-encoded with 400 problem+json', async () => {
    const res = await rawRequest('GET /locations/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const problem = expectProblem(fromRaw(res), 400, '/problems/bad-request');
    expect(problem.instance).toBe('/locations/%E0%A4%A');
    expect(res.headers['x-request-id']).toBe(problem.requestId);
  });

  it('answers a 10,000-character path parameter with 414 problem+json, without echoing it in the detail', async () => {
    const res = await fetch(`${api.url}/locations/${'a'.repeat(10_000)}`, authorised());
    const problem = expectProblem(await fromFetch(res), 414, '/problems/uri-too-long');
    expect(problem.detail.length).toBeLessThan(200);
  });

  it('accepts a parameter of up to 200 characters into the route (its schema then judges it)', async () => {
    const res = await fetch(`${api.url}/locations/${'a'.repeat(200)}`, authorised());
    expectProblem(await fromFetch(res), 400, '/problems/validation');
  });
});

describe('errors of the HTTP layer', () => {
  it('answers a 20 KB header with 431 problem+json', async () => {
    const res = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20 * 1024)}\r\n\r\n`);
    const problem = expectProblem(fromRaw(res), 431, '/problems/request-header-fields-too-large');
    expect(problem.instance).toBe('/healthz');
    expect(res.headers.connection).toBe('close');
  });

  it('answers a request that is not HTTP with 400 problem+json', async () => {
    const res = await rawRequest('GET /healthz HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n');
    const problem = expectProblem(fromRaw(res), 400, '/problems/bad-request');
    expect(problem.instance).toMatch(/^(\/healthz|urn:uuid:[0-9a-f-]{36})$/);
  });

  it('answers a body over the limit with 413 problem+json, with and without a content-length', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(bodyLimit) });
    const declared = await fetch(`${api.url}/meldingen`, authorised({ method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expectProblem(await fromFetch(declared), 413, '/problems/payload-too-large');
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const chunked = await fetch(`${api.url}/meldingen`, authorised({ method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed, duplex: 'half' } as RequestInit));
    expectProblem(await fromFetch(chunked), 413, '/problems/payload-too-large');
  });

  it('answers a body that is not JSON with 415 problem+json', async () => {
    const res = await fetch(`${api.url}/meldingen`, authorised({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }));
    expectProblem(await fromFetch(res), 415, '/problems/unsupported-media-type');
  });

  it('answers JSON that does not parse with 400 problem+json', async () => {
    const res = await fetch(`${api.url}/meldingen`, authorised({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text": ' }));
    expectProblem(await fromFetch(res), 400, '/problems/validation');
  });

  it('answers a client that trickles its body with 408 problem+json and closes the connection at the request timeout', async () => {
    const head = `POST /meldingen HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    // One byte a second: the whole request would take 100 s.
    const res = await rawRequest([head, ...'{"text":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'.slice(0, 100)], 1_000);
    expectProblem(fromRaw(res), 408, '/problems/request-timeout');
    // The limit plus at most one check interval (1 s) and some slack.
    expect(res.closedAfterMs).toBeLessThan(requestTimeoutMs + 3_000);
  }, 20_000);

  it('bounds how long a request may take to arrive by default', async () => {
    const app = await buildApp(
      { db, temporal: unusedDependency('temporal'), namespace: 'x', taskQueue: 'x', tokens: createTokenService(randomBytes(32).toString('hex'), 'x'), settings: createProcessSettings(loadConfig({})) },
      { logger: false, bodyLimit },
    );
    try {
      expect(app.server.requestTimeout).toBe(httpTimeouts.requestTimeoutMs);
      expect(app.server.headersTimeout).toBe(httpTimeouts.headersTimeoutMs);
      expect(app.server.timeout).toBe(httpTimeouts.connectionTimeoutMs);
      expect(httpTimeouts.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    } finally {
      await app.close();
    }
  });
});
