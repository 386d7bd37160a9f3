import { createHash, randomUUID } from 'node:crypto';

/**
 * A report's id from what identifies it to the sender: its external reference (e.g. a Klaroen
 * number) or its idempotency key, so that sending it again finds the same report and the same
 * workflow; a random id when it has neither.
 */
export function meldingIdFor(identity: { externalRef?: string; idempotencyKey?: string }): string {
  const basis = identity.externalRef
    ? `ext:${identity.externalRef}`
    : identity.idempotencyKey
      ? `key:${identity.idempotencyKey}`
      : `random:${randomUUID()}`;
  return `MEL-${createHash('sha256').update(basis).digest('hex').slice(0, 16).toUpperCase()}`;
}
