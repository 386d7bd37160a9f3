/**
 * Training: features at monthly cut-offs from the history, the label an enforcement step or an
 * advice to enforce in the following months, fitted on early cut-offs and evaluated on later,
 * held-out ones (a split in time, as the model will be used: trained on the past, scoring the
 * future). Reports AUC and lift at the top 100 against a random selection per test cut-off.
 */
import { type Kysely, sql } from 'kysely';
import { featureBatches, type FeatureRow } from '../../db/repositories/screening-features.js';
import type { Database } from '../../db/schema.js';
import { addMonths, type Month, monthOf, monthStart } from '../../workflows/screening/months.js';
import { featureNames, featureVector } from './features.js';
import { fitLogistic, type LogisticModel, predict } from './logistic.js';
import { auc, liftAtK } from './metrics.js';

export interface TrainingOptions {
  /** Months after a cut-off in which an enforcement step or advice counts as the label. */
  horizonMonths?: number;
  /** The month the history is complete up to (exclusive); default: from the newest timeline entry. */
  dataEndMonth?: Month;
  topK?: number;
  l2?: number;
  batchSize?: number;
  /** Called after each cut-off's features are read (for heartbeats). */
  onProgress?: (step: string) => void;
}

export interface CutoffMetrics {
  cutoff: Month;
  locations: number;
  positives: number;
  auc: number;
  lift: number;
  positivesInTopK: number;
  baseRate: number;
}

export interface ModelMetrics {
  /** Mean over the held-out cut-offs. */
  auc: number;
  liftTopK: number;
  topK: number;
  trainAuc: number;
  test: CutoffMetrics[];
}

export interface TrainingRecord {
  horizonMonths: number;
  dataEndMonth: Month;
  trainCutoffs: Month[];
  testCutoffs: Month[];
  trainRows: number;
  trainPositives: number;
  l2: number;
  elapsedMs: number;
}

export interface TrainedModel {
  model: LogisticModel;
  metrics: ModelMetrics;
  training: TrainingRecord;
}

/** The first month the history does not fully cover: the month after the newest entry's day. */
export async function historyEndMonth(db: Kysely<Database>): Promise<Month> {
  const row = await db.selectFrom('timeline_entries').select(sql<Date | null>`max(occurred_at)`.as('last')).executeTakeFirst();
  const last = row?.last ? new Date(row.last).getTime() : Date.now();
  return monthOf(last + 24 * 3600 * 1000);
}

/** Cut-offs for a history ending at `end`: train on end−24…end−18, test on end−12, end−9, end−6. */
export function cutoffsFor(end: Month, horizonMonths: number): { train: Month[]; test: Month[] } {
  const lastTest = addMonths(end, -horizonMonths);
  const test = [addMonths(lastTest, -6), addMonths(lastTest, -3), lastTest];
  // Train label windows must end before the first test cut-off: no overlap between the two.
  const lastTrain = addMonths(test[0]!, -horizonMonths);
  const train = Array.from({ length: 7 }, (_, i) => addMonths(lastTrain, i - 6));
  return { train, test };
}

async function rowsAt(db: Kysely<Database>, cutoff: Month, horizonMonths: number, batchSize: number): Promise<FeatureRow[]> {
  const out: FeatureRow[] = [];
  for await (const batch of featureBatches(db, { asOf: new Date(monthStart(cutoff)), horizonMonths, limit: batchSize })) {
    for (const row of batch) if (!row.revoked_before) out.push(row);
  }
  return out;
}

export async function trainModel(db: Kysely<Database>, options: TrainingOptions = {}): Promise<TrainedModel> {
  const started = Date.now();
  const horizonMonths = options.horizonMonths ?? 6;
  const topK = options.topK ?? 100;
  const l2 = options.l2 ?? 1;
  const batchSize = options.batchSize ?? 5_000;
  const dataEndMonth = options.dataEndMonth ?? (await historyEndMonth(db));
  const { train, test } = cutoffsFor(dataEndMonth, horizonMonths);

  const xs: number[][] = [];
  const ys: number[] = [];
  for (const cutoff of train) {
    for (const row of await rowsAt(db, cutoff, horizonMonths, batchSize)) {
      xs.push(featureVector(row));
      ys.push(row.label ? 1 : 0);
    }
    options.onProgress?.(`train ${cutoff}`);
  }
  const model = fitLogistic(featureNames, xs, ys, { l2 });
  const trainAuc = auc(xs.map((x) => predict(model, x)), ys);

  const perCutoff: CutoffMetrics[] = [];
  for (const cutoff of test) {
    const rows = await rowsAt(db, cutoff, horizonMonths, batchSize);
    const scores = rows.map((r) => predict(model, featureVector(r)));
    const labels = rows.map((r) => r.label);
    const lift = liftAtK(scores, labels, topK);
    perCutoff.push({
      cutoff,
      locations: rows.length,
      positives: labels.filter(Boolean).length,
      auc: auc(scores, labels),
      lift: lift.lift,
      positivesInTopK: lift.positivesInTopK,
      baseRate: lift.baseRate,
    });
    options.onProgress?.(`test ${cutoff}`);
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    model,
    metrics: {
      auc: mean(perCutoff.map((c) => c.auc)),
      liftTopK: mean(perCutoff.map((c) => c.lift)),
      topK,
      trainAuc,
      test: perCutoff,
    },
    training: {
      horizonMonths,
      dataEndMonth,
      trainCutoffs: train,
      testCutoffs: test,
      trainRows: xs.length,
      trainPositives: ys.reduce((a, b) => a + b, 0),
      l2,
      elapsedMs: Date.now() - started,
    },
  };
}
