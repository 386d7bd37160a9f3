import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * What the simulators share, Modular's (modular/simulator.ts) and the sending channels'
 * (channels/sim-kit.ts): problem answers, signed deliveries retried like a real sender, and
 * listening on a host and port.
 */

export const problem = (reply: FastifyReply, status: number, title: string, detail: string) =>
  reply.code(status).type('application/problem+json').send({ type: 'about:blank', title, status, detail });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
}

/** One signed delivery (a webhook or a callback) and how each attempt to deliver it went. */
export interface SignedDelivery {
  deliveryId: string;
  timestamp: number;
  rawBody: string;
  signature: string;
  attempts: DeliveryAttempt[];
}

/**
 * POSTs a signed delivery to the receiver's URL (read at each attempt: it may be set later),
 * retrying network errors and 5xx up to four times with back-off; answers the last HTTP status,
 * null when none came. Every attempt is recorded on the delivery.
 */
export async function deliver(
  d: SignedDelivery,
  url: () => string | undefined,
  headers: { timestamp: string; delivery: string; signature: string },
): Promise<number | null> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const target = url();
    if (!target) {
      d.attempts.push({ at: new Date().toISOString(), status: null, error: 'no callback URL configured' });
      return null;
    }
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [headers.timestamp]: String(d.timestamp),
          [headers.delivery]: d.deliveryId,
          [headers.signature]: d.signature,
        },
        body: d.rawBody,
        signal: AbortSignal.timeout(10_000),
      });
      await res.text();
      d.attempts.push({ at: new Date().toISOString(), status: res.status });
      if (res.status < 500) return res.status;
    } catch (err) {
      d.attempts.push({ at: new Date().toISOString(), status: null, error: (err as Error).message });
    }
    await sleep(250 * 2 ** attempt);
  }
  return d.attempts.at(-1)?.status ?? null;
}

/** Listens on host and port (0: any free one); `url` is the simulator's base URL, `stop` closes it. */
export async function listenSimulator<S extends { app: FastifyInstance }>(sim: S, host: string, port: number) {
  await sim.app.listen({ host, port });
  const address = sim.app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { ...sim, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, stop: () => sim.app.close() };
}
