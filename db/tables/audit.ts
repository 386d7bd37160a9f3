import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
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
  /** The `hash` of the record before this one (64 zeros for the first); set by the database on insert. */
  prev_hash: ColumnType<string, never, never>;
  /** hex SHA-256 of prev_hash and this record's content; set by the database on insert (docs/security.md). */
  hash: ColumnType<string, never, never>;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
