import { migrateToLatest } from '../db/migrate.js';
import { loadConfigOrExit } from '../lib/config.js';
import { openDatabase } from '../lib/runtime.js';

const config = loadConfigOrExit();
const { db, description } = await openDatabase(config);
try {
  const applied = await migrateToLatest(db);
  process.stdout.write(`${description}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
} finally {
  await db.destroy();
}
