import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { useRequestKey } from '../db/repositories/idempotent-requests.js';
import type { Database } from '../db/schema.js';
import type { IdempotentRequest } from '../db/tables/idempotent-requests.js';
import { HttpProblem } from './problems.js';

// The Idempotency-Key of the requests that start a process without a natural key (POST /handhaving,
// POST /inspections; docs/reliability.md, "Starting a process twice"). Modelled on the IETF draft
// "The Idempotency-Key HTTP Header Field": the same key with the same request answers what the
// first one made; the same key with another request is refused with 422.

/** The request body in a canonical form (object keys sorted), hashed: the same request, whatever its key order. */
export function fingerprintOf(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(body ?? null))).digest('hex');
}

export const idempotencyKeyReusedType = '/problems/idempotency-key-reused';

/** The key was first used for another request (another body, or another sender): 422, as the draft says. */
const keyReused = (scope: string) =>
  new HttpProblem(422, idempotencyKeyReusedType, 'Unprocessable Content',
    `This Idempotency-Key was already used for another ${scope} request (another body or another sender); use a new key for a new request`);

/**
 * Records the request under its key, or finds it: 'first' (go ahead), 'again' (the same request:
 * answer what it made), or a 422 problem for another request under the same key.
 */
export async function requestUnderKey(db: Kysely<Database>, scope: string, key: string, actorId: string, body: unknown): Promise<{ use: 'first' | 'again'; request: IdempotentRequest }> {
  const found = await useRequestKey(db, { scope, key, actorId, fingerprint: fingerprintOf(body) });
  if (found.use === 'other-request') throw keyReused(scope);
  return found;
}

/**
 * The process a key's id names was made before the key was first used: an earlier request under
 * the same key made it, and that key's record has since expired (docs/retention.md, "Idempotency
 * keys"). Answering with that process would hand an old case or inspection to a new request:
 * refused as another request under the key (422). A day of slack covers the clocks of the API,
 * the worker and the database; an expired key is at least its retention term old.
 */
export function refuseExpiredKeyReuse(scope: string, request: IdempotentRequest, madeAt: Date): void {
  if (madeAt.getTime() < request.created_at.getTime() - 24 * 3600 * 1000) throw keyReused(scope);
}

/** An id of `length` upper-case hex digits derived from a key: the same key, the same process. */
export function idFromKey(scope: string, key: string, length: number): string {
  return createHash('sha256').update(`${scope}\n${key}`).digest('hex').slice(0, length).toUpperCase();
}

/** The header's documentation, for the routes' OpenAPI (the pattern is the one of every Idempotency-Key here). */
export const startIdempotencyDescription =
  'Idempotency-Key (8–100 characters of A–Z a–z 0–9 _ . : -). Sending the same request again with the same key — after a 503, ' +
  'a time-out or a lost answer — returns the same process and starts nothing new; the same key with another body answers 422. ' +
  'A 503 carries Retry-After.';
