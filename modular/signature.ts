import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: HMAC-SHA256 with the shared secret over `${timestamp}.${raw body}`, sent as
 * `v1=<hex>` in x-modular-signature, the timestamp (Unix seconds) in x-modular-timestamp. The
 * timestamp is signed so a captured delivery cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'outside_window' | 'bad_signature' };

export interface VerifyInput {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  /** Epoch ms. */
  now: number;
  /** How far the timestamp may lie from now, either way. */
  toleranceMs: number;
}

export function verifyWebhook(input: VerifyInput): VerifyResult {
  if (!input.timestamp || !input.signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ts = Number(input.timestamp);
  if (Math.abs(input.now - ts * 1000) > input.toleranceMs) return { ok: false, reason: 'outside_window' };
  const expected = Buffer.from(signWebhook(input.secret, ts, input.rawBody));
  // Several signatures may be sent while a secret is rotated: any one that matches is enough.
  const given = input.signature.split(',').map((s) => Buffer.from(s.trim()));
  const match = given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  return match ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
