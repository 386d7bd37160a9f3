import { migrateToLatest } from '../db/migrate.js';
import { isDatabaseEmpty, referenceMoment, seedFlanders } from '../db/seed/index.js';
import { loadConfigOrExit } from '../platform/config.js';
import { openDatabase } from '../platform/runtime.js';

// Fills an empty database with the synthetic Flanders (docs/synthetic-data.md). Refuses a
// database that already holds locations: the seed is for new environments, never for real data.
const config = loadConfigOrExit();
const { db, description } = await openDatabase(config);
try {
  await migrateToLatest(db);
  if (!(await isDatabaseEmpty(db))) {
    process.stdout.write(`${description} already holds locations; nothing seeded\n`);
  } else {
    // History pinned to SEED_REFERENCE_DATE; only the crisis roster is stretched to cover today.
    const result = await seedFlanders(db, { now: referenceMoment(config.seedReferenceDate), rosterAround: new Date() });
    process.stdout.write(`${description}: seeded up to ${config.seedReferenceDate} ${JSON.stringify(result.counts)} in ${result.elapsedMs} ms\n`);
  }
} finally {
  await db.destroy();
}
