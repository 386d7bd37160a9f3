import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { IdempotentRequest } from '../tables/idempotent-requests.js';

/** What a request's Idempotency-Key finds: a first use, the same request again, or another request under the same key. */
export type KeyUse = { use: 'first' | 'again'; request: IdempotentRequest } | { use: 'other-request'; request: IdempotentRequest };

/**
 * Records the key with the request's fingerprint at its first use; a later use answers whether it
 * is the same request (same sender, same fingerprint) or another one under the same key.
 */
export async function useRequestKey(db: Kysely<Database>, r: { scope: string; key: string; actorId: string; fingerprint: string }): Promise<KeyUse> {
  // Twice at most: the retention run may delete an expired key between the insert that found it
  // and the read (deleteExpiredRequestKeys); the key is then free, and this use is its first.
  for (let attempt = 0; ; attempt += 1) {
    const inserted = await db
      .insertInto('idempotent_requests')
      .values({ scope: r.scope, key: r.key, actor_id: r.actorId, fingerprint: r.fingerprint, resource_id: null, status_code: null, completed_at: null })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { use: 'first', request: inserted };
    const existing = await db.selectFrom('idempotent_requests').selectAll().where('scope', '=', r.scope).where('key', '=', r.key).executeTakeFirst();
    if (existing) {
      const same = existing.actor_id === r.actorId && existing.fingerprint === r.fingerprint;
      return { use: same ? 'again' : 'other-request', request: existing };
    }
    if (attempt > 0) throw new Error(`Idempotency-Key ${r.scope} ${r.key} neither inserted nor found`);
  }
}

/** What the request made and answered, for the same request sent again. */
export async function completeRequestKey(db: Kysely<Database>, scope: string, key: string, resourceId: string, statusCode: number): Promise<void> {
  await db
    .updateTable('idempotent_requests')
    .set({ resource_id: resourceId, status_code: statusCode, completed_at: new Date() })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('completed_at', 'is', null)
    .execute();
}

/**
 * The retention of keys (docs/retention.md, "Idempotency keys"): deletes one batch of keys whose
 * last use lies before the cutoff, the oldest first, and answers how many. A completed key counts
 * from its answer (`completed_at`), an uncompleted one from its first use (`created_at`): a key
 * younger than the term is never deleted, completed or not, so a start still under way keeps its
 * key. An uncompleted key older than the term is deleted as well: no request runs that long (the
 * API answers within 25 s), and a client that sends the key again after the term is making a new
 * request. Idempotent: a retried batch deletes the next keys, or none; `skip locked`, so two runs
 * at once never wait on each other, nor on a request that holds a key's row.
 */
export async function deleteExpiredRequestKeys(db: Kysely<Database>, input: { cutoff: Date; limit: number }): Promise<number> {
  const result = await db
    .deleteFrom('idempotent_requests')
    .where((eb) => eb(eb.refTuple('scope', 'key'), 'in', eb
      .selectFrom('idempotent_requests')
      .select(['scope', 'key'])
      // completed_at ≥ created_at, so the first condition is implied by the second; it lets the
      // index on created_at narrow the scan.
      .where('created_at', '<', input.cutoff)
      .where(sql<Date>`coalesce(completed_at, created_at)`, '<', input.cutoff)
      .orderBy('created_at')
      .limit(input.limit)
      .forUpdate()
      .skipLocked()
      .$asTuple('scope', 'key')))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
