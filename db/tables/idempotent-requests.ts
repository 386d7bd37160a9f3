import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The Idempotency-Key of a request that starts a process without a natural key (POST /handhaving,
 * POST /inspections): who sent it with which request (a fingerprint of the body), and, once
 * answered, what it made and with which status. The same key with another body is refused (422).
 */
export interface IdempotentRequestTable {
  /** The route, e.g. 'POST /handhaving'. */
  scope: string;
  key: string;
  actor_id: string;
  /** SHA-256 of the request body in a canonical form (keys sorted). */
  fingerprint: string;
  /** The case or inspection the request made or fed; null while the first request is under way. */
  resource_id: string | null;
  status_code: number | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
}

export type IdempotentRequest = Selectable<IdempotentRequestTable>;
export type NewIdempotentRequest = Insertable<IdempotentRequestTable>;
