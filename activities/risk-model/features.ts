/**
 * The risk features of one location at a cut-off moment, and their numeric vector. The raw
 * counts come from the database (db/repositories/screening-features.ts); turning them into the
 * vector the model sees is pure, so it is unit-tested and the same for training, scoring and the
 * benchmark. Why each feature: docs/risk-screening.md, "Features".
 */

export type { RawFeatures } from '../../db/repositories/screening-features.js';
import type { RawFeatures } from '../../db/repositories/screening-features.js';

export const featureNames = [
  'meldingen_3m',
  'meldingen_12m',
  'crisismeldingen_12m',
  'meldingen_36m',
  'toegevoegd_aan_dossier_12m',
  'advies_handhaving_12m',
  'advies_handhaving_36m',
  'advies_urgent_12m',
  'negatieve_inspecties_12m',
  'maanden_sinds_inspectie',
  'laatste_advies_aandachtspunten',
  'laatste_advies_handhaving',
  'handhaving_3m',
  'handhaving_12m',
  'handhaving_36m',
  'schorsing_36m',
  'bezwaar_36m',
  'groepsopvang',
  'log_capaciteit',
  'nieuwe_locatie',
  'log_locaties_organisator',
  'zusterlocaties_in_handhaving_12m',
] as const;

export type FeatureName = (typeof featureNames)[number];

const l = Math.log1p;

/** The model's input vector, in the order of `featureNames`. */
export function featureVector(r: RawFeatures): number[] {
  const sinceInspection = r.months_since_inspection === null ? 36 : Math.min(36, Math.max(0, r.months_since_inspection));
  return [
    l(r.meldingen_3),
    l(r.meldingen_12),
    l(r.crisis_12),
    l(r.reports_36),
    l(r.added_to_dossier_12),
    l(r.advies_handhaving_12),
    l(r.advies_handhaving_36),
    l(r.urgent_advice_12),
    l(r.negative_inspections_12),
    sinceInspection / 12,
    r.last_advice === 'aandachtspunten' ? 1 : 0,
    r.last_advice === 'handhaving' ? 1 : 0,
    r.enforcement_3 > 0 ? 1 : 0,
    l(r.enforcement_12),
    l(r.enforcement_36),
    r.schorsing_36 > 0 ? 1 : 0,
    r.bezwaar_36 > 0 ? 1 : 0,
    r.kind === 'groepsopvang' ? 1 : 0,
    Math.log(Math.max(1, r.capacity)),
    r.months_licensed < 24 ? 1 : 0,
    Math.log(Math.max(1, r.organiser_locations)),
    l(r.sister_enforcement_12),
  ];
}
