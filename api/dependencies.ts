import type { Client } from '@temporalio/client';
import type { FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ModularWebhookSettings } from '../modular/setup.js';
import type { ProcessSettings } from '../workflows/settings.js';
import type { TokenService } from './auth/tokens.js';
import type { RateLimits } from './plugins/security.js';

// What the app is built from, in a module of its own: routes import these types without importing
// the app that imports them (no cycle, not even of types).

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
  /** Rate limits other than the defaults of api/plugins/security.ts (tests use small ones). */
  rateLimits?: Partial<RateLimits>;
  /** How long a client may take to send a whole request, headers and body (default 30 s); then 408. */
  requestTimeoutMs?: number;
}

