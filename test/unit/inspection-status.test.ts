import { describe, expect, it } from 'vitest';
import { flemishCalendarSpec } from '../../workflows/clock/flemish-holidays.js';
import { deadlineKinds } from '../../workflows/clock/defaults.js';
import type { InspectionInput, ModularEventMessage } from '../../workflows/inspection/definitions.js';
import { InspectionCase } from '../../workflows/inspection/inspection-case.js';
import { inspectionStatuses, laterOf, transition } from '../../workflows/inspection/status.js';

describe('status transitions', () => {
  it('moves forward through Modular\'s statuses, skipping what Modular skipped', () => {
    expect(transition('aangevraagd', 'ontvangen')).toEqual({ accept: true, next: 'ontvangen' });
    expect(transition('ontvangen', 'gepland')).toEqual({ accept: true, next: 'gepland' });
    expect(transition('gepland', 'ontwerpverslag')).toEqual({ accept: true, next: 'ontwerpverslag' });
    expect(transition('aangevraagd', 'eindverslag')).toEqual({ accept: true, next: 'eindverslag' });
  });

  it('ignores late and out-of-order events, allows re-planning', () => {
    expect(transition('bezoek_uitgevoerd', 'gepland')).toEqual({ accept: false, reason: 'stale' });
    expect(transition('ontvangen', 'ontvangen')).toEqual({ accept: false, reason: 'stale' });
    expect(transition('gepland', 'gepland')).toEqual({ accept: true, next: 'gepland' });
  });

  it('takes the location\'s reaction only on a draft report, without changing the status', () => {
    expect(transition('ontwerpverslag', 'reactie_voorziening')).toEqual({ accept: true, next: 'ontwerpverslag' });
    expect(transition('gepland', 'reactie_voorziening')).toEqual({ accept: false, reason: 'no_draft' });
  });

  it('can be cancelled until it ends; a final report or a cancellation is final', () => {
    for (const s of ['aangevraagd', 'ontvangen', 'gepland', 'bezoek_uitgevoerd', 'ontwerpverslag'] as const) {
      expect(transition(s, 'geannuleerd')).toEqual({ accept: true, next: 'geannuleerd' });
    }
    for (const s of ['eindverslag', 'geannuleerd'] as const) {
      for (const e of ['ontvangen', 'gepland', 'eindverslag', 'geannuleerd', 'reactie_voorziening'] as const) {
        expect(transition(s, e)).toEqual({ accept: false, reason: 'terminal' });
      }
    }
  });

  it('keeps the later status when the order confirmation comes after its first events', () => {
    expect(laterOf('gepland', 'ontvangen')).toBe('gepland');
    expect(laterOf('aangevraagd', 'ontvangen')).toBe('ontvangen');
    expect(inspectionStatuses).toContain('aangevraagd');
  });
});

describe('InspectionCase', () => {
  const requestedAt = '2026-06-01T08:00:00.000Z'; // a Monday
  const input = (urgency: 'regulier' | 'spoed'): InspectionInput => {
    const kinds = deadlineKinds();
    return {
      inspectionId: 'INS-1',
      idempotencyKey: null,
      location: { locationId: 'LOC-1', locationName: 'De Vlinder', organiserId: 'ORG-1', dossierId: 'DOS-1', teamId: 'team-a', caseManagerId: 'u-kb-1' },
      reason: 'r',
      questions: [],
      urgency,
      fourEyes: urgency === 'spoed',
      requestedBy: { type: 'klantenbeheerder', id: null },
      requestedAt,
      createdBy: { id: 'u-kb-1', role: 'klantenbeheerder' },
      settings: {
        deadlines: { inspection_planning: kinds.inspection_planning, inspection_report: kinds.inspection_report },
        calendar: flemishCalendarSpec({ fromYear: 2025, toYear: 2027 }),
      },
    };
  };
  const at = (iso: string) => Date.parse(iso);
  const event = (deliveryId: string, e: ModularEventMessage['event'], data: Record<string, unknown> = {}): ModularEventMessage => ({
    deliveryId, orderId: 'MOD-1', event: e, occurredAt: requestedAt, data: data as ModularEventMessage['data'],
  });

  it('runs a planning deadline of 2 working days only for the fast procedure, met once planned', () => {
    const regular = new InspectionCase(input('regulier'));
    regular.startDeadlines(at(requestedAt));
    expect(regular.state.deadlines.map((d) => d.kind)).toEqual(['inspection_report']);

    const fast = new InspectionCase(input('spoed'));
    fast.startDeadlines(at(requestedAt));
    expect(fast.state.dueAt).toBe('2026-06-03T21:59:59.999Z'); // end of Wednesday, Brussels summer time
    expect(fast.dueRungs(at('2026-06-03T22:00:00.000Z')).map((r) => r.key)).toEqual(['inspection_planning-1:due_teamcoordinator']);
    fast.applyOrderCreated({ orderId: 'MOD-1' }, at(requestedAt));
    fast.applyEvent(event('d1', 'gepland', { visitDate: '2026-06-02T09:00:00Z', inspectors: 2 }), at('2026-06-02T07:00:00Z'));
    expect(fast.state.deadlines.find((d) => d.kind === 'inspection_planning')!.met).toBe(true);
    expect(fast.dueRungs(at('2026-06-10T00:00:00.000Z'))).toEqual([]);
    expect(fast.state.overdue).toBe(false);
  });

  it('applies a delivery once, records the reaction, ends with the final report', () => {
    const c = new InspectionCase(input('regulier'));
    c.startDeadlines(at(requestedAt));
    c.applyOrderCreated({ orderId: 'MOD-1' }, at(requestedAt));
    expect(c.applyEvent(event('d1', 'ontwerpverslag', { documentRef: 'DOC' }), at(requestedAt))).toMatchObject({ applied: true });
    expect(c.applyEvent(event('d1', 'ontwerpverslag', { documentRef: 'DOC' }), at(requestedAt))).toEqual({ applied: false, why: 'duplicate delivery' });
    const reaction = c.applyEvent(event('d2', 'reactie_voorziening', { text: 'geheim', receivedAt: requestedAt }), at(requestedAt));
    expect(c.state.locationReaction).toEqual({ text: 'geheim', receivedAt: requestedAt });
    expect(JSON.stringify(reaction)).not.toContain('geheim');
    expect(c.applyEvent({ ...event('d3', 'gepland'), orderId: 'MOD-2' }, at(requestedAt))).toMatchObject({ applied: false });
    const advice = { urgency: 'hoog', enforce: true, motivation: 'm', pointsOfAttention: ['p'] };
    expect(c.applyEvent(event('d4', 'eindverslag', { documentRef: 'END', findings: ['f'], advice }), at(requestedAt))).toMatchObject({ applied: true, action: 'inspectie.eindverslag' });
    expect(c.isOpen).toBe(false);
    expect(c.state.finalReport).toMatchObject({ documentRef: 'END', advice });
    expect(c.state.dueAt).toBeNull();
  });

  it('refuses a cancellation after the end and a second one under way', () => {
    const c = new InspectionCase(input('regulier'));
    const cmd = { actor: { id: 'u-kb-1', role: 'klantenbeheerder' }, reason: 'niet meer nodig' };
    c.checkCancel(cmd);
    c.requestCancellation(cmd, at(requestedAt));
    expect(() => c.checkCancel(cmd)).toThrow(/under way/);
    expect(c.cancellationToSend).toBe(true);
    c.applyCancelRefused('final report made', at(requestedAt));
    expect(() => c.checkCancel(cmd)).not.toThrow();
    expect(() => c.checkCancel({ ...cmd, reason: ' ' })).toThrow(/reason/);
    c.requestCancellation(cmd, at(requestedAt));
    c.applyCancelConfirmed(at(requestedAt));
    expect(c.state.status).toBe('geannuleerd');
    expect(() => c.checkCancel(cmd)).toThrow(/ended/);
  });
});
