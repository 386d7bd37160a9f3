import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { BreakGlassGrant } from '../tables/access.js';

export function activeBreakGlass(db: Kysely<Database>, userId: string, now = new Date()): Promise<BreakGlassGrant | undefined> {
  return db
    .selectFrom('break_glass_grants')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .where('ended_at', 'is', null)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
}

export function openBreakGlass(db: Kysely<Database>, userId: string, reason: string, minutes: number): Promise<BreakGlassGrant> {
  const now = new Date();
  return db
    .insertInto('break_glass_grants')
    .values({ id: randomUUID(), user_id: userId, reason, granted_at: now, expires_at: new Date(now.getTime() + minutes * 60_000), ended_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function endBreakGlass(db: Kysely<Database>, userId: string): Promise<BreakGlassGrant | undefined> {
  return db
    .updateTable('break_glass_grants')
    .set({ ended_at: new Date() })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}
