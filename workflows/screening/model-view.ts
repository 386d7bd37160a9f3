import type { RiskModelRow } from '../../db/tables/screening.js';
import type { LogisticModel } from '../../activities/risk-model/logistic.js';

/** A risk model version as the API shows it and the training workflow returns it. */
export interface RiskModelView {
  version: number;
  active: boolean;
  createdAt: string;
  createdBy: string;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  coefficients: { feature: string; weight: number }[];
  intercept: number;
}

export function toModelView(row: RiskModelRow): RiskModelView {
  const model = row.model as unknown as LogisticModel;
  return {
    version: row.version,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    metrics: row.metrics,
    training: row.training,
    coefficients: model.featureNames.map((feature, i) => ({ feature, weight: model.weights[i]! })),
    intercept: model.intercept,
  };
}

