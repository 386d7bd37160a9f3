import Fastify from 'fastify';
import { callbackSender, createOncePerKey, documentSchema, listenSimulator, problem, type SimDocument, simId } from '../sim-kit.js';
import { localDateOf } from '../../workflows/clock/index.js';

/**
 * A stand-in for an electronic registered-mail provider (aangetekende zending), for development
 * and tests, over real HTTP. A letter is accepted once per Idempotency-Key (a retried request
 * gets the same letter and is only counted), offered to the addressee at once, and then
 * delivered, not collected or returned: on the simulator's clock (`stepMs`: delivered) or on
 * command (`/_control`). Every status change is announced by a signed callback. State in memory.
 */
export type RegisteredStatus = 'aangeboden' | 'bezorgd' | 'niet_afgehaald' | 'teruggestuurd';

export interface RegisteredLetterRequest {
  reference: string;
  recipient: { name: string; addressLines: string[] };
  subject: string;
  document: SimDocument;
}

export interface SimRegisteredLetter {
  letterId: string;
  reference: string;
  idempotencyKey: string;
  status: RegisteredStatus;
  presentedOn: string;
  deliveredOn: string | null;
  returnedOn: string | null;
  recipient: RegisteredLetterRequest['recipient'];
  subject: string;
  sha256: string;
  /** How many requests carried this letter's key (a retry counts here, not as a letter). */
  requests: number;
  createdAt: string;
}

export interface RegisteredMailSimOptions {
  secret: string;
  callbackUrl?: string;
  /** Deliver each letter this many ms after it was offered; 0: only on command. */
  stepMs: number;
}

// A Belgian provider dates its presentation and delivery in Brussels, not UTC (between midnight
// and 01:00/02:00 the two name different days, and the legal term counts from the Brussels one).
const today = () => localDateOf(Date.now());

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reference', 'recipient', 'subject', 'document'],
  properties: {
    reference: { type: 'string', minLength: 1, maxLength: 300 },
    recipient: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'addressLines'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 300 }, addressLines: { type: 'array', maxItems: 6, items: { type: 'string', maxLength: 300 } } },
    },
    subject: { type: 'string', minLength: 1, maxLength: 500 },
    document: documentSchema,
  },
} as const;

export function buildRegisteredMailSimulator(options: RegisteredMailSimOptions) {
  const app = Fastify({ logger: false, bodyLimit: 15 * 1024 * 1024 });
  const letters = new Map<string, SimRegisteredLetter>();
  const byKey = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const callbacks = callbackSender(options.secret, options.callbackUrl);
  const stats = { requests: 0, duplicates: 0 };
  let unavailableUntil = 0;

  function view(l: SimRegisteredLetter) {
    return { ...l };
  }

  async function settle(letter: SimRegisteredLetter, outcome: Exclude<RegisteredStatus, 'aangeboden'>, on?: string) {
    letter.status = outcome;
    const date = on ?? today();
    if (outcome === 'bezorgd') letter.deliveredOn = date;
    if (outcome === 'teruggestuurd') letter.returnedOn = date;
    const httpStatus = await callbacks.announce(letter.letterId, outcome, {
      reference: letter.reference,
      presentedOn: letter.presentedOn,
      deliveredOn: letter.deliveredOn,
      returnedOn: letter.returnedOn,
      reason: outcome === 'teruggestuurd' ? 'adres onbekend' : undefined,
    });
    return { letter: view(letter), httpStatus };
  }

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/v1/') && Date.now() < unavailableUntil) return problem(reply, 503, 'Service Unavailable', 'down for maintenance (simulated)');
  });

  app.post<{ Body: RegisteredLetterRequest; Headers: { 'idempotency-key'?: string } }>('/v1/registered-letters', { schema: { body: createBody } }, createOncePerKey({
    stats,
    items: letters,
    byKey,
    idOf: (letter) => letter.letterId,
    create: (key, body: RegisteredLetterRequest) => {
      const letter: SimRegisteredLetter = {
        letterId: simId('AZ'),
        reference: body.reference,
        idempotencyKey: key,
        status: 'aangeboden',
        presentedOn: today(),
        deliveredOn: null,
        returnedOn: null,
        recipient: body.recipient,
        subject: body.subject,
        sha256: body.document.sha256,
        requests: 1,
        createdAt: new Date().toISOString(),
      };
      if (options.stepMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (letter.status === 'aangeboden') void settle(letter, 'bezorgd');
        }, options.stepMs);
        t.unref();
        timers.add(t);
      }
      return letter;
    },
    view,
  }));

  app.get<{ Params: { letterId: string } }>('/v1/registered-letters/:letterId', async (request, reply) => {
    const letter = letters.get(request.params.letterId);
    return letter ? view(letter) : problem(reply, 404, 'Not Found', `letter ${request.params.letterId} does not exist`);
  });

  // ----- control, for tests and demos -----
  app.get('/_control/letters', async () => [...letters.values()].map(view));
  app.get('/_control/stats', async () => ({ ...stats, letters: letters.size, callbacks: callbacks.sent.length }));
  app.get('/_control/callbacks', async () => callbacks.sent);
  app.post<{ Params: { letterId: string }; Body: { outcome: Exclude<RegisteredStatus, 'aangeboden'>; on?: string } }>('/_control/letters/:letterId/outcome', {
    schema: { body: { type: 'object', required: ['outcome'], properties: { outcome: { type: 'string', enum: ['bezorgd', 'niet_afgehaald', 'teruggestuurd'] }, on: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } } },
  }, async (request, reply) => {
    const letter = letters.get(request.params.letterId);
    if (!letter) return problem(reply, 404, 'Not Found', `letter ${request.params.letterId} does not exist`);
    if (letter.status !== 'aangeboden') return problem(reply, 409, 'Conflict', `letter has status ${letter.status}`);
    return settle(letter, request.body.outcome, request.body.on);
  });
  app.post<{ Params: { deliveryId: string } }>('/_control/callbacks/:deliveryId/redeliver', async (request, reply) => {
    const status = await callbacks.redeliver(request.params.deliveryId);
    return status === undefined ? problem(reply, 404, 'Not Found', 'no such callback') : { deliveryId: request.params.deliveryId, httpStatus: status };
  });
  app.post<{ Body: { unavailableForMs?: number } }>('/_control/faults', async (request) => {
    if (request.body.unavailableForMs !== undefined) unavailableUntil = Date.now() + request.body.unavailableForMs;
    return { unavailableUntil: new Date(unavailableUntil).toISOString() };
  });
  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
  });

  return { app, letters, callbacks, setCallbackUrl: callbacks.setUrl };
}

export async function startRegisteredMailSimulator(options: RegisteredMailSimOptions & { host: string; port: number }) {
  return listenSimulator(buildRegisteredMailSimulator(options), options.host, options.port);
}
export type RunningRegisteredMailSimulator = Awaited<ReturnType<typeof startRegisteredMailSimulator>>;
