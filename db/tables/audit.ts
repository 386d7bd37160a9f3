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
  /**
   * The chain's columns, set by the database while the inserting transaction commits
   * (docs/security.md, "Audit trail"); null only to that transaction itself, before its commit.
   * `chain_seq`: the record's place in the chain (the order of the commits).
   */
  chain_seq: BigId;
  /** The `hash` of the record before this one in the chain (64 zeros for the first). */
  prev_hash: ColumnType<string, never, never>;
  /** hex SHA-256 of prev_hash and this record's content. */
  hash: ColumnType<string, never, never>;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
