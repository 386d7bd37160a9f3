import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Json } from './timeline.js';

/** jsonb holding an array. */
type JsonArray<T> = ColumnType<T[], T[] | string | undefined, T[] | string>;

export interface InspectionTable {
  id: string;
  workflow_id: string;
  idempotency_key: string | null;
  location_id: string;
  organiser_id: string;
  dossier_id: string;
  team_id: string;
  case_manager_id: string | null;
  reason: string;
  questions: JsonArray<string>;
  urgency: 'regulier' | 'spoed';
  four_eyes: boolean;
  requested_by_type: string;
  requested_by_id: string | null;
  status: string;
  modular_order_id: string | null;
  planned_visit_at: Date | null;
  visited_at: Date | null;
  draft_document_ref: string | null;
  location_reaction: Json | null;
  final_report: Json | null;
  advice_enforce: boolean | null;
  advice_urgency: string | null;
  cancellation: Json | null;
  deliveries: JsonArray<Record<string, unknown>>;
  due_at: Date | null;
  overdue: boolean;
  requested_at: Date;
  closed_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  version: number;
  updated_at: Generated<Date>;
}

export interface ModularWebhookDeliveryTable {
  delivery_id: string;
  order_id: string;
  inspection_id: string;
  event: string;
  signed_at: Date;
  received_at: Generated<Date>;
}

export type InspectionRow = Selectable<InspectionTable>;
export type NewInspectionRow = Insertable<InspectionTable>;
