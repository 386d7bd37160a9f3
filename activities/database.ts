import type { Kysely } from 'kysely';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import type { Database } from '../db/schema.js';
import { toTimelineView } from '../workflows/dossier-note/timeline-view.js';
import type { TimelineEntryView } from '../workflows/dossier-note/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import { auditAction } from './records.js';

export interface AppendTimelineInput {
  dossierId: string;
  kind: string;
  title: string;
  details: Record<string, unknown>;
  actorId: string | null;
  /** Also the moment of the event when `occurredAt` is absent: the activity's own clock. */
  occurredAt?: string;
  idempotencyKey: string;
}

export interface AuditInput {
  actor: Actor;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown>;
  idempotencyKey: string;
}


/** Activities that write the agency's own records in PostgreSQL. Each is idempotent by key. */
export function createDatabaseActivities(db: Kysely<Database>) {
  return {
    async appendTimelineEntry(input: AppendTimelineInput): Promise<TimelineEntryView> {
      const entry = await appendTimelineEntry(db, {
        dossier_id: input.dossierId,
        occurred_at: input.occurredAt ? new Date(input.occurredAt) : new Date(),
        kind: input.kind,
        title: input.title,
        details: input.details,
        actor_id: input.actorId,
        idempotency_key: input.idempotencyKey,
      });
      return toTimelineView(entry);
    },

    async recordAudit(input: AuditInput): Promise<void> {
      await auditAction(db, input, { type: input.subjectType, id: input.subjectId }, input.details, input.idempotencyKey);
    },
  };
}

export type DatabaseActivities = ReturnType<typeof createDatabaseActivities>;
