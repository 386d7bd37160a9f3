import type { CancelOrderRequest, CreateOrderRequest, ModularOrder } from './contract.js';

/**
 * A typed client for Modular's order API (docs/modular-openapi.yaml): JSON over HTTP, a timeout
 * per attempt, a few quick retries with exponential backoff for what may pass (network errors,
 * timeouts, 408, 429, 5xx), and an Idempotency-Key on every order, so a create retried after a
 * timeout finds the order the first attempt made instead of making a second one. Longer outages
 * are the caller's to wait out: the Temporal activity that uses it retries with its own backoff.
 */
export interface ModularClientOptions {
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for retryable failures. Default 2. */
  retries?: number;
  /** First backoff; doubles per attempt, with up to 20 % jitter. Default 200 ms. */
  backoffMs?: number;
}

export type ModularErrorKind = 'unavailable' | 'timeout' | 'rejected' | 'not_found' | 'conflict';

export class ModularError extends Error {
  constructor(
    message: string,
    readonly kind: ModularErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModularError';
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

export interface ModularClient {
  createOrder(order: CreateOrderRequest, idempotencyKey: string): Promise<{ order: ModularOrder; replayed: boolean }>;
  getOrder(orderId: string): Promise<ModularOrder>;
  cancelOrder(orderId: string, request: CancelOrderRequest, idempotencyKey: string): Promise<ModularOrder>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kindOf(status: number): ModularErrorKind {
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'rejected';
}

export function createModularClient(options: ModularClientOptions): ModularClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;

  async function attempt<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new ModularError(`Modular did not answer ${method} ${path} within ${options.timeoutMs} ms`, 'timeout');
      }
      throw new ModularError(`Modular cannot be reached (${method} ${path}): ${(e.cause as Error | undefined)?.message ?? e.message}`, 'unavailable');
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new ModularError(`Modular's answer to ${method} ${path} broke off: ${(err as Error).message}`, 'unavailable');
    }
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        const problem = JSON.parse(text) as { detail?: string; title?: string };
        detail = problem.detail ?? problem.title ?? detail;
      } catch {
        // not JSON: keep the text
      }
      throw new ModularError(`Modular answered ${res.status} to ${method} ${path}: ${detail}`, kindOf(res.status), res.status);
    }
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    for (let i = 0; ; i += 1) {
      try {
        return await attempt<T>(method, path, body, headers);
      } catch (err) {
        if (!(err instanceof ModularError) || !err.retryable || i >= retries) throw err;
        const delay = backoffMs * 2 ** i;
        await sleep(delay + Math.floor(Math.random() * delay * 0.2));
      }
    }
  }

  return {
    async createOrder(order, idempotencyKey) {
      const res = await call<ModularOrder>('POST', '/v1/orders', order, { 'idempotency-key': idempotencyKey });
      return { order: res.body, replayed: res.status === 200 };
    },
    async getOrder(orderId) {
      return (await call<ModularOrder>('GET', `/v1/orders/${encodeURIComponent(orderId)}`)).body;
    },
    async cancelOrder(orderId, request, idempotencyKey) {
      const res = await call<ModularOrder>('POST', `/v1/orders/${encodeURIComponent(orderId)}/cancel`, request, { 'idempotency-key': idempotencyKey });
      return res.body;
    },
  };
}
