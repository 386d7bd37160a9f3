import type { ModularEventType } from '../../modular/contract.js';

/**
 * Where an inspection request stands. `aangevraagd`: registered here, the order not yet
 * confirmed by Modular (also while Modular is down); the others follow Modular's order status.
 */
export const inspectionStatuses = ['aangevraagd', 'ontvangen', 'gepland', 'bezoek_uitgevoerd', 'ontwerpverslag', 'eindverslag', 'geannuleerd'] as const;
export type InspectionStatus = (typeof inspectionStatuses)[number];

const rank: Record<Exclude<InspectionStatus, 'geannuleerd'>, number> = {
  aangevraagd: 0,
  ontvangen: 1,
  gepland: 2,
  bezoek_uitgevoerd: 3,
  ontwerpverslag: 4,
  eindverslag: 5,
};

export const isTerminal = (s: InspectionStatus) => s === 'eindverslag' || s === 'geannuleerd';

export type Transition =
  | { accept: true; next: InspectionStatus }
  | { accept: false; reason: 'terminal' | 'stale' | 'no_draft' };

/**
 * The status after a Modular event, or why the event is ignored. Statuses only move forward
 * (deliveries may arrive late or out of order; a step Modular skipped is simply passed), a visit
 * may be re-planned while it is planned, the location reacts only to a draft report, and a
 * final report or a cancellation ends the request: nothing changes it afterwards.
 */
export function transition(current: InspectionStatus, event: ModularEventType): Transition {
  if (isTerminal(current)) return { accept: false, reason: 'terminal' };
  if (event === 'geannuleerd') return { accept: true, next: 'geannuleerd' };
  if (event === 'reactie_voorziening') {
    return current === 'ontwerpverslag' ? { accept: true, next: current } : { accept: false, reason: 'no_draft' };
  }
  if (event === 'gepland' && current === 'gepland') return { accept: true, next: 'gepland' };
  return rank[event] > rank[current] ? { accept: true, next: event } : { accept: false, reason: 'stale' };
}

/** The later of two non-terminal statuses (an order created after its first events arrived). */
export function laterOf(a: InspectionStatus, b: InspectionStatus): InspectionStatus {
  if (a === 'geannuleerd' || b === 'geannuleerd') return 'geannuleerd';
  return rank[a] >= rank[b] ? a : b;
}
