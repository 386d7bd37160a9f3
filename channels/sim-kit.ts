import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { deliver, problem, type SignedDelivery } from '../modular/sim-http.js';
import { channelHeaders, signChannelCallback } from './signature.js';

export { listenSimulator, problem } from '../modular/sim-http.js';

/** What the channel simulators share: signed callbacks, retried like a real sender, and problem answers. */
export interface SimCallback extends SignedDelivery {
  ref: string;
  event: string;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function callbackSender(secret: string, initialUrl: string | undefined) {
  let url = initialUrl;
  const sent: SimCallback[] = [];

  function make(ref: string, event: string, data: Record<string, unknown>): SimCallback {
    const deliveryId = `CB-${randomUUID()}`;
    const rawBody = JSON.stringify({ deliveryId, ref, event, occurredAt: new Date().toISOString(), data });
    const timestamp = Math.floor(Date.now() / 1000);
    const cb: SimCallback = { deliveryId, ref, event, timestamp, rawBody, signature: signChannelCallback(secret, timestamp, rawBody), attempts: [] };
    sent.push(cb);
    return cb;
  }

  const send = (cb: SimCallback) => deliver(cb, () => url, channelHeaders);

  return {
    sent,
    setUrl(u: string) {
      url = u;
    },
    announce: (ref: string, event: string, data: Record<string, unknown>) => send(make(ref, event, data)),
    redeliver(deliveryId: string) {
      const cb = sent.find((c) => c.deliveryId === deliveryId);
      return cb ? send(cb) : Promise.resolve(undefined);
    },
  };
}

/** The document every channel carries: a PDF, base64, with its SHA-256 the receiver checks. */
export const documentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['filename', 'sha256', 'contentBase64'],
  properties: {
    filename: { type: 'string', minLength: 1, maxLength: 200 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    contentBase64: { type: 'string', maxLength: 10_000_000 },
  },
} as const;

export interface SimDocument {
  filename: string;
  sha256: string;
  contentBase64: string;
}

/** The document's bytes, when they are a PDF with the announced hash. */
export function checkDocument(doc: SimDocument): string | undefined {
  const bytes = Buffer.from(doc.contentBase64, 'base64');
  if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) return 'the document is not a PDF';
  if (sha256Hex(bytes) !== doc.sha256) return 'the document does not match its sha256';
  return undefined;
}

/** A simulator's id for a new item: the prefix and eight hex digits, "AZ-1A2B3C4D". */
export const simId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;

/** What a channel's create request carries and what it keeps: the document, by its hash. */
interface Sent {
  sha256: string;
  /** How many requests carried this item's key (a retry counts here, not as an item). */
  requests: number;
}

/**
 * The create route of a channel (a registered letter, an e-Box message), accepted once per
 * Idempotency-Key: a repeat with the same document answers the item made before (200, counted as
 * a duplicate), one with another document 422; a new key needs a PDF with its hash, and `create`
 * makes the new item (201), kept in `items` by its id and in `byKey` by the key.
 */
export function createOncePerKey<B extends { document: SimDocument }, T extends Sent>(o: {
  stats: { requests: number; duplicates: number };
  items: Map<string, T>;
  byKey: Map<string, string>;
  idOf: (item: T) => string;
  create: (key: string, body: B) => T;
  view: (item: T) => unknown;
}) {
  return async (request: { body: B; headers: { 'idempotency-key'?: string } }, reply: FastifyReply) => {
    o.stats.requests += 1;
    const key = request.headers['idempotency-key'];
    if (!key) return problem(reply, 400, 'Bad Request', 'An Idempotency-Key header is required');
    const known = o.items.get(o.byKey.get(key) ?? '');
    if (known) {
      if (known.sha256 !== request.body.document.sha256) return problem(reply, 422, 'Unprocessable Entity', 'This Idempotency-Key was used for a different document');
      known.requests += 1;
      o.stats.duplicates += 1;
      return reply.code(200).send(o.view(known));
    }
    const bad = checkDocument(request.body.document);
    if (bad) return problem(reply, 422, 'Unprocessable Entity', bad);
    const item = o.create(key, request.body);
    o.items.set(o.idOf(item), item);
    o.byKey.set(key, o.idOf(item));
    return reply.code(201).send(o.view(item));
  };
}
