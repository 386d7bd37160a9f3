import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, ConfigError } from '../platform/config.js';
import type { ModularClientOptions } from './client.js';

/**
 * MODULAR_WEBHOOK_SECRET, or for local use a random secret kept in DATA_DIR/modular-webhook-secret,
 * so that `npm start`, `npm run modular-sim` and a restart agree without anyone inventing one.
 */
export function modularWebhookSecret(config: Config, { createIfMissing }: { createIfMissing: boolean }): string {
  if (config.modularWebhookSecret) return config.modularWebhookSecret;
  const file = join(resolve(config.dataDir), 'modular-webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!createIfMissing) throw new ConfigError('MODULAR_WEBHOOK_SECRET', `is required (or run \`npm start\` once to create ${file})`);
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** What the webhook route needs to check a delivery. */
export interface ModularWebhookSettings {
  secret: string;
  toleranceMs: number;
}

export function modularClientOptions(config: Config, baseUrl: string): ModularClientOptions {
  return { baseUrl, timeoutMs: config.modularTimeoutMs };
}
