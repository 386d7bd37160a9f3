/**
 * The 285 Flemish municipalities as they are since the mergers of 1 January 2025, with their
 * postal codes and province. Names and postal codes are real; the population is a rough figure in
 * thousands (rounded, around 2024) used only as a weight so that big cities get more locations.
 * The first postal code is the municipality's main one; merged municipalities keep the codes of
 * their former parts (Beveren-Kruibeke-Zwijndrecht keeps 2070, Hasselt keeps Kortessem's 3720).
 */

import municipalityRows from './municipalities.json' with { type: 'json' };

export const provinces = ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'Vlaams-Brabant', 'West-Vlaanderen'] as const;
export type Province = (typeof provinces)[number];

export interface Municipality {
  name: string;
  province: Province;
  postalCodes: readonly string[];
  /** Inhabitants in thousands, rough: a weight, not a statistic. */
  population: number;
}

/** 'Oost-Vlaanderen' → 'oost-vlaanderen', as used in team and user ids. */
export function provinceSlug(province: Province): string {
  return province.toLowerCase();
}

// municipalities.json: per province, rows of [name, population in thousands, ...postal codes].
type Row = readonly [string, number, ...string[]];

function toMunicipalities(province: Province, rows: readonly Row[]): Municipality[] {
  return rows.map(([name, population, ...postalCodes]) => ({ name, province, postalCodes, population }));
}

const rowsByProvince = municipalityRows as unknown as Record<Province, readonly Row[]>;

export const municipalities: readonly Municipality[] = provinces.flatMap((province) => toMunicipalities(province, rowsByProvince[province]));
