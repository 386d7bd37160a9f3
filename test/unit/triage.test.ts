import { describe, expect, it } from 'vitest';
import { proposeTriage } from '../../workflows/melding/triage.js';

describe('triage rule', () => {
  it('proposes crisis when the reporter indicates immediate danger', () => {
    expect(proposeTriage({ categories: ['infrastructuur'], immediateDanger: true })).toEqual({
      triage: 'crisis',
      reasons: ['melder geeft onmiddellijk gevaar aan'],
    });
  });

  it.each(['verwonding', 'overlijden', 'vastbinden', 'mishandeling'])('proposes crisis for category %s', (category) => {
    expect(proposeTriage({ categories: ['andere', category], immediateDanger: false }).triage).toBe('crisis');
  });

  it('proposes the regular 24-hour path otherwise, with no reasons', () => {
    expect(proposeTriage({ categories: ['hygiene_voeding', 'communicatie_ouders'], immediateDanger: false })).toEqual({ triage: 'regulier', reasons: [] });
    expect(proposeTriage({ categories: [], immediateDanger: false }).triage).toBe('regulier');
  });
});
