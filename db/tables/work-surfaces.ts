import type { ColumnType, Generated, Selectable } from 'kysely';

/** jsonb holding a whole object. */
type JsonObject = ColumnType<Record<string, unknown>, Record<string, unknown> | string, Record<string, unknown> | string>;

/** A saved filter of "Mijn werk", per user and name (docs/work-surfaces.md). */
export interface WorkFilterTable {
  user_id: string;
  name: string;
  /** The query of GET /work it stands for: { teamId?, assignee?, process?, overdue? }. */
  filter: JsonObject;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** That a user read an internal message (outbox_messages, channel 'intern'). */
export interface NotificationReadTable {
  user_id: string;
  /** outbox_messages.id (bigint; a string in and out, like every bigserial id). */
  message_id: ColumnType<string, string, string>;
  read_at: Generated<Date>;
}

export type WorkFilterRow = Selectable<WorkFilterTable>;
