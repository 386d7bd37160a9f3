import type { Migration } from 'kysely/migration';
import * as referenceData from './2026_11_22_0001_reference_data.js';
import * as meldingen from './2026_11_22_0002_meldingen.js';

/**
 * Every migration, by name. A static list rather than a folder scan, so the same migrations run
 * from TypeScript sources (tsx, vitest) and from a bundle, on PostgreSQL and on PGlite alike.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_22_0001_reference_data': referenceData,
  '2026_11_22_0002_meldingen': meldingen,
};
