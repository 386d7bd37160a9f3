/**
 * Part of `npm run bench` (bench/run.ts): how fast the monthly risk screening scores, and in how much memory.
 *
 * In a scratch PostgreSQL database that it creates and drops (on TEST_DATABASE_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres):
 *  1. all of the synthetic Flanders (6,300 locations, three years of history): features computed
 *     from the timelines by the production query, scored with a freshly trained model, scores
 *     written; batch by batch, exactly as the run workflow's scoring activity does;
 *  2. 630,000 locations (100× Flanders): a synthetic feature table of that size, streamed in
 *     batches (keyset paging) through the same scoring and the same score writes.
 * Prints the time and the peak memory (RSS and heap) of each. Nothing is loaded whole.
 */
import { type Kysely, sql } from 'kysely';
import { featureBatches, type FeatureRow } from '../db/repositories/screening-features.js';
import { saveScores } from '../db/repositories/screening.js';
import type { Database } from '../db/schema.js';
import { seedFlanders } from '../db/seed/index.js';
import { scoreRows } from '../activities/risk-model/scoring.js';
import { trainModel } from '../activities/risk-model/train.js';
import { monthStart } from '../workflows/screening/months.js';
import { scratchDatabase } from './system.js';

const batchSize = 5_000;
const bigCount = 630_000;

const write = (line: string) => {
  lines.push(line.trimEnd());
  process.stdout.write(line);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Samples memory while `fn` runs; answers its duration and the peaks. */
async function measure<T>(fn: () => Promise<T>) {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  sample();
  return { result, ms, peakRss, peakHeap, startRss: start.rss, startHeap: start.heapUsed };
}

/** 630,000 locations' raw features, drawn in SQL with distributions like the seed's (seeded). */
async function createSyntheticFeatures(db: Kysely<Database>, n: number) {
  await sql`select setseed(0.20261122)`.execute(db);
  await sql`
    create table bench_features as
    select
      'BLOC-' || lpad(i::text, 7, '0') as location_id,
      'BDOS-' || lpad(i::text, 7, '0') as dossier_id,
      case when random() < 0.6 then 'gezinsopvang' else 'groepsopvang' end as kind,
      (1 + floor(random() * 60))::int as capacity,
      (floor(random() * 240))::int as months_licensed,
      (random() < 0.02)::int as meldingen_3,
      (floor(-ln(1 - random()) * 0.15))::int as meldingen_12,
      (random() < 0.05)::int as crisis_12,
      (floor(-ln(1 - random()) * 0.45))::int as reports_36,
      (random() < 0.05)::int as added_to_dossier_12,
      (random() < 0.06)::int as advies_handhaving_12,
      (random() < 0.15)::int as advies_handhaving_36,
      (random() < 0.02)::int as urgent_advice_12,
      (random() < 0.2)::int as negative_inspections_12,
      case when random() < 0.1 then null else random() * 36 end as months_since_inspection,
      (array['gunstig', 'gunstig', 'gunstig', 'aandachtspunten', 'handhaving'])[1 + floor(random() * 5)::int] as last_advice,
      (random() < 0.01)::int as enforcement_3,
      (random() < 0.04)::int as enforcement_12,
      (random() < 0.1)::int as enforcement_36,
      (random() < 0.02)::int as schorsing_36,
      (random() < 0.004)::int as bezwaar_36,
      (1 + floor(-ln(1 - random()) * 3))::int as organiser_locations,
      (random() < 0.03)::int as sister_enforcement_12,
      false as label,
      case when random() < 0.96 then 'actief' else 'stopgezet' end as licence_status,
      false as revoked_before
    from generate_series(1, ${n}::int) as i
  `.execute(db);
  await sql`alter table bench_features add primary key (location_id)`.execute(db);
  await sql`analyze bench_features`.execute(db);
}

async function* syntheticBatches(db: Kysely<Database>): AsyncGenerator<FeatureRow[]> {
  let after = '';
  for (;;) {
    const { rows } = await sql<FeatureRow>`select * from bench_features where location_id > ${after} order by location_id limit ${batchSize}`.execute(db);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.location_id;
  }
}

async function scoreAll(db: Kysely<Database>, month: string, modelVersion: number, model: Parameters<typeof scoreRows>[0], batches: AsyncGenerator<FeatureRow[]>) {
  let scored = 0;
  for await (const batch of batches) {
    await saveScores(db, month, modelVersion, scoreRows(model, batch));
    scored += batch.length;
  }
  return scored;
}

const lines: string[] = [];

function report(label: string, m: Awaited<ReturnType<typeof measure<number>>>, target: number) {
  const ok = m.ms <= target ? 'within' : 'OVER';
  write(
    `${label.padEnd(44)} ${String(m.result).padStart(8)} locations  ${(m.ms / 1000).toFixed(2).padStart(6)} s ` +
      `(${ok} the ${target / 1000} s target)  ${Math.round((m.result / m.ms) * 1000).toLocaleString('en')}/s  ` +
      `peak RSS ${mb(m.peakRss)} (+${mb(m.peakRss - m.startRss)}), peak heap ${mb(m.peakHeap)} (+${mb(m.peakHeap - m.startHeap)})\n`,
  );
}

/** Runs the scoring benchmark; answers its printed lines. */
export async function runScoringBench(): Promise<string[]> {
  const { db, name, drop } = await scratchDatabase('postgres', { poolSize: 4 });
  try {
    write(`scratch database ${name}; batches of ${batchSize}\n`);
    let t = performance.now();
    await seedFlanders(db, { scale: 1 });
    write(`seeded the synthetic Flanders in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    t = performance.now();
    const trained = await trainModel(db);
    write(
      `trained a model in ${((performance.now() - t) / 1000).toFixed(1)} s: AUC ${trained.metrics.auc.toFixed(3)}, ` +
        `lift at the top ${trained.metrics.topK} ${trained.metrics.liftTopK.toFixed(1)}× (held-out cut-offs ${trained.training.testCutoffs.join(', ')})\n`,
    );
    const version = 1;
    await db.insertInto('risk_models').values({ active: true, model: JSON.stringify(trained.model), metrics: '{}', training: '{}', created_by: 'bench' }).execute();

    const flanders = await measure(() =>
      scoreAll(db, '2026-11', version, trained.model, featureBatches(db, { asOf: new Date(monthStart('2026-11')), horizonMonths: 0, limit: batchSize })),
    );
    report('Flanders: features from the history + scoring', flanders, 1_000);

    t = performance.now();
    await createSyntheticFeatures(db, bigCount);
    write(`generated ${bigCount.toLocaleString('en')} synthetic feature rows in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed below)\n`);
    const big = await measure(() => scoreAll(db, '2099-01', version, trained.model, syntheticBatches(db)));
    report('100× Flanders: streamed features + scoring', big, 30_000);
  } finally {
    await drop();
  }
  return lines;
}
