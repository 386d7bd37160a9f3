import type { Kysely } from 'kysely';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { referenceMoment, seedFlanders } from '../../db/seed/index.js';

/** SEED_REFERENCE_DATE of every test system: the seeded history ends at its start (UTC). */
export const TEST_SEED_REFERENCE_DATE = '2026-11-01';
/** The seed scale of a test system unless its file asks for another (synthetic Flanders at 2 %). */
export const DEFAULT_TEST_SEED_SCALE = 0.02;

/**
 * A test database as every test system starts from: the real migrations and the small seed. The
 * history is pinned to a fixed date, so no assertion changes with the day the tests run; only the
 * crisis roster is stretched to today, so someone is on duty for the live workflows.
 */
export async function prepareTestDatabase(db: Kysely<Database>, seedScale = DEFAULT_TEST_SEED_SCALE): Promise<void> {
  await migrateToLatest(db);
  await seedFlanders(db, { scale: seedScale, now: referenceMoment(TEST_SEED_REFERENCE_DATE), rosterAround: new Date() });
}
