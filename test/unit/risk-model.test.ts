import { describe, expect, it } from 'vitest';
import { featureNames, featureVector, type RawFeatures } from '../../activities/risk-model/features.js';
import { fitLogistic, predict, sigmoid, solveSpd } from '../../activities/risk-model/logistic.js';
import { auc, liftAtK } from '../../activities/risk-model/metrics.js';
import { cutoffsFor } from '../../activities/risk-model/train.js';
import { mulberry32 } from '../support/prng.js';

/** A small deterministic PRNG so the synthetic data is the same on every run. */
const prng = mulberry32;

describe('logistic regression', () => {
  it('solves a symmetric positive-definite system', () => {
    expect(solveSpd([[4, 2], [2, 3]], [2, 1]).map((x) => Number(x.toFixed(10)))).toEqual([0.5, 0]);
  });

  it('recovers the coefficients of data generated from a known model', () => {
    const rand = prng(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [gauss(), gauss(), gauss()];
      rows.push(x);
      labels.push(rand() < sigmoid(-1 + 1.5 * x[0]! - 0.8 * x[1]!) ? 1 : 0);
    }
    const model = fitLogistic(['a', 'b', 'c'], rows, labels, { l2: 0 });
    // Weights are on the standardised scale; the inputs have std ≈ 1, so they are close to the truth.
    const raw = model.weights.map((w, j) => w / model.stds[j]!);
    expect(raw[0]).toBeCloseTo(1.5, 0);
    expect(raw[1]).toBeCloseTo(-0.8, 0);
    expect(Math.abs(raw[2]!)).toBeLessThan(0.1);
    expect(predict(model, [0, 0, 0])).toBeCloseTo(sigmoid(-1), 1);
  });

  it('keeps a constant column harmless and shrinks weights with the penalty', () => {
    const rows = [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5], [6, 5]];
    const labels = [0, 0, 1, 0, 1, 1];
    const loose = fitLogistic(['x', 'constant'], rows, labels, { l2: 0.01 });
    const tight = fitLogistic(['x', 'constant'], rows, labels, { l2: 100 });
    expect(loose.weights[1]).toBe(0);
    expect(Math.abs(tight.weights[0]!)).toBeLessThan(Math.abs(loose.weights[0]!));
  });
});

describe('AUC and lift', () => {
  it('AUC is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties, and counts ties half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // positives 0.8 and 0.5; negatives 0.5 and 0.1: pairs (0.8>0.5)(0.8>0.1)(0.5=0.5)(0.5>0.1) → 3.5 / 4
    expect(auc([0.8, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.875);
    expect(auc([0.1, 0.2], [0, 0])).toBeNaN();
  });

  it('lift at k is the precision of the top k over the base rate', () => {
    const scores = Array.from({ length: 1_000 }, (_, i) => 1_000 - i);
    const labels = scores.map((_, i) => i < 5 || i % 100 === 50);
    // 15 positives of 1,000 (1.5%); the top 10 hold 5 (50%): lift 33.3
    const lift = liftAtK(scores, labels, 10);
    expect(lift).toMatchObject({ k: 10, positivesInTopK: 5, precision: 0.5, baseRate: 0.015 });
    expect(lift.lift).toBeCloseTo(0.5 / 0.015);
    expect(liftAtK([1, 2], [false, false], 1).lift).toBeNaN();
  });
});

describe('feature vector', () => {
  const base: RawFeatures = {
    location_id: 'LOC-000001', dossier_id: 'DOS-000001', kind: 'groepsopvang', capacity: 27, months_licensed: 10,
    meldingen_3: 1, meldingen_12: 3, crisis_12: 0, reports_36: 4, added_to_dossier_12: 1,
    advies_handhaving_12: 1, advies_handhaving_36: 2, urgent_advice_12: 0, negative_inspections_12: 2,
    months_since_inspection: null, last_advice: 'handhaving', enforcement_3: 2, enforcement_12: 2, enforcement_36: 3,
    schorsing_36: 0, bezwaar_36: 1, organiser_locations: 1, sister_enforcement_12: 0, label: false,
  };

  it('has one value per named feature, in order', () => {
    const v = featureVector(base);
    expect(v).toHaveLength(featureNames.length);
    const at = (name: (typeof featureNames)[number]) => v[featureNames.indexOf(name)];
    expect(at('meldingen_12m')).toBeCloseTo(Math.log(4));
    expect(at('maanden_sinds_inspectie')).toBe(3); // none in 36 months: capped at 36 months = 3 years
    expect(at('laatste_advies_handhaving')).toBe(1);
    expect(at('laatste_advies_aandachtspunten')).toBe(0);
    expect(at('handhaving_3m')).toBe(1);
    expect(at('groepsopvang')).toBe(1);
    expect(at('log_capaciteit')).toBeCloseTo(Math.log(27));
    expect(at('nieuwe_locatie')).toBe(1);
    expect(at('log_locaties_organisator')).toBe(0);
    expect(at('bezwaar_36m')).toBe(1);
  });

  it('caps months since the last inspection and reads gezinsopvang and older locations as 0', () => {
    const v = featureVector({ ...base, kind: 'gezinsopvang', months_since_inspection: 50, months_licensed: 30 });
    expect(v[featureNames.indexOf('maanden_sinds_inspectie')]).toBe(3);
    expect(v[featureNames.indexOf('groepsopvang')]).toBe(0);
    expect(v[featureNames.indexOf('nieuwe_locatie')]).toBe(0);
  });
});

describe('training cut-offs', () => {
  it('trains on end−24…end−18 and tests on end−12, end−9, end−6 without overlap of label windows', () => {
    expect(cutoffsFor('2026-11', 6)).toEqual({
      train: ['2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05'],
      test: ['2025-11', '2026-02', '2026-05'],
    });
  });
});
