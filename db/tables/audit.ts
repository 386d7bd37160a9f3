import type { Generated, Insertable, Selectable } from 'kysely';
import type { BigId, Json } from './timeline.js';

export interface AuditLogTable {
  id: BigId;
  occurred_at: Generated<Date>;
  actor_id: string;
  actor_role: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: Json;
  request_id: string | null;
  idempotency_key: string | null;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
