import type { TimelineEntry } from '../../db/tables/timeline.js';
import type { TimelineEntryView } from './definitions.js';

/** A timeline entry as the API shows it and the note workflow returns it. */
export function toTimelineView(e: TimelineEntry): TimelineEntryView {
  return {
    id: e.id,
    dossierId: e.dossier_id,
    occurredAt: e.occurred_at.toISOString(),
    kind: e.kind,
    title: e.title,
    details: e.details,
    actorId: e.actor_id,
  };
}
