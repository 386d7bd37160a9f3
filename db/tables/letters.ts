import type { ColumnType, Generated } from 'kysely';

type DateColumn = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

/** A letter as a PDF document (issue 13): one per communication key; its SHA-256 is in the audit log too. */
export interface EnforcementDocumentTable {
  id: string;
  communication_key: string;
  case_id: string;
  dossier_id: string;
  template: string;
  /** `publiek`: the version for parents, local government and the public, without personal data. */
  audience: 'organisator' | 'publiek' | 'intern';
  title: string;
  sha256: string;
  bytes: number;
  pdf: Buffer;
  created_at: Generated<Date>;
}

export type DispatchStatus = 'verzonden' | 'aangeboden' | 'bezorgd' | 'niet_afgehaald' | 'teruggestuurd' | 'geweigerd';

/** One send through a channel, by the key the channel de-duplicates by. */
export interface ChannelDispatchTable {
  key: string;
  communication_key: string;
  case_id: string;
  dossier_id: string;
  /** The flow that sent it: a channel's callback is told to it. */
  step_workflow_id: string;
  channel: 'aangetekende_brief' | 'ebox' | 'email';
  recipient: string;
  /** A parent's contact (parent_contacts.id), never the address itself. */
  contact_id: string | null;
  document_id: string | null;
  provider_ref: string | null;
  status: DispatchStatus;
  presented_on: NullableDate;
  delivered_on: NullableDate;
  /** The day a term (hearing, objection) counts from, as this delivery determines it. */
  term_from: NullableDate;
  sent_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ChannelWebhookDeliveryTable {
  delivery_id: string;
  channel: string;
  provider_ref: string;
  event: string;
  received_at: Generated<Date>;
}

export interface ParentContactTable {
  id: string;
  location_id: string;
  /** {name, email} encrypted with AES-256-GCM by the payload codec (its key ring: PAYLOAD_KEYS): base64 of the encrypted Payload. */
  sealed: string;
  key_id: string;
  imported_by: string;
  imported_at: Generated<Date>;
  erase_after: Date;
}

export interface ReplacementCapacityTable {
  decision_id: string;
  case_id: string;
  location_id: string;
  dossier_id: string;
  municipality: string;
  places: number;
  starts_on: DateColumn;
  ends_on: DateColumn;
  ends_at: Date;
  extended: Generated<boolean>;
  status: 'lopend' | 'verlengd' | 'afgelopen' | 'beeindigd';
  workflow_id: string;
  updated_at: Generated<Date>;
}
