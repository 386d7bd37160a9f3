import Fastify from 'fastify';
import { callbackSender, createOncePerKey, documentSchema, listenSimulator, problem, type SimDocument, simId } from '../sim-kit.js';

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

  app.post<{ Body: EboxMessageRequest; Headers: { 'idempotency-key'?: string } }>('/v1/messages', { schema: { body: createBody } }, createOncePerKey({
    stats,
    items: messages,
    byKey,
    idOf: (m) => m.messageId,
    create: (key, body: EboxMessageRequest): SimEboxMessage => ({
      messageId: simId('EBOX'),
      idempotencyKey: key,
      enterpriseNumber: body.enterpriseNumber,
      reference: body.reference,
      subject: body.subject,
      sha256: body.document.sha256,
      status: 'afgeleverd',
      readAt: null,
      requests: 1,
      createdAt: new Date().toISOString(),
    }),
    view: (m) => m,
  }));

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
  return listenSimulator(buildEboxSimulator(options), options.host, options.port);
}
export type RunningEboxSimulator = Awaited<ReturnType<typeof startEboxSimulator>>;
