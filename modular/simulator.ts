import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type {
  CreateOrderRequest,
  ModularEventData,
  ModularEventType,
  ModularOrder,
  ModularOrderStatus,
  ModularWebhookBody,
} from './contract.js';
import { addDays, localDateOf } from '../workflows/clock/index.js';
import { webhookHeaders } from './contract.js';
import { signWebhook } from './signature.js';
import { deliver, listenSimulator, problem, type SignedDelivery, sleep } from './sim-http.js';

/**
 * A stand-in for Zorginspectie's Modular, for development and tests: the order API of
 * docs/modular-openapi.yaml (orders accepted idempotently by key, read, cancelled), orders that
 * move through their statuses on the simulator's own clock (`stepMs`) or on command, and every
 * change announced to the agency through the signed webhook, retried like a real sender would.
 * Control endpoints under /_control let tests drive it: advance an order, let the location react,
 * cancel from Zorginspectie's side, redeliver a webhook, and simulate an outage or slow answers.
 * State is in memory.
 */
export interface SimulatorOptions {
  secret: string;
  /** Where webhooks go; may be set later with setCallbackUrl (the API may start after us). */
  callbackUrl?: string;
  /** Advance every order one status every stepMs; 0: only on command. */
  stepMs: number;
  logger?: boolean;
}

export interface SimOrder extends ModularOrder {
  request: CreateOrderRequest;
  idempotencyKey: string;
  /** How many create requests carried this order's key (a retried create counts here, not as an order). */
  createRequests: number;
}

export interface SimDelivery extends SignedDelivery {
  orderId: string;
  event: ModularEventType;
}

const flow: ModularOrderStatus[] = ['ontvangen', 'gepland', 'bezoek_uitgevoerd', 'ontwerpverslag', 'eindverslag'];

const createOrderBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reference', 'location', 'reason', 'questions', 'procedure', 'fourEyes', 'requestedAt'],
  properties: {
    reference: { type: 'string', minLength: 1, maxLength: 64 },
    location: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'organiserId'],
      properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string', maxLength: 300 }, organiserId: { type: 'string', maxLength: 64 } },
    },
    reason: { type: 'string', minLength: 1, maxLength: 5_000 },
    questions: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 2_000 } },
    procedure: { type: 'string', enum: ['regulier', 'spoed'] },
    fourEyes: { type: 'boolean' },
    requestedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export function buildModularSimulator(options: SimulatorOptions) {
  const app: FastifyInstance = Fastify({ logger: options.logger ?? false });
  const orders = new Map<string, SimOrder>();
  const byKey = new Map<string, string>();
  const deliveries: SimDelivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let callbackUrl = options.callbackUrl;
  let unavailableUntil = 0;
  let slowCreates: { count: number; ms: number } = { count: 0, ms: 0 };
  let orderCounter = 0;
  /** Requests to /v1 answered 503 during a simulated outage. */
  const stats = { unavailableAnswers: 0 };

  const unavailable = () => Date.now() < unavailableUntil;

  function view(o: SimOrder): ModularOrder & { createRequests: number; reference: string } {
    const { request: _r, idempotencyKey: _k, ...rest } = o;
    return rest;
  }

  /** Sends one signed delivery, retrying network errors and 5xx a few times; answers the last HTTP status. */
  const send = (d: SimDelivery) => deliver(d, () => callbackUrl, webhookHeaders);

  function announce(order: SimOrder, event: ModularEventType, data: ModularEventData): SimDelivery {
    const body: ModularWebhookBody = {
      deliveryId: `DLV-${randomUUID()}`,
      orderId: order.orderId,
      reference: order.reference,
      event,
      occurredAt: new Date().toISOString(),
      data,
    };
    const rawBody = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    const d: SimDelivery = { deliveryId: body.deliveryId, orderId: order.orderId, event, timestamp, rawBody, signature: signWebhook(options.secret, timestamp, rawBody), attempts: [] };
    deliveries.push(d);
    return d;
  }

  function defaultData(order: SimOrder, status: ModularOrderStatus): ModularEventData {
    const day = 24 * 3600 * 1000;
    switch (status) {
      case 'gepland':
        return { visitDate: new Date(Date.now() + 3 * day).toISOString(), inspectors: order.fourEyes ? 2 : 1 };
      case 'bezoek_uitgevoerd':
        return { visitedAt: new Date().toISOString() };
      case 'ontwerpverslag':
        return { documentRef: `MODULAR-DOC-${order.orderId}-ONTWERP`, reactionDeadline: addDays(localDateOf(Date.now()), 10) };
      case 'eindverslag': {
        const urgent = order.procedure === 'spoed';
        return {
          documentRef: `MODULAR-DOC-${order.orderId}-EIND`,
          findings: urgent ? ['Onvoldoende toezicht tijdens het middagdutje', 'Veiligheidsrisico in de slaapruimte'] : ['Kleine tekortkomingen in de registratie van aanwezigheden'],
          advice: urgent
            ? { urgency: 'hoog', enforce: true, motivation: 'De fysieke integriteit van de kinderen is in gevaar.', pointsOfAttention: ['toezicht', 'slaapruimte'] }
            : { urgency: 'laag', enforce: false, motivation: 'De tekortkomingen worden opgevolgd bij het volgende bezoek.', pointsOfAttention: ['registratie'] },
        };
      }
      default:
        return {};
    }
  }

  /** Moves an order to `to` (default: its next status), announces it and answers the delivery. */
  async function advance(order: SimOrder, to?: ModularOrderStatus, data?: ModularEventData) {
    const next = to ?? flow[flow.indexOf(order.status) + 1];
    if (!next || order.status === 'eindverslag' || order.status === 'geannuleerd') {
      return { error: `order ${order.orderId} has status ${order.status} and cannot advance` };
    }
    order.status = next;
    order.updatedAt = new Date().toISOString();
    const d = announce(order, next, data ?? defaultData(order, next));
    const httpStatus = await send(d);
    return { order: view(order), delivery: { deliveryId: d.deliveryId, httpStatus } };
  }

  async function cancelByZorginspectie(order: SimOrder, reason: string) {
    order.status = 'geannuleerd';
    order.updatedAt = new Date().toISOString();
    const d = announce(order, 'geannuleerd', { reason, by: 'zorginspectie' });
    return { order: view(order), delivery: { deliveryId: d.deliveryId, httpStatus: await send(d) } };
  }

  /** The simulator's own clock: one step every stepMs until the final report. */
  function schedule(order: SimOrder) {
    if (options.stepMs <= 0) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (order.status === 'eindverslag' || order.status === 'geannuleerd') return;
      void advance(order).then(() => schedule(order));
    }, options.stepMs);
    timer.unref();
    timers.add(timer);
  }

  function findOrder(orderId: string) {
    return orders.get(orderId);
  }

  // ----- the Modular API (docs/modular-openapi.yaml) --------------------------------------------

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/v1/') && unavailable()) {
      stats.unavailableAnswers += 1;
      return problem(reply, 503, 'Service Unavailable', 'Modular is down for maintenance (simulated)');
    }
  });

  app.post<{ Body: CreateOrderRequest; Headers: { 'idempotency-key'?: string } }>('/v1/orders', { schema: { body: createOrderBody } }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (!key) return problem(reply, 400, 'Bad Request', 'An Idempotency-Key header is required');
    const known = byKey.get(key);
    if (known) {
      const order = orders.get(known)!;
      if (JSON.stringify(order.request) !== JSON.stringify(request.body)) {
        return problem(reply, 422, 'Unprocessable Entity', 'This Idempotency-Key was used for a different order');
      }
      order.createRequests += 1;
      return reply.code(200).send(view(order));
    }
    orderCounter += 1;
    const now = new Date().toISOString();
    const order: SimOrder = {
      orderId: `MOD-${String(orderCounter).padStart(6, '0')}-${randomUUID().slice(0, 4).toUpperCase()}`,
      reference: request.body.reference,
      status: 'ontvangen',
      procedure: request.body.procedure,
      fourEyes: request.body.fourEyes,
      createdAt: now,
      updatedAt: now,
      request: request.body,
      idempotencyKey: key,
      createRequests: 1,
    };
    orders.set(order.orderId, order);
    byKey.set(key, order.orderId);
    schedule(order);
    // A slow answer: the order exists already, the caller may time out and retry with the same key.
    if (slowCreates.count > 0) {
      slowCreates.count -= 1;
      await sleep(slowCreates.ms);
    }
    return reply.code(201).send(view(order));
  });

  app.get<{ Params: { orderId: string } }>('/v1/orders/:orderId', async (request, reply) => {
    const order = findOrder(request.params.orderId);
    return order ? view(order) : problem(reply, 404, 'Not Found', `order ${request.params.orderId} does not exist`);
  });

  app.post<{ Params: { orderId: string }; Body: { reason: string } }>('/v1/orders/:orderId/cancel', {
    schema: { body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 2_000 } } } },
  }, async (request, reply) => {
    const order = findOrder(request.params.orderId);
    if (!order) return problem(reply, 404, 'Not Found', `order ${request.params.orderId} does not exist`);
    if (order.status === 'eindverslag') return problem(reply, 409, 'Conflict', 'The final report is made; the order can no longer be cancelled');
    if (order.status !== 'geannuleerd') {
      order.status = 'geannuleerd';
      order.updatedAt = new Date().toISOString();
      // Modular announces every status change, also the ones the agency asked for.
      const d = announce(order, 'geannuleerd', { reason: request.body.reason, by: 'agentschap' });
      void send(d);
    }
    return view(order);
  });

  // ----- control, for tests and demos ---------------------------------------------------------

  app.get<{ Querystring: { reference?: string } }>('/_control/orders', async (request) =>
    [...orders.values()].filter((o) => !request.query.reference || o.reference === request.query.reference).map(view),
  );

  app.get('/_control/stats', async () => ({ ...stats, orders: orders.size, deliveries: deliveries.length }));

  app.get<{ Querystring: { orderId?: string } }>('/_control/deliveries', async (request) =>
    deliveries.filter((d) => !request.query.orderId || d.orderId === request.query.orderId),
  );

  app.post<{ Params: { orderId: string }; Body: { to?: ModularOrderStatus; data?: ModularEventData } | undefined }>('/_control/orders/:orderId/advance', async (request, reply) => {
    const order = findOrder(request.params.orderId);
    if (!order) return problem(reply, 404, 'Not Found', `order ${request.params.orderId} does not exist`);
    const result = await advance(order, request.body?.to, request.body?.data);
    return 'error' in result ? problem(reply, 409, 'Conflict', result.error!) : result;
  });

  app.post<{ Params: { orderId: string }; Body: { text: string } }>('/_control/orders/:orderId/reaction', async (request, reply) => {
    const order = findOrder(request.params.orderId);
    if (!order) return problem(reply, 404, 'Not Found', `order ${request.params.orderId} does not exist`);
    if (order.status !== 'ontwerpverslag') return problem(reply, 409, 'Conflict', 'The location can only react to a draft report');
    const d = announce(order, 'reactie_voorziening', { text: request.body.text, receivedAt: new Date().toISOString() });
    return { order: view(order), delivery: { deliveryId: d.deliveryId, httpStatus: await send(d) } };
  });

  app.post<{ Params: { orderId: string }; Body: { reason: string } }>('/_control/orders/:orderId/cancel', async (request, reply) => {
    const order = findOrder(request.params.orderId);
    if (!order) return problem(reply, 404, 'Not Found', `order ${request.params.orderId} does not exist`);
    if (order.status === 'eindverslag' || order.status === 'geannuleerd') return problem(reply, 409, 'Conflict', `order has status ${order.status}`);
    return cancelByZorginspectie(order, request.body.reason);
  });

  /** Sends a delivery again exactly as before (same id, timestamp and signature): a duplicate. */
  app.post<{ Params: { deliveryId: string } }>('/_control/deliveries/:deliveryId/redeliver', async (request, reply) => {
    const d = deliveries.find((x) => x.deliveryId === request.params.deliveryId);
    if (!d) return problem(reply, 404, 'Not Found', `delivery ${request.params.deliveryId} does not exist`);
    return { deliveryId: d.deliveryId, httpStatus: await send(d) };
  });

  app.post<{ Body: { unavailableForMs?: number; slowCreates?: { count: number; ms: number } } }>('/_control/faults', async (request) => {
    if (request.body.unavailableForMs !== undefined) unavailableUntil = Date.now() + request.body.unavailableForMs;
    if (request.body.slowCreates) slowCreates = { ...request.body.slowCreates };
    return { unavailableUntil: new Date(unavailableUntil).toISOString(), slowCreates };
  });

  app.addHook('onClose', async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  });

  return {
    app,
    orders,
    deliveries,
    setCallbackUrl(url: string) {
      callbackUrl = url;
    },
  };
}

export type ModularSimulator = ReturnType<typeof buildModularSimulator>;

/** Builds the simulator and listens; `url` is its base URL (MODULAR_URL for the agency). */
export async function startModularSimulator(options: SimulatorOptions & { host: string; port: number }) {
  return listenSimulator(buildModularSimulator(options), options.host, options.port);
}

export type RunningModularSimulator = Awaited<ReturnType<typeof startModularSimulator>>;
