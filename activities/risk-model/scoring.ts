import type { ScoreRow } from '../../db/repositories/screening.js';
import { featureVector, type RawFeatures } from './features.js';
import { type LogisticModel, predict } from './logistic.js';

/** Licence states whose dossier can be selected for screening: a closed location needs none. */
export const eligibleStatuses = ['actief', 'geschorst'] as const;

/** Scores one batch of feature rows with a model: the same path for the monthly run and the benchmark. */
export function scoreRows(model: LogisticModel, rows: readonly (RawFeatures & { licence_status: string })[]): ScoreRow[] {
  return rows.map((r) => ({
    locationId: r.location_id,
    dossierId: r.dossier_id,
    score: predict(model, featureVector(r)),
    eligible: (eligibleStatuses as readonly string[]).includes(r.licence_status),
  }));
}
