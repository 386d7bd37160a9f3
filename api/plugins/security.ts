import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, problemMediaType, problemTypes } from '../problems.js';

/**
 * Security headers and rate limits (docs/security.md, "HTTP"). Limits are per user once a token
 * is verified and per address before that; failed authentication and the public routes are held
 * tighter, and starting a process has an hourly quota per user.
 */
export type RateLimits = { [K in keyof typeof defaultRateLimits]: number };

export const defaultRateLimits = {
  /** Requests a minute of one signed-in user. */
  perUserPerMinute: 600,
  /** Requests a minute of one address without a valid token (the public routes). */
  perAddressPerMinute: 120,
  /** Failed authentications a minute from one address; the next one answers 429. */
  failedAuthPerMinute: 150,
  /** Processes (reports, cases, inspections, screening runs) one user may start in an hour. */
  processStartsPerHour: 120,
} as const;

/** The operations that start a process: the quota counts these. */
const processStarts = new Set(['POST /meldingen', 'POST /handhaving', 'POST /inspections', 'POST /screening-runs', 'POST /dossiers/:dossierId/notes']);

const tooManyRequests = (detail: string) => new HttpProblem(429, problemTypes.tooManyRequests, 'Too Many Requests', detail);

const userOf = (request: FastifyRequest) => (request as FastifyRequest & { user?: { id: string } | null }).user ?? null;

export default fp(async function security(app: FastifyInstance, options: { limits?: Partial<RateLimits> }) {
  const rateLimits: RateLimits = { ...defaultRateLimits, ...options.limits };
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles; no script may be inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS is the TLS terminator's business (docs/deployment.md); on plain-HTTP 127.0.0.1 it misleads.
    strictTransportSecurity: false,
  });

  // After authentication (preHandler), so a signed-in user is limited as a user, not by address.
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    max: (request) => (userOf(request) ? rateLimits.perUserPerMinute : rateLimits.perAddressPerMinute),
    keyGenerator: (request) => {
      const user = userOf(request);
      return user ? `user:${user.id}` : `address:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => tooManyRequests(`More than ${context.max} requests a minute; try again in ${context.after}.`),
  });

  const failedAuth = app.createRateLimit({ max: rateLimits.failedAuthPerMinute, timeWindow: 60_000, keyGenerator: (request) => `auth:${request.ip}` });
  // Counting failures needs the answer: a 401 is counted, and past the limit it becomes a 429.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401) return payload;
    const limit = await failedAuth(request);
    if (limit.isAllowed || !limit.isExceeded) return payload;
    const retryAfter = Math.max(1, Math.ceil(limit.ttl / 1000));
    reply.code(429).type(problemMediaType).header('retry-after', String(retryAfter));
    const problem = tooManyRequests(`Too many failed authentications from this address; try again in ${retryAfter} s.`);
    return JSON.stringify({ type: problem.problemType, title: problem.title, status: 429, detail: problem.detail, instance: request.url, requestId: request.id });
  });

  const startQuota = app.createRateLimit({ max: rateLimits.processStartsPerHour, timeWindow: 3_600_000, keyGenerator: (request) => `start:${userOf(request)?.id ?? request.ip}` });
  app.addHook('preHandler', async (request, reply) => {
    if (!processStarts.has(`${request.method} ${request.routeOptions.url}`)) return;
    const limit = await startQuota(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil(limit.ttl / 1000))));
    throw tooManyRequests(`At most ${rateLimits.processStartsPerHour} processes an hour may be started by one person.`);
  });
}, { name: 'security' });
