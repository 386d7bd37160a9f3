/**
 * Name pools for the synthetic Flanders. Every person and organiser is a random combination of
 * common Flemish first names, last names and childcare-style names: nobody real is described.
 * The pools themselves are data, in names.json: `childcareNames` are names a kinderdagverblijf or
 * an onthaalouder might choose, `chainBrands` the brands of the few large organisers that run
 * dozens of kinderdagverblijven, `regionNames` regions whose names organisers of several
 * locations like to carry.
 */
import pools from './names.json' with { type: 'json' };

export const {
  femaleFirstNames,
  maleFirstNames,
  lastNames,
  streetNames,
  childcareNames,
  chainBrands,
  regionNames,
  groupCareKinds,
  legalForms,
}: Readonly<Record<keyof typeof pools, readonly string[]>> = pools;
