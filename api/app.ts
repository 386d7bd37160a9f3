import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDependencies, AppOptions } from './dependencies.js';
import auth from './plugins/auth.js';
import errors, { clientErrorHandler, frameworkErrors, maxParamLength } from './plugins/errors.js';
import inputBoundary from './plugins/input-boundary.js';
import security from './plugins/security.js';
import openapi from './plugins/swagger.js';
import dossierRoutes from './routes/dossiers.js';
import handhavingRoutes from './routes/handhaving/index.js';
import healthRoutes from './routes/health.js';
import auditRoutes from './routes/audit.js';
import breakGlassRoutes from './routes/break-glass.js';
import codecRoutes from './routes/codec.js';
import incidentRoutes from './routes/incidents.js';
import inspectionRoutes from './routes/inspections/index.js';
import locationRoutes from './routes/locations.js';
import meldingRoutes from './routes/meldingen/index.js';
import meRoutes from './routes/me.js';
import modularWebhookRoutes from './routes/modular-webhook.js';
import publicRoutes from './routes/public/index.js';
import screeningRoutes from './routes/screening/index.js';
import uiRoutes from './routes/ui.js';
import userRoutes from './routes/users.js';
import { ajvOptions, schemaController } from './validation.js';
import workRoutes from './routes/work.js';
import notificationRoutes from './routes/notifications.js';
import dashboardRoutes from './routes/dashboard.js';
import rosterRoutes from './routes/roster.js';
import caseRoutes from './routes/cases.js';
import signInRoutes from './routes/sign-in.js';
import incidentResolveRoutes from './routes/incident-resolve.js';
import lettersRoutes from './routes/letters.js';
import channelsRoutes from './routes/channels.js';
import municipalitiesRoutes from './routes/municipalities.js';
import replacementCapacityRoutes from './routes/replacement-capacity.js';

export type { AppDependencies, AppOptions } from './dependencies.js';

/** Time limits of the HTTP layer; none bounds how long a handler runs (that is the handler's own limit). */
export const httpTimeouts = {
  /** The whole request (headers and body) must arrive within this; a client trickling its body gets 408. */
  requestTimeoutMs: 30_000,
  /** The request line and headers must arrive within this (and within requestTimeoutMs). */
  headersTimeoutMs: 10_000,
  /** A socket with no traffic either way this long is closed: longer than any handler may take. */
  connectionTimeoutMs: 120_000,
  /**
   * How long a handler may run before the client gets 503 problem+json: a command waits for its
   * workflow at most this long (an incident may hold it far longer; see docs/incidents.md).
   */
  handlerTimeoutMs: 25_000,
  /** A keep-alive connection idle this long after a response is closed (Fastify's default). */
  keepAliveTimeoutMs: 72_000,
} as const;

const requestIdPattern = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The whole HTTP application; the entries in scripts/ create, listen and shut it down. */
export async function buildApp(deps: AppDependencies, options: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? httpTimeouts.requestTimeoutMs;
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    requestTimeout,
    connectionTimeout: httpTimeouts.connectionTimeoutMs,
    keepAliveTimeout: httpTimeouts.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(httpTimeouts.headersTimeoutMs, requestTimeout),
      // Node checks the two timeouts above on this interval (default 30 s, which would let a slow
      // request run up to twice its limit).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    // Every error is problem+json, also the router's (bad percent-encoding 400, too long parameter
    // 414) and the HTTP parser's (header too large 431, request timeout 408, malformed 400).
    routerOptions: { maxParamLength },
    frameworkErrors,
    clientErrorHandler,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    handlerTimeout: httpTimeouts.handlerTimeoutMs,
    // docs/api-errors.md, "What the boundary refuses": bodies are not coerced, dates are plausible.
    ajv: ajvOptions,
    schemaController: schemaController(),
  });
  // JSON only: any other body gets 415 instead of a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errors);
  await app.register(security, { limits: options.rateLimits });
  await app.register(inputBoundary);
  await app.register(openapi);
  await app.register(auth, { tokens: deps.tokens, db: deps.db });

  await app.register(healthRoutes, deps);
  await app.register(meRoutes);
  await app.register(userRoutes, deps);
  await app.register(locationRoutes, deps);
  await app.register(dossierRoutes, deps);
  await app.register(meldingRoutes, deps);
  await app.register(handhavingRoutes, deps);
  await app.register(publicRoutes, deps);
  await app.register(screeningRoutes, deps);
  await app.register(inspectionRoutes, deps);
  await app.register(modularWebhookRoutes, deps);
  await app.register(incidentRoutes, deps);
  await app.register(incidentResolveRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(breakGlassRoutes, deps);
  await app.register(codecRoutes, deps);
  await app.register(workRoutes, deps);
  await app.register(notificationRoutes, deps);
  await app.register(dashboardRoutes, deps);
  await app.register(rosterRoutes, deps);
  await app.register(caseRoutes, deps);
  await app.register(signInRoutes, deps);
  await app.register(lettersRoutes, deps);
  await app.register(replacementCapacityRoutes, deps);
  await app.register(channelsRoutes, deps);
  await app.register(municipalitiesRoutes, deps);
  await app.register(uiRoutes);
  return app;
}
