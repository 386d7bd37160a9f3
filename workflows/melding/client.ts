import { createHash, randomUUID } from 'node:crypto';
import type { SearchAttributePair } from '@temporalio/common';
import { assigneeKey, dossierIdKey, dueAtKey, locationIdKey, overdueKey, phaseKey, processKindKey, teamIdKey, triageKey } from '../search-attributes.js';
import type { MeldingState } from './definitions.js';

/**
 * A report's id from what identifies it to the sender: its external reference (e.g. a Klaroen
 * number) or its idempotency key, so that sending it again finds the same report and the same
 * workflow; a random id when it has neither.
 */
export function meldingIdFor(identity: { externalRef?: string; idempotencyKey?: string }): string {
  const basis = identity.externalRef
    ? `ext:${identity.externalRef}`
    : identity.idempotencyKey
      ? `key:${identity.idempotencyKey}`
      : `random:${randomUUID()}`;
  return `MEL-${createHash('sha256').update(basis).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * The search attributes of a report the API registered (issue 15), given with its bare start: the
 * same keys and values the workflow publishes after every change (publishProcessAttributes in
 * workflows/shared/process-attributes.ts), those without a value left out, as a start sets no
 * empty attribute.
 */
export function meldingStartAttributes(s: MeldingState): SearchAttributePair[] {
  const pairs: (SearchAttributePair | null)[] = [
    { key: processKindKey, value: 'melding' },
    { key: phaseKey, value: s.phase },
    { key: triageKey, value: s.triage },
    { key: overdueKey, value: s.overdue },
    s.link ? { key: locationIdKey, value: s.link.locationId } : null,
    s.link ? { key: dossierIdKey, value: s.link.dossierId } : null,
    s.teamId ? { key: teamIdKey, value: s.teamId } : null,
    s.assigneeId ? { key: assigneeKey, value: s.assigneeId } : null,
    s.dueAt ? { key: dueAtKey, value: new Date(s.dueAt) } : null,
  ];
  return pairs.filter((p): p is SearchAttributePair => p !== null);
}
