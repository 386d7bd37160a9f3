import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../problems.js';

// What the signed webhooks (Modular's, the sending channels') share: the raw body the signature
// covers, and the 401 when the signature does not hold.

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received: what a webhook's signature covers (api/routes/signed-webhook.ts). */
    rawBody?: string;
  }
}

/**
 * In the calling plugin only: keep each JSON body as received (`request.rawBody`) for a signature
 * check. A body that is no JSON becomes {} so that an unsigned one is refused as unsigned (401),
 * a signed one as invalid (400).
 */
export function keepRawJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    request.rawBody = body.toString();
    try {
      done(null, JSON.parse(request.rawBody));
    } catch {
      done(null, {});
    }
  });
}

/** Why a signature check failed, as the verifiers of modular/signature.ts and channels/signature.ts say it. */
export type SignatureRefusal = 'missing_headers' | 'bad_timestamp' | 'outside_window' | 'bad_signature';

/**
 * The 401 for a signature that does not hold, naming the webhook's headers and what it receives
 * (`delivery`, `callback`): `signatureRefused({ timestamp: 'x-modular-timestamp', signature: '…' }, 'delivery')`.
 */
export function signatureRefused(headers: { timestamp: string; signature: string }, what: string) {
  const reasons: Record<SignatureRefusal, string> = {
    missing_headers: `Send ${headers.timestamp} and ${headers.signature}`,
    bad_timestamp: `${headers.timestamp} must be Unix seconds`,
    outside_window: `The signed timestamp is outside the accepted window: a late or replayed ${what}`,
    bad_signature: 'The signature does not match the body and timestamp',
  };
  return (reason: SignatureRefusal) => unauthorized(reasons[reason]);
}
