/**
 * The training command: `npx tsx scripts/train-risk-model.ts [--horizon 6] [--no-activate]`.
 * Trains a risk model on the history in the configured database (DATABASE_URL, or the embedded
 * one under DATA_DIR while `npm start` is not running), stores it as the next version (active
 * unless --no-activate) and prints its AUC and lift at the top 100 on the held-out cut-offs.
 * The same as `POST /risk-models` (admin), without the API.
 */
import { parseArgs } from 'node:util';
import { trainAndStore } from '../activities/screening.js';
import { migrateToLatest } from '../db/migrate.js';
import { loadConfigOrExit } from '../platform/config.js';
import { openDatabase } from '../platform/runtime.js';

const { values } = parseArgs({ options: { horizon: { type: 'string', default: '6' }, 'no-activate': { type: 'boolean', default: false } } });
const horizonMonths = Number(values.horizon);
if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > 12) {
  process.stderr.write('--horizon must be a whole number of months between 1 and 12\n');
  process.exit(64);
}
const config = loadConfigOrExit();
const { db, description } = await openDatabase(config);
try {
  await migrateToLatest(db);
  const model = await trainAndStore(db, { horizonMonths, activate: !values['no-activate'], actor: { id: 'systeem', role: 'systeem' } });
  const m = model.metrics as { auc: number; liftTopK: number; topK: number; trainAuc: number; test: { cutoff: string; auc: number; lift: number; positives: number; locations: number }[] };
  process.stdout.write(`database ${description}\nrisk model version ${model.version}${model.active ? ' (active)' : ''}\n`);
  process.stdout.write(`held-out AUC ${m.auc.toFixed(3)}, lift at the top ${m.topK} ${m.liftTopK.toFixed(1)}× a random selection (training AUC ${m.trainAuc.toFixed(3)})\n`);
  for (const c of m.test) {
    process.stdout.write(`  cut-off ${c.cutoff}: ${c.locations} locations, ${c.positives} with enforcement or an advice to enforce in ${horizonMonths} months; AUC ${c.auc.toFixed(3)}, lift ${c.lift.toFixed(1)}×\n`);
  }
} finally {
  await db.destroy();
}
