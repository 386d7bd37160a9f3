import { describe, expect, it } from 'vitest';
import { categories, crisisCategories, proposeTriage, sameProposal } from '../../workflows/melding/triage.js';

describe('triage rule', () => {
  it('proposes crisis when the reporter indicates immediate danger', () => {
    expect(proposeTriage({ categories: ['infrastructuur'], immediateDanger: true })).toEqual({
      triage: 'crisis',
      reasons: ['melder geeft onmiddellijk gevaar aan'],
    });
  });

  it.each(['verwonding', 'overlijden', 'vastbinden', 'mishandeling', 'strafonderzoek'])('proposes crisis for category %s', (category) => {
    expect(proposeTriage({ categories: ['andere', category], immediateDanger: false }).triage).toBe('crisis');
  });

  it('proposes the regular 24-hour path otherwise, with no reasons', () => {
    expect(proposeTriage({ categories: ['hygiene_voeding', 'communicatie_ouders'], immediateDanger: false })).toEqual({ triage: 'regulier', reasons: [] });
    expect(proposeTriage({ categories: [], immediateDanger: false }).triage).toBe('regulier');
    expect(proposeTriage({ source: 'derde', categories: ['andere'], immediateDanger: false }).triage).toBe('regulier');
  });
});

// Issue 9, defect 8: a report from the parket about a criminal investigation of a staff member
// became `regulier` unless it happened to carry `mishandeling`.
describe('triage rule: criminal investigation and reports from the parket (integrity risk)', () => {
  it('has a category for a criminal investigation of a person working with children, among the crisis categories', () => {
    expect(categories).toContain('strafonderzoek');
    expect(crisisCategories).toContain('strafonderzoek');
  });

  it('proposes crisis for a parket report about a staff member, whatever its categories', () => {
    const proposal = proposeTriage({ source: 'parket', categories: ['personeel_bezetting'], immediateDanger: false });
    expect(proposal.triage).toBe('crisis');
    expect(proposal.reasons.join(' ')).toMatch(/parket/);
    expect(proposeTriage({ source: 'parket', categories: [], immediateDanger: false }).triage).toBe('crisis');
  });

  it('proposes crisis for the category strafonderzoek from any source, naming it', () => {
    const proposal = proposeTriage({ source: 'voorziening', categories: ['strafonderzoek'], immediateDanger: false });
    expect(proposal).toEqual({ triage: 'crisis', reasons: ['categorie: strafonderzoek'] });
  });

  it('gives every reason of a parket report that also carries a crisis category', () => {
    const proposal = proposeTriage({ source: 'parket', categories: ['strafonderzoek', 'mishandeling'], immediateDanger: true });
    expect(proposal.triage).toBe('crisis');
    expect(proposal.reasons).toHaveLength(3);
    expect(proposal.reasons[1]).toBe('categorie: strafonderzoek, mishandeling');
  });

  it('keeps the first version of the rule for reports registered before the change (replay)', () => {
    const parket = { source: 'parket' as const, categories: ['personeel_bezetting'], immediateDanger: false };
    expect(proposeTriage(parket, 1)).toEqual({ triage: 'regulier', reasons: [] });
    expect(sameProposal(proposeTriage(parket, 1), proposeTriage(parket))).toBe(false);
    const regular = { source: 'derde' as const, categories: ['mishandeling'], immediateDanger: false };
    expect(sameProposal(proposeTriage(regular, 1), proposeTriage(regular))).toBe(true);
  });
});
