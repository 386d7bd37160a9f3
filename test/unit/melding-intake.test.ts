import { describe, expect, it } from 'vitest';
import { deadlineKinds } from '../../workflows/clock/defaults.js';
import { meldingStartAttributes } from '../../workflows/melding/client.js';
import type { MeldingInput } from '../../workflows/melding/definitions.js';
import { ReportCase } from '../../workflows/melding/report-case.js';
import { link } from './location-link.js';
import { system } from '../../workflows/shared/actor.js';

// The intake decided once (issue 15): the API and the workflow run `registerAndRoute` on the same
// input and decision and must get the same state and changes, as both write the same rows. Fixed
// instants: nothing depends on the day the test runs.

const kinds = deadlineKinds({});
const clerk = { id: 'u-tc-antwerpen', role: 'teamcoordinator', requestId: 'req-1' };
const RECEIVED = '2026-03-10T09:00:00.000Z';
const AT = Date.parse('2026-03-10T09:00:02.000Z');

function input(over: Partial<MeldingInput> = {}): MeldingInput {
  return {
    meldingId: 'MEL-00000000000000AA',
    receivedAt: RECEIVED,
    source: 'derde',
    channel: 'webformulier',
    externalRef: null,
    idempotencyKey: 'k-1',
    reporter: null,
    description: 'De ruimte is rommelig.',
    categories: ['kwaliteit_pedagogisch'],
    immediateDanger: false,
    locationHint: { locationId: link.locationId },
    link,
    createdBy: clerk,
    settings: { deadlines: { report_follow_up: kinds.report_follow_up, crisis_report_acknowledgement: kinds.crisis_report_acknowledgement }, calendar: { closedDates: [] } },
    intake: { at: new Date(AT).toISOString(), crisisCoordinator: null },
    ...over,
  };
}

describe('registerAndRoute', () => {
  it('registers and routes a regular report at the decided moment: two changes, the case manager, 24 hours from receipt', () => {
    const r = new ReportCase(input());
    const events = r.registerAndRoute(AT, clerk, null);
    expect(events.map((e) => [e.version, e.action, e.actor.id, e.phase])).toEqual([
      [1, 'melding.registered', clerk.id, 'toegewezen'],
      [2, 'melding.assigned', system.id, 'toegewezen'],
    ]);
    expect(r.state).toMatchObject({ assigneeId: link.caseManagerId, teamId: link.teamId, dueAt: '2026-03-11T09:00:00.000Z', version: 2, overdue: false });
    expect(r.state.history.map((h) => h.at)).toEqual(['2026-03-10T09:00:02.000Z', '2026-03-10T09:00:02.000Z']);
  });

  it('gives a crisis to the coordinator decided at intake, with the hour counted from the decided moment', () => {
    const r = new ReportCase(input({ categories: ['vastbinden'], immediateDanger: true }));
    r.registerAndRoute(AT, clerk, 'u-cc-2');
    expect(r.state).toMatchObject({ triage: 'crisis', assigneeId: 'u-cc-2', dueAt: '2026-03-10T10:00:02.000Z' });
  });

  it('only registers a report that is not linked: one change, no deadline', () => {
    const r = new ReportCase(input({ link: null, locationHint: { addressText: 'Kerkstraat 1' } }));
    expect(r.registerAndRoute(AT, clerk, 'u-cc-2').map((e) => e.action)).toEqual(['melding.registered']);
    expect(r.state).toMatchObject({ phase: 'te_koppelen', assigneeId: null, deadline: null, dueAt: null });
  });

  it('is the same state twice from the same input and decision (the API and the workflow)', () => {
    const [a, b] = [new ReportCase(input()), new ReportCase(input())];
    expect(a.registerAndRoute(AT, clerk, null)).toEqual(b.registerAndRoute(AT, clerk, null));
    expect(a.state).toEqual(b.state);
  });

  it('gives the start the search attributes the workflow would publish, without the empty ones', () => {
    const r = new ReportCase(input({ link: null, locationHint: {} }));
    r.registerAndRoute(AT, clerk, null);
    expect(meldingStartAttributes(r.state).map((p) => [p.key.name, p.value])).toEqual([
      ['ProcessKind', 'melding'], ['Phase', 'te_koppelen'], ['Triage', 'regulier'], ['Overdue', false],
    ]);
  });
});
