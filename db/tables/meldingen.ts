import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { BigId, Json } from './timeline.js';

/** jsonb holding an array. */
type JsonArray<T> = ColumnType<T[], T[] | string | undefined, T[] | string>;

export interface MeldingTable {
  id: string;
  workflow_id: string;
  idempotency_key: string | null;
  external_ref: string | null;
  source: string;
  channel: string;
  received_at: Date;
  reporter: Json | null;
  location_id: string | null;
  organiser_id: string | null;
  dossier_id: string | null;
  address_text: string | null;
  description: string;
  categories: JsonArray<string>;
  immediate_danger: boolean;
  triage_proposed: string;
  triage: string;
  triage_confirmed: boolean;
  phase: string;
  assignee_id: string | null;
  team_id: string | null;
  due_at: Date | null;
  deadline_paused: boolean;
  overdue: boolean;
  follow_ups: JsonArray<Record<string, unknown>>;
  closed_at: Date | null;
  /** The first pick-up (melding.acknowledged), for the dashboard's deadline performance. */
  picked_up_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_by: string;
  created_at: Generated<Date>;
  version: number;
  updated_at: Generated<Date>;
  /** When the retention run erased the report's personal data (docs/retention.md); null: not (yet). */
  personal_data_erased_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A report's workflow start requested by its intake and not yet confirmed (docs/meldingen.md, "Never lost"). */
export interface MeldingStartTable {
  melding_id: string;
  /** jsonb, sent as JSON text. */
  input: ColumnType<Record<string, unknown>, string, string>;
  queued_at: Generated<Date>;
  attempts: ColumnType<number, never, number>;
  last_error: ColumnType<string | null, never, string | null>;
}

export interface CrisisRosterTable {
  id: Generated<number>;
  user_id: string;
  position: number;
  starts_at: Date;
  ends_at: Date;
}

export interface OutboxMessageTable {
  id: BigId;
  idempotency_key: string;
  channel: 'email' | 'brief' | 'aangetekende_brief' | 'intern' | 'ebox';
  recipient_user_id: string | null;
  recipient_address: string | null;
  template: string;
  subject: string;
  body: string;
  subject_type: string;
  subject_id: string;
  status: Generated<'queued' | 'sending' | 'sent' | 'uncertain' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  /** When the dispatcher began its latest SMTP attempt (status `sending`); see platform/outbox-dispatcher.ts. */
  sending_at: Generated<Date | null>;
}

export type MeldingRow = Selectable<MeldingTable>;
export type NewMeldingRow = Insertable<MeldingTable>;
export type OutboxMessage = Selectable<OutboxMessageTable>;
export type NewOutboxMessage = Insertable<OutboxMessageTable>;
