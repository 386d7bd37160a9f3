import type { Source, Triage } from './definitions.js';

/**
 * Categories that by themselves point at a danger to a child's physical or psychological
 * integrity (DOMAIN.md §1: a crisismelding needs immediate action). The list is the project's
 * proposal, to be confirmed by the agency; the rule only proposes, a person confirms.
 */
export const crisisCategories = [
  'verwonding', // injury
  'overlijden', // death
  'vastbinden', // a restrained child
  'mishandeling', // abuse
  'seksueel_grensoverschrijdend', // sexual abuse
  'verwaarlozing', // neglect
  'onveilige_situatie', // acute unsafe situation (e.g. no supervision)
  // A criminal investigation (strafonderzoek) of a person working with the children (staff,
  // organiser, volunteer): an integrity risk for the children, whoever reports it (the parket,
  // the facility, a third party). Added with issue 9; the seeds' "samenwerking met parket".
  'strafonderzoek',
] as const;

export const otherCategories = [
  'kwaliteit_pedagogisch',
  'infrastructuur',
  'hygiene_voeding',
  'personeel_bezetting',
  'administratie',
  'communicatie_ouders',
  'verminderde_dienstverlening',
  'andere',
] as const;

export const categories = [...crisisCategories, ...otherCategories] as const;

/** Sources whose reports are by themselves an integrity risk (voorzorgsprincipe). */
export const crisisSources: readonly Source[] = ['parket'];

export interface TriageProposal {
  triage: Triage;
  reasons: string[];
}

export interface TriageInput {
  categories: readonly string[];
  immediateDanger: boolean;
  source?: Source;
}

/**
 * Versions of the rule. A running workflow keeps the version it started with (the workflow asks
 * `patched()` only where the versions differ): 1 = immediate danger or a crisis category;
 * 2 = also a report from the parket (a criminal investigation concerns a person working with
 * children at the location: the precautionary principle proposes crisis, a coordinator confirms
 * or overrides) and the category `strafonderzoek`.
 */
export const triageRuleVersions = [1, 2] as const;
export type TriageRuleVersion = (typeof triageRuleVersions)[number];
export const currentTriageRule: TriageRuleVersion = 2;

const v1CrisisCategories: readonly string[] = crisisCategories.filter((c) => c !== 'strafonderzoek');

/** Crisis when the reporter flags immediate danger, a category touches a child's integrity, or the parket reports. */
export function proposeTriage(input: TriageInput, rule: TriageRuleVersion = currentTriageRule): TriageProposal {
  const reasons: string[] = [];
  if (input.immediateDanger) reasons.push('melder geeft onmiddellijk gevaar aan');
  const known: readonly string[] = rule >= 2 ? crisisCategories : v1CrisisCategories;
  const crisis = input.categories.filter((c) => known.includes(c));
  if (crisis.length > 0) reasons.push(`categorie: ${crisis.join(', ')}`);
  if (rule >= 2 && input.source && crisisSources.includes(input.source)) {
    reasons.push('melding van het parket: mogelijk strafonderzoek naar wie met kinderen werkt (integriteitsrisico)');
  }
  return { triage: reasons.length > 0 ? 'crisis' : 'regulier', reasons };
}

/** Whether two proposals are the same (then a running workflow needs no version marker). */
export function sameProposal(a: TriageProposal, b: TriageProposal): boolean {
  return a.triage === b.triage && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => r === b.reasons[i]);
}
