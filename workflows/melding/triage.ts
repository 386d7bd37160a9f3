import type { Triage } from './definitions.js';

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

export interface TriageProposal {
  triage: Triage;
  reasons: string[];
}

/** Crisis when the reporter flags immediate danger or a category touches a child's integrity. */
export function proposeTriage(input: { categories: readonly string[]; immediateDanger: boolean }): TriageProposal {
  const reasons: string[] = [];
  if (input.immediateDanger) reasons.push('melder geeft onmiddellijk gevaar aan');
  const crisis = input.categories.filter((c) => (crisisCategories as readonly string[]).includes(c));
  if (crisis.length > 0) reasons.push(`categorie: ${crisis.join(', ')}`);
  return { triage: reasons.length > 0 ? 'crisis' : 'regulier', reasons };
}
