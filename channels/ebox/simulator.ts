import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { callbackSender, checkDocument, documentSchema, problem, type SimDocument } from '../sim-kit.js';

/**
 * A stand-in for the e-Box for enterprises (the government's e-mailbox of an enterprise number),
 * over real HTTP: a message with its PDF is accepted once per Idempotency-Key and put in the
 * enterprise's box; when the enterprise reads it (on command, `/_control`), a signed callback
 * says so. State in memory.
 */
export interface EboxMessageRequest {
  enterpriseNumber: string;
  reference: string;
  subject: string;
  body: string;
  document: SimDocument;
}

export interface SimEboxMessage {
  messageId: string;
  idempotencyKey: string;
  enterpriseNumber: string;
  reference: string;
  subject: string;
  sha256: string;
  status: 'afgeleverd' | 'gelezen';
  readAt: string | null;
  requests: number;
  createdAt: string;
}

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseNumber', 'reference', 'subject', 'body', 'document'],
  properties: {
    enterpriseNumber: { type: 'string', pattern: '^[01][0-9]{3}\\.?[0-9]{3}\\.?[0-9]{3}$' },
    reference: { type: 'string', minLength: 1, maxLength: 300 },
    subject: { type: 'string', minLength: 1, maxLength: 500 },
    body: { type: 'string', maxLength: 50_000 },
    document: documentSchema,
  },
} as const;

export function buildEboxSimulator(options: { secret: string; callbackUrl?: string }) {
  const app = Fastify({ logger: false, bodyLimit: 15 * 1024 * 1024 });
  const messages = new Map<string, SimEboxMessage>();
  const byKey = new Map<string, string>();
  const callbacks = callbackSender(options.secret, options.callbackUrl);
  const stats = { requests: 0, duplicates: 0 };

  app.post<{ Body: EboxMessageRequest; Headers: { 'idempotency-key'?: string } }>('/v1/messages', { schema: { body: createBody } }, async (request, reply) => {
    stats.requests += 1;
    const key = request.headers['idempotency-key'];
    if (!key) return problem(reply, 400, 'Bad Request', 'An Idempotency-Key header is required');
    const known = byKey.get(key);
    if (known) {
      const m = messages.get(known)!;
      if (m.sha256 !== request.body.document.sha256) return problem(reply, 422, 'Unprocessable Entity', 'This Idempotency-Key was used for a different document');
      m.requests += 1;
      stats.duplicates += 1;
      return reply.code(200).send(m);
    }
    const bad = checkDocument(request.body.document);
    if (bad) return problem(reply, 422, 'Unprocessable Entity', bad);
    const m: SimEboxMessage = {
      messageId: `EBOX-${randomUUID().slice(0, 8).toUpperCase()}`,
      idempotencyKey: key,
      enterpriseNumber: request.body.enterpriseNumber,
      reference: request.body.reference,
      subject: request.body.subject,
      sha256: request.body.document.sha256,
      status: 'afgeleverd',
      readAt: null,
      requests: 1,
      createdAt: new Date().toISOString(),
    };
    messages.set(m.messageId, m);
    byKey.set(key, m.messageId);
    return reply.code(201).send(m);
  });

  app.get('/_control/messages', async () => [...messages.values()]);
  app.get('/_control/stats', async () => ({ ...stats, messages: messages.size, callbacks: callbacks.sent.length }));
  app.post<{ Params: { messageId: string } }>('/_control/messages/:messageId/read', async (request, reply) => {
    const m = messages.get(request.params.messageId);
    if (!m) return problem(reply, 404, 'Not Found', 'no such message');
    m.status = 'gelezen';
    m.readAt = new Date().toISOString();
    const httpStatus = await callbacks.announce(m.messageId, 'gelezen', { reference: m.reference, readOn: m.readAt.slice(0, 10) });
    return { message: m, httpStatus };
  });

  return { app, messages, callbacks, setCallbackUrl: callbacks.setUrl };
}

export async function startEboxSimulator(options: { secret: string; callbackUrl?: string; host: string; port: number }) {
  const sim = buildEboxSimulator(options);
  await sim.app.listen({ host: options.host, port: options.port });
  const address = sim.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { ...sim, url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`, stop: () => sim.app.close() };
}
export type RunningEboxSimulator = Awaited<ReturnType<typeof startEboxSimulator>>;
