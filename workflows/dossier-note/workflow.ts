import { workflowInfo } from '@temporalio/workflow';
import type { DatabaseActivities } from '../../activities/database.js';
import { durableActivities } from '../shared/durable-activities.js';
import type { DossierNoteInput, TimelineEntryView } from './definitions.js';

// The database may be briefly away; both writes are idempotent, so retrying is always safe.
const { appendTimelineEntry, recordAudit } = durableActivities<DatabaseActivities>({ startToCloseTimeout: '30 seconds' });

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
