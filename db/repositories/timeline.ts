import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NewTimelineEntry, TimelineEntry } from '../tables/timeline.js';

/**
 * Appends an entry exactly once per idempotency key: a retried activity gets the entry that the
 * first attempt wrote instead of a second one.
 */
export async function appendTimelineEntry(db: Kysely<Database>, entry: NewTimelineEntry): Promise<TimelineEntry> {
  const inserted = await db
    .insertInto('timeline_entries')
    .values(entry)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('timeline_entries')
    .selectAll()
    .where('idempotency_key', '=', entry.idempotency_key ?? null)
    .executeTakeFirstOrThrow();
}

export function listTimeline(
  db: Kysely<Database>,
  dossierId: string,
  page: { limit: number; before?: Date },
): Promise<TimelineEntry[]> {
  let query = db.selectFrom('timeline_entries').selectAll().where('dossier_id', '=', dossierId);
  if (page.before) query = query.where('occurred_at', '<', page.before);
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}
