/**
 * The wire contract with Zorginspectie's Modular, as written down in docs/modular-openapi.yaml.
 * Pure types and constants (no imports), so the workflow, the activities, the API, the simulator
 * and the tests share one definition.
 */

/** An order's status in Modular, in Modular's own (Dutch) vocabulary. */
export const modularOrderStatuses = ['ontvangen', 'gepland', 'bezoek_uitgevoerd', 'ontwerpverslag', 'eindverslag', 'geannuleerd'] as const;
export type ModularOrderStatus = (typeof modularOrderStatuses)[number];

/** What a webhook delivery announces: a status change, or the location's reaction to the draft report. */
export const modularEventTypes = [...modularOrderStatuses, 'reactie_voorziening'] as const;
export type ModularEventType = (typeof modularEventTypes)[number];

export type ModularProcedure = 'regulier' | 'spoed';

export interface CreateOrderRequest {
  /** The agency's reference: the inspection request id. */
  reference: string;
  location: { id: string; name: string; organiserId: string };
  reason: string;
  questions: string[];
  procedure: ModularProcedure;
  /** Two inspectors (vier-ogenprincipe). */
  fourEyes: boolean;
  requestedAt: string;
}

export interface ModularOrder {
  orderId: string;
  reference: string;
  status: ModularOrderStatus;
  procedure: ModularProcedure;
  fourEyes: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CancelOrderRequest {
  reason: string;
}

export interface PlannedData {
  visitDate: string;
  inspectors: number;
}
export interface VisitDoneData {
  visitedAt: string;
}
export interface DraftReportData {
  documentRef: string;
  /** Last day (YYYY-MM-DD) the location may react to correct factual errors. */
  reactionDeadline?: string;
}
export interface LocationReactionData {
  text: string;
  receivedAt: string;
}
export const adviceUrgencies = ['laag', 'middel', 'hoog'] as const;
export type AdviceUrgency = (typeof adviceUrgencies)[number];
export interface Advice {
  urgency: AdviceUrgency;
  /** Advice to enforce (advies tot handhaving). */
  enforce: boolean;
  motivation: string;
  pointsOfAttention: string[];
}
export interface FinalReportData {
  documentRef: string;
  findings: string[];
  advice: Advice;
}
export interface CancelledData {
  reason: string;
  by: 'zorginspectie' | 'agentschap';
}

export type ModularEventData =
  | PlannedData
  | VisitDoneData
  | DraftReportData
  | LocationReactionData
  | FinalReportData
  | CancelledData
  | Record<string, never>;

/** The body of a webhook delivery from Modular. */
export interface ModularWebhookBody {
  deliveryId: string;
  orderId: string;
  reference: string;
  event: ModularEventType;
  occurredAt: string;
  data: ModularEventData;
}

/** Headers of a webhook delivery. The signature covers `${timestamp}.${raw body}`. */
export const webhookHeaders = {
  timestamp: 'x-modular-timestamp',
  delivery: 'x-modular-delivery',
  signature: 'x-modular-signature',
} as const;
