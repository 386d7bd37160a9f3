import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { type GenerateOptions, generateFlanders } from './generate.js';
import { insertFlanders } from './insert.js';

export {
  buildStaff,
  CENTRAL_TEAM_ID,
  DEFAULT_NOW,
  DEFAULT_REFERENCE_DATE,
  DEFAULT_SEED,
  enforcementKinds,
  type FlandersData,
  type GenerateOptions,
  generateFlanders,
  HISTORY_MONTHS,
  MODULAR_USER_ID,
  referenceMoment,
  type SeedTimelineKind,
  teamIdFor,
  timelineKinds,
} from './generate.js';
export { INSERT_BATCH_SIZE, insertFlanders, isDatabaseEmpty } from './insert.js';
export { type Municipality, municipalities, type Province, provinceSlug, provinces } from './municipalities.js';

export interface SeedResult {
  counts: Record<string, number>;
  elapsedMs: number;
}

/** Generates the synthetic Flanders (docs/synthetic-data.md) and inserts it in one transaction. */
export async function seedFlanders(db: Kysely<Database>, options: GenerateOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const { counts } = await insertFlanders(db, generateFlanders(options));
  return { counts, elapsedMs: Math.round(performance.now() - started) };
}
