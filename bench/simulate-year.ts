/**
 * `npm run simulate:year`: a year of Flanders through the real API and workflows (bench/year.ts),
 * on its own dev server and scratch database.
 *
 *   npm run simulate:year -- [--scale 1] [--day-ms 400] [--days 365] [--max-minutes 9]
 *
 * Exit 1 when an invariant does not hold.
 */
import { printYear, runYear, yearDefaults } from './year.js';
import { log, scratchDatabase, startBenchServer } from './system.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const options = {
  ...yearDefaults,
  scale: arg('scale', yearDefaults.scale),
  dayMs: arg('day-ms', yearDefaults.dayMs),
  days: arg('days', yearDefaults.days),
  maxMs: arg('max-minutes', yearDefaults.maxMs / 60_000) * 60_000,
};
const t0 = performance.now();
const server = await startBenchServer();
const database = await scratchDatabase('postgres', { seedScale: 1 });
log(`dev server ${server.dev.address}, Flanders seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
let ok = false;
try {
  const result = await runYear(server, database, options);
  printYear(result);
  ok = result.invariants.every((i) => i.ok);
} finally {
  await database.drop();
  await server.stop();
}
process.exit(ok ? 0 : 1);
