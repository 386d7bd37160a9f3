import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** jsonb: any JSON object in, parsed object out. */
export type Json = ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;

/** bigserial ids come back from pg as strings; they stay strings so no precision is lost. */
export type BigId = ColumnType<string, never, never>;

export interface TimelineEntryTable {
  id: BigId;
  dossier_id: string;
  occurred_at: Date;
  kind: string;
  title: string;
  details: Json;
  actor_id: string | null;
  idempotency_key: string | null;
  recorded_at: Generated<Date>;
}

export type TimelineEntry = Selectable<TimelineEntryTable>;
export type NewTimelineEntry = Insertable<TimelineEntryTable>;
