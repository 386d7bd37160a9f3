import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DatabaseActivities } from '../../activities/database.js';
import type { DossierNoteInput, TimelineEntryView } from './definitions.js';

const { appendTimelineEntry, recordAudit } = proxyActivities<DatabaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The database may be briefly away; both writes are idempotent, so retrying is always safe.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A case manager adds a note to a location's dossier: it lands on the timeline and in the audit log. */
export async function recordDossierNote(input: DossierNoteInput): Promise<TimelineEntryView> {
  const key = workflowInfo().workflowId;
  const entry = await appendTimelineEntry({
    dossierId: input.dossierId,
    kind: 'notitie',
    title: 'Notitie toegevoegd',
    details: { text: input.text },
    actorId: input.actor.id,
    idempotencyKey: key,
  });
  await recordAudit({
    actor: input.actor,
    action: 'dossier.note.add',
    subjectType: 'dossier',
    subjectId: input.dossierId,
    details: { timelineEntryId: entry.id },
    idempotencyKey: key,
  });
  return entry;
}
