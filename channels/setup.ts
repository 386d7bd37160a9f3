import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../platform/config.js';
import type { ChannelOptions } from './clients.js';
import type { ChannelWebhookSettings } from './signature.js';

/**
 * CHANNEL_WEBHOOK_SECRET, or for local use a random secret kept in DATA_DIR/channel-webhook-secret,
 * so that `npm start`'s simulators and API agree without anyone inventing one.
 */
export function channelWebhookSecret(config: Config, { createIfMissing }: { createIfMissing: boolean }): string | undefined {
  if (config.channelWebhookSecret) return config.channelWebhookSecret;
  const file = join(resolve(config.dataDir), 'channel-webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!createIfMissing) return undefined;
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The callbacks' settings for the API; undefined (callbacks answer 503) without a secret. */
export function channelWebhookSettings(config: Config, secret: string | undefined): ChannelWebhookSettings | undefined {
  return secret ? { secret, toleranceMs: config.modularWebhookToleranceS * 1000 } : undefined;
}

/** What the worker sends letters through: the configured (or simulated) providers and SMTP_URL. */
export function channelOptions(config: Config, urls: { registeredMail?: string; ebox?: string } = {}): ChannelOptions {
  const registeredMail = urls.registeredMail ?? config.registeredMailUrl;
  const ebox = urls.ebox ?? config.eboxUrl;
  return {
    ...(registeredMail ? { registeredMail: { baseUrl: registeredMail, timeoutMs: config.modularTimeoutMs } } : {}),
    ...(ebox ? { ebox: { baseUrl: ebox, timeoutMs: config.modularTimeoutMs } } : {}),
    ...(config.smtpUrl ? { smtp: { url: config.smtpUrl, from: config.smtpFrom } } : {}),
  };
}

