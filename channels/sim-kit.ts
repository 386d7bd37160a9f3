import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { channelHeaders, signChannelCallback } from './signature.js';

/** What the channel simulators share: signed callbacks, retried like a real sender, and problem answers. */
export interface SimCallback {
  deliveryId: string;
  ref: string;
  event: string;
  timestamp: number;
  rawBody: string;
  signature: string;
  attempts: { at: string; status: number | null; error?: string }[];
}

export const problem = (reply: FastifyReply, status: number, title: string, detail: string) =>
  reply.code(status).type('application/problem+json').send({ type: 'about:blank', title, status, detail });

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  async function send(cb: SimCallback): Promise<number | null> {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      if (!url) {
        cb.attempts.push({ at: new Date().toISOString(), status: null, error: 'no callback URL configured' });
        return null;
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [channelHeaders.timestamp]: String(cb.timestamp),
            [channelHeaders.delivery]: cb.deliveryId,
            [channelHeaders.signature]: cb.signature,
          },
          body: cb.rawBody,
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
        cb.attempts.push({ at: new Date().toISOString(), status: res.status });
        if (res.status < 500) return res.status;
      } catch (err) {
        cb.attempts.push({ at: new Date().toISOString(), status: null, error: (err as Error).message });
      }
      await sleep(250 * 2 ** attempt);
    }
    return cb.attempts.at(-1)?.status ?? null;
  }

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
