import { migrateToLatest } from '../db/migrate.js';
import { isDatabaseEmpty, seedFlanders } from '../db/seed/index.js';
import { loadConfigOrExit } from '../lib/config.js';
import { openDatabase } from '../lib/runtime.js';

// Fills an empty database with the synthetic Flanders (docs/synthetic-data.md). Refuses a
// database that already holds locations: the seed is for new environments, never for real data.
const config = loadConfigOrExit();
const { db, description } = await openDatabase(config);
try {
  await migrateToLatest(db);
  if (!(await isDatabaseEmpty(db))) {
    process.stdout.write(`${description} already holds locations; nothing seeded\n`);
  } else {
    const result = await seedFlanders(db);
    process.stdout.write(`${description}: seeded ${JSON.stringify(result.counts)} in ${result.elapsedMs} ms\n`);
  }
} finally {
  await db.destroy();
}
