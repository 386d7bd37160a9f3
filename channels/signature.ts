import { signWebhook, verifyWebhook, type VerifyResult } from '../modular/signature.js';

/**
 * Callbacks of the sending channels (registered mail, e-Box) are signed like Modular's webhooks:
 * HMAC-SHA256 over `${timestamp}.${raw body}` with the shared CHANNEL_WEBHOOK_SECRET, the Unix
 * timestamp signed along so a captured callback cannot be replayed later; each callback has a
 * delivery id the receiver records, so a redelivered one changes nothing.
 */
export const channelHeaders = {
  timestamp: 'x-channel-timestamp',
  delivery: 'x-channel-delivery',
  signature: 'x-channel-signature',
} as const;

export const signChannelCallback = signWebhook;
export function verifyChannelCallback(input: Parameters<typeof verifyWebhook>[0]): VerifyResult {
  return verifyWebhook(input);
}

/** What the callback route needs. */
export interface ChannelWebhookSettings {
  secret: string;
  toleranceMs: number;
}
