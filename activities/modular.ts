import { ApplicationFailure } from '@temporalio/common';
import { createModularClient, type ModularClient, type ModularClientOptions, ModularError } from '../modular/client.js';
import type { CreateOrderRequest, ModularOrderStatus } from '../modular/contract.js';

export interface CreateOrderInput {
  /** Derived from the request: every retry of this activity sends the same key. */
  idempotencyKey: string;
  order: CreateOrderRequest;
}

export interface CancelOrderInput {
  orderId: string;
  idempotencyKey: string;
  reason: string;
}

export type CancelOrderResult = { cancelled: true } | { cancelled: false; reason: string };

/** Failure types the workflow's retry policy tells apart. */
export const modularFailureTypes = {
  unavailable: 'ModularUnavailable', // retried with backoff
  rejected: 'ModularRejected', // not retried: the order itself is wrong
  notConfigured: 'ModularNotConfigured', // retried: the worker may be configured and restarted
} as const;

function toFailure(err: unknown): ApplicationFailure {
  if (err instanceof ModularError && !err.retryable) {
    return ApplicationFailure.create({ type: modularFailureTypes.rejected, message: err.message, nonRetryable: true });
  }
  return ApplicationFailure.create({ type: modularFailureTypes.unavailable, message: (err as Error).message });
}

/**
 * Activities that call Zorginspectie's Modular. Each is idempotent: an order carries a key
 * derived from the request, a cancellation one derived from the cancellation.
 */
export function createModularActivities(options: ModularClientOptions | undefined) {
  const client: ModularClient | undefined = options ? createModularClient(options) : undefined;

  function modular(): ModularClient {
    if (!client) {
      throw ApplicationFailure.create({ type: modularFailureTypes.notConfigured, message: 'MODULAR_URL is not configured for this worker' });
    }
    return client;
  }

  return {
    /** Creates the order, or finds the one an earlier attempt created (same idempotency key). */
    async createModularOrder({ idempotencyKey, order }: CreateOrderInput): Promise<{ orderId: string; status: ModularOrderStatus; replayed: boolean }> {
      try {
        const { order: created, replayed } = await modular().createOrder(order, idempotencyKey);
        return { orderId: created.orderId, status: created.status, replayed };
      } catch (err) {
        throw toFailure(err);
      }
    },

    /** Asks Modular to cancel; Modular refuses (409) once the final report is made. */
    async cancelModularOrder({ orderId, idempotencyKey, reason }: CancelOrderInput): Promise<CancelOrderResult> {
      try {
        const order = await modular().cancelOrder(orderId, { reason }, idempotencyKey);
        return order.status === 'geannuleerd' ? { cancelled: true } : { cancelled: false, reason: `order has status ${order.status}` };
      } catch (err) {
        if (err instanceof ModularError && err.kind === 'conflict') return { cancelled: false, reason: err.message };
        throw toFailure(err);
      }
    },
  };
}

export type ModularActivities = ReturnType<typeof createModularActivities>;
