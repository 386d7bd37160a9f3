import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { IdempotentRequest } from '../tables/idempotent-requests.js';

/** What a request's Idempotency-Key finds: a first use, the same request again, or another request under the same key. */
export type KeyUse = { use: 'first' | 'again'; request: IdempotentRequest } | { use: 'other-request'; request: IdempotentRequest };

/**
 * Records the key with the request's fingerprint at its first use; a later use answers whether it
 * is the same request (same sender, same fingerprint) or another one under the same key.
 */
export async function useRequestKey(db: Kysely<Database>, r: { scope: string; key: string; actorId: string; fingerprint: string }): Promise<KeyUse> {
  const inserted = await db
    .insertInto('idempotent_requests')
    .values({ scope: r.scope, key: r.key, actor_id: r.actorId, fingerprint: r.fingerprint, resource_id: null, status_code: null, completed_at: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { use: 'first', request: inserted };
  const existing = await db.selectFrom('idempotent_requests').selectAll().where('scope', '=', r.scope).where('key', '=', r.key).executeTakeFirstOrThrow();
  const same = existing.actor_id === r.actorId && existing.fingerprint === r.fingerprint;
  return { use: same ? 'again' : 'other-request', request: existing };
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
