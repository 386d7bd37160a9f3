import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { NewTimelineEntry, TimelineEntry } from '../tables/timeline.js';
import { insertOnce } from './query.js';

/**
 * Appends an entry exactly once per idempotency key: a retried activity gets the entry that the
 * first attempt wrote instead of a second one.
 */
export function appendTimelineEntry(db: Kysely<Database>, entry: NewTimelineEntry): Promise<TimelineEntry> {
  return insertOnce(db, 'timeline_entries', entry);
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
