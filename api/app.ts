import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ModularWebhookSettings } from '../lib/modular/setup.js';
import type { ProcessSettings } from '../lib/process-settings.js';
import type { TokenService } from '../lib/tokens.js';
import auth from './plugins/auth.js';
import errors from './plugins/errors.js';
import openapi from './plugins/swagger.js';
import dossierRoutes from './routes/dossiers.js';
import handhavingRoutes from './routes/handhaving.js';
import healthRoutes from './routes/health.js';
import inspectionRoutes from './routes/inspections.js';
import locationRoutes from './routes/locations.js';
import meldingRoutes from './routes/meldingen.js';
import meRoutes from './routes/me.js';
import modularWebhookRoutes from './routes/modular-webhook.js';
import publicRoutes from './routes/public.js';
import screeningRoutes from './routes/screening.js';
import uiRoutes from './routes/ui.js';
import userRoutes from './routes/users.js';

export interface AppDependencies {
  db: Kysely<Database>;
  temporal: Client;
  namespace: string;
  taskQueue: string;
  tokens: TokenService;
  settings: ProcessSettings;
  /** The shared secret and window for Modular's webhook; absent: the webhook answers 503. */
  modularWebhook?: ModularWebhookSettings;
}

export interface AppOptions {
  logger: FastifyServerOptions['logger'];
  bodyLimit: number;
}

const requestIdPattern = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The whole HTTP application; the entries in scripts/ create, listen and shut it down. */
export async function buildApp(deps: AppDependencies, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
  });
  // JSON only: any other body gets 415 instead of a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errors);
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
  await app.register(uiRoutes);
  return app;
}
