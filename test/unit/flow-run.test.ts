import type * as Workflow from '@temporalio/workflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DAY_MS, HOUR_MS, toBrusselsIso, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import type { CaseLocation, EnforcementSettings, FlowInput, FlowState, LetterOutcome } from '../../workflows/enforcement/definitions.js';
import { FlowRun } from '../../workflows/enforcement/flow-kit.js';

/*
 * FlowRun cannot be built outside a workflow: its constructor asks `workflowInfo()` and registers
 * a signal handler, and recording, sending, publishing and waiting go through activities,
 * `getExternalWorkflowHandle` and `condition`. Until its pure parts are extracted (see the
 * report), this file stands in for the few workflow APIs it calls, with recorders and a clock:
 * - `workflowInfo` answers a fixed workflow id (and a parent when a test sets one);
 * - `setHandler` keeps the handler, so a test can deliver a signal by calling it;
 * - activities and the signal to the parent are recorded, nothing is sent;
 * - `condition(fn, timeout)` is Temporal's with nothing else running: it returns at once when fn
 *   holds, otherwise lets the timeout pass on the (fake) clock, as a timer firing would.
 * Time is `vi.setSystemTime` on fixed instants: no test waits, none depends on the day it runs.
 */
const wf = vi.hoisted(() => ({
  info: { workflowId: 'aanmaning:HH-0007:1', parent: undefined as { workflowId: string } | undefined },
  handlers: new Map<string, (...args: never[]) => unknown>(),
  activities: [] as { name: string; arg: Record<string, unknown> }[],
  signals: [] as { to: string; name: string; state: FlowState }[],
  waits: [] as (number | undefined)[],
  sendStatus: 'queued',
  advance: (_ms: number): void => {
    throw new Error('no clock');
  },
}));

vi.mock('@temporalio/workflow', async (importOriginal) => {
  const real = await importOriginal<typeof Workflow>();
  const recorder = () =>
    new Proxy({}, {
      get: (_target, name) => async (arg: Record<string, unknown>) => {
        wf.activities.push({ name: String(name), arg });
        return name === 'sendCommunication' ? { status: wf.sendStatus } : {};
      },
    });
  return {
    ...real,
    workflowInfo: () => wf.info,
    setHandler: (def: { name: string }, handler: ((...args: never[]) => unknown) | undefined) => {
      if (handler) wf.handlers.set(def.name, handler);
      else wf.handlers.delete(def.name);
    },
    proxyActivities: recorder,
    getExternalWorkflowHandle: (workflowId: string) => ({
      signal: async (def: { name: string }, state: FlowState) => {
        wf.signals.push({ to: workflowId, name: def.name, state: structuredClone(state) });
      },
    }),
    condition: async (fn: () => boolean, timeout?: number) => {
      wf.waits.push(timeout);
      if (fn()) return true;
      if (timeout === undefined) throw new Error('condition without a timeout: nothing else runs here, it would wait forever');
      wf.advance(timeout);
      return fn();
    },
    allHandlersFinished: () => true,
    // A new run: every patch applies.
    patched: () => true,
  };
});

// Closing days written out: 11 and 21 July (2025 and 2026), 2 and 11 November 2026.
const calendar = { closedDates: ['2025-07-11', '2025-07-21', '2026-07-11', '2026-07-21', '2026-11-02', '2026-11-11'] };
const location: CaseLocation = {
  locationId: 'LOC-0007',
  locationName: 'Kinderdagverblijf Zonnetje',
  organiserId: 'ORG-0007',
  organiserName: 'vzw Zonnetje',
  organiserEmail: 'info@zonnetje.test',
  dossierId: 'DOS-0007',
  teamId: 'team-gent',
  caseManagerId: 'u-kb-gent-1',
  municipality: 'Gent',
  capacity: 18,
};
const settings: EnforcementSettings = { calendar, hearingTermWorkingDays: 15, objectionTermDays: 30, mentesContactWorkingDays: 2, reminderBeforeMs: 24 * HOUR_MS };
const kb = { id: 'u-kb-gent-1', role: 'klantenbeheerder' };
const T = (iso: string) => Date.parse(iso);
const T0 = T('2026-07-06T08:00:00.000Z'); // Monday 6 July 2026, 10:00 in Brussels

function newRun(over: Partial<FlowInput> = {}, waitingFor = 'tekortkomingen en hersteltermijn vastleggen'): FlowRun {
  const input: FlowInput = {
    caseId: 'HH-0007',
    flow: 'aanmaning',
    location,
    settings,
    milestone: { kind: 'rechtstreeks', at: '2026-07-06T07:00:00.000Z', actorId: kb.id },
    ...over,
  };
  return new FlowRun(input, waitingFor);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  wf.advance = (ms) => vi.setSystemTime(Date.now() + ms);
  wf.info.parent = undefined;
  wf.handlers.clear();
  wf.activities.length = 0;
  wf.signals.length = 0;
  wf.waits.length = 0;
  wf.sendStatus = 'queued';
});
afterEach(() => {
  vi.useRealTimers();
});

describe('state', () => {
  it('starts in the milestone block, waiting for what the flow says, with its workflow id and nothing else', () => {
    const run = newRun();
    expect(run.state).toEqual({
      seq: 0,
      flow: 'aanmaning',
      workflowId: 'aanmaning:HH-0007:1',
      block: 'mijlpaal',
      waitingFor: 'tekortkomingen en hersteltermijn vastleggen',
      data: {},
      deadlines: [],
      communications: [],
      history: [],
    });
    expect(run.location).toBe(location);
  });

  it('enter moves to a block and says what the flow waits for now', () => {
    const run = newRun();
    run.enter('communicatie', 'schriftelijke aanmaning versturen');
    expect(run.state).toMatchObject({ block: 'communicatie', waitingFor: 'schriftelijke aanmaning versturen' });
  });

  it('an oral contact is a communication that was recorded, not sent', () => {
    const run = newRun();
    run.noteSpoken('organisator', 'aanmaningsgesprek', '2026-07-06T09:30:00.000Z');
    expect(run.state.communications).toEqual([
      { key: 'aanmaning:HH-0007:1:organisator:aanmaningsgesprek:mondeling', recipient: 'organisator', kind: 'aanmaningsgesprek', channel: 'mondeling', at: '2026-07-06T09:30:00.000Z', status: 'recorded' },
    ]);
    expect(wf.activities).toEqual([]);
  });
});

describe('terms on the working calendar', () => {
  it('working days: the end of the Nth working day after the Brussels date, skipping the weekend and 11 July', () => {
    const run = newRun();
    // Wednesday 9 July 2025 14:00: Thursday 10 is day 1, Friday 11 July closed, Monday 14 day 2.
    expect(toBrusselsIso(run.workingDaysFrom(T('2025-07-09T12:00:00.000Z'), 2))).toBe('2025-07-14T23:59:59.999+02:00');
    // 22:30 UTC on Wednesday is 00:30 on Thursday in Brussels: Thursday is the day of the event.
    expect(toBrusselsIso(run.workingDaysFrom(T('2025-07-09T22:30:00.000Z'), 2))).toBe('2025-07-15T23:59:59.999+02:00');
  });

  it('the 15 working days of the hearing term, across the end of summer time, 2 and 11 November', () => {
    const run = newRun();
    expect(toIsoUtc(run.workingDaysFrom(T('2026-10-20T08:00:00.000Z'), 15))).toBe('2026-11-12T22:59:59.999Z');
  });

  it('calendar days: the end of the Nth day after the Brussels date, across the end of summer time', () => {
    const run = newRun();
    // Monday 28 September 2026 + 30 days = Wednesday 28 October, which ends at 23:59:59.999 CET.
    expect(toIsoUtc(run.calendarDaysFrom(T('2026-09-28T10:00:00.000Z'), 30))).toBe('2026-10-28T22:59:59.999Z');
  });

  // docs/deadlines.md: a calendar-day term whose last day is a weekend day or a closing day ends on
  // the next working day (art. 53 Ger.W.), as the objection term of a decision (30 calendar days) does.
  it('calendar days: a last day on a weekend or a closing day moves to the next working day (deadlines.md)', () => {
    const run = newRun();
    // Thursday 11 June 2026 + 30 days = Saturday 11 July (also the Flemish holiday): Monday 13 July.
    expect(toIsoUtc(run.calendarDaysFrom(T('2026-06-11T10:00:00.000Z'), 30))).toBe('2026-07-13T21:59:59.999Z');
    // Friday 11 June 2027 + 30 days = Sunday 11 July 2027: Monday 12 July. A Friday stays a Friday.
    expect(toIsoUtc(run.calendarDaysFrom(T('2027-06-11T10:00:00.000Z'), 30))).toBe('2027-07-12T21:59:59.999Z');
    expect(toIsoUtc(run.calendarDaysFrom(T('2026-06-12T10:00:00.000Z'), 28))).toBe('2026-07-10T21:59:59.999Z');
  });

  it('the start and end of a local date, on the 23-hour and the 25-hour day', () => {
    const run = newRun();
    expect(toIsoUtc(run.startOfDate('2026-03-29'))).toBe('2026-03-28T23:00:00.000Z');
    expect(toIsoUtc(run.endOfDate('2026-03-29'))).toBe('2026-03-29T21:59:59.999Z');
    expect(run.endOfDate('2026-03-29') + 1 - run.startOfDate('2026-03-29')).toBe(23 * HOUR_MS);
    expect(toIsoUtc(run.startOfDate('2026-10-25'))).toBe('2026-10-24T22:00:00.000Z');
    expect(run.endOfDate('2026-10-25') + 1 - run.startOfDate('2026-10-25')).toBe(25 * HOUR_MS);
  });

  it('compressed (tests on the dev server): N days are N × compressDayMs, counted from the Brussels date of now; past dates are now', () => {
    const run = newRun({ settings: { ...settings, compressDayMs: 1_000 } });
    expect(run.workingDaysFrom(T0, 15)).toBe(T0 + 15_000);
    expect(run.calendarDaysFrom(T0, 30)).toBe(T0 + 30_000);
    const friday = T('2026-07-10T21:30:00.000Z'); // Friday 23:30 in Brussels
    vi.setSystemTime(friday);
    expect(run.endOfDate('2026-07-13')).toBe(friday + 3_000);
    expect(run.startOfDate('2026-07-13')).toBe(friday + 3_000);
    expect(run.endOfDate('2026-07-10')).toBe(friday);
    expect(run.endOfDate('2026-07-01')).toBe(friday);
    const saturday = T('2026-07-10T22:30:00.000Z'); // already Saturday 00:30 in Brussels
    vi.setSystemTime(saturday);
    expect(run.endOfDate('2026-07-13')).toBe(saturday + 2_000);
    expect(run.startOfDate('2026-07-13')).toBe(saturday + 2_000);
  });
});

describe('recording, letters and reports to the case', () => {
  it('record: one history line at workflow time, one event activity with a key per event, then a report to the case', async () => {
    wf.info.parent = { workflowId: 'handhaving:LOC-0007' };
    const run = newRun();
    await run.record(kb, 'aanmaning.shortcomings', 'Tekortkomingen vastgelegd', { remedyBy: '2026-07-31' });
    vi.setSystemTime(T0 + HOUR_MS);
    await run.record(kb, 'aanmaning.talk', 'Aanmaningsgesprek met de organisator');
    expect(run.state.history).toEqual([
      { at: '2026-07-06T08:00:00.000Z', actorId: kb.id, action: 'aanmaning.shortcomings', detail: 'Tekortkomingen vastgelegd' },
      { at: '2026-07-06T09:00:00.000Z', actorId: kb.id, action: 'aanmaning.talk', detail: 'Aanmaningsgesprek met de organisator' },
    ]);
    expect(wf.activities.map((a) => [a.name, a.arg.key])).toEqual([
      ['recordEnforcementEvent', 'aanmaning:HH-0007:1:event:1'],
      ['recordEnforcementEvent', 'aanmaning:HH-0007:1:event:2'],
    ]);
    expect(wf.activities[0]!.arg).toMatchObject({ caseId: 'HH-0007', dossierId: 'DOS-0007', action: 'aanmaning.shortcomings', actor: kb, details: { flow: 'aanmaning', remedyBy: '2026-07-31' } });
    expect(wf.signals.map((s) => [s.to, s.name, s.state.seq, s.state.history.length])).toEqual([
      ['handhaving:LOC-0007', 'flowProgress', 1, 1],
      ['handhaving:LOC-0007', 'flowProgress', 2, 2],
    ]);
  });

  it('publish without a parent counts the report and signals nobody', async () => {
    const run = newRun();
    await run.publish();
    expect(run.state.seq).toBe(1);
    expect(wf.signals).toEqual([]);
  });

  it('send: one key per (case, step workflow, recipient, kind, channel), the status the outbox answered', async () => {
    const run = newRun();
    await run.send('organisator', 'aanmaning', 'email', 'aanmaning', { remedyBy: '2026-07-31' });
    wf.sendStatus = 'skipped';
    await run.send('organisator', 'aanmaning', 'ebox', 'aanmaning', { remedyBy: '2026-07-31' });
    expect(run.state.communications).toEqual([
      { key: 'HH-0007:aanmaning:HH-0007:1:organisator:aanmaning:email', recipient: 'organisator', kind: 'aanmaning', channel: 'email', at: '2026-07-06T08:00:00.000Z', status: 'queued' },
      { key: 'HH-0007:aanmaning:HH-0007:1:organisator:aanmaning:ebox', recipient: 'organisator', kind: 'aanmaning', channel: 'ebox', at: '2026-07-06T08:00:00.000Z', status: 'skipped' },
    ]);
    expect(wf.activities[0]).toEqual({
      name: 'sendCommunication',
      arg: { key: 'HH-0007:aanmaning:HH-0007:1:organisator:aanmaning:email', caseId: 'HH-0007', location, recipient: 'organisator', channel: 'email', template: 'aanmaning', values: { remedyBy: '2026-07-31' } },
    });
  });

  it('remind: an internal message to the case manager, once per reminder id, and a timeline entry', async () => {
    const run = newRun();
    await run.remind('mentes', 'Mentes heeft nog geen contact bevestigd', T('2026-07-08T21:59:59.999Z'));
    expect(wf.activities.map((a) => a.name)).toEqual(['sendCommunication', 'recordEnforcementEvent']);
    expect(wf.activities[0]!.arg).toMatchObject({
      key: 'HH-0007:aanmaning:HH-0007:1:klantenbeheerder:herinnering:mentes:intern',
      recipient: 'klantenbeheerder',
      channel: 'intern',
      template: 'herinnering_handhaving',
      values: { caseId: 'HH-0007', location: 'Kinderdagverblijf Zonnetje', what: 'Mentes heeft nog geen contact bevestigd', dueAt: '2026-07-08T21:59:59.999Z' },
    });
    expect(wf.activities[1]!.arg).toMatchObject({ action: 'handhaving.reminder', actor: { id: 'systeem' }, details: { flow: 'aanmaning', reminder: 'mentes' } });
  });

  it('a letter\'s outcome from the channel shows on its communication, and is reported to the case at the next wait', async () => {
    wf.info.parent = { workflowId: 'handhaving:LOC-0007' };
    const run = newRun();
    await run.send('organisator', 'aanmaning', 'aangetekende_brief', 'aanmaning', {});
    await run.send('organisator', 'aanmaning', 'email', 'aanmaning', {});
    const deliver = wf.handlers.get('letterOutcome') as (o: LetterOutcome) => void;
    const [registered, email] = run.state.communications.map((c) => c.key) as [string, string];
    const cases: [LetterOutcome['status'], string][] = [['niet_afgehaald', 'sent'], ['teruggestuurd', 'failed'], ['bezorgd', 'delivered'], ['gelezen', 'delivered']];
    for (const [status, shown] of cases) {
      deliver({ key: registered, status, presentedOn: '2026-07-07' });
      expect(run.state.communications[0]).toMatchObject({ status: shown, outcome: { status, presentedOn: '2026-07-07', deliveredOn: null, termFrom: null } });
    }
    deliver({ key: 'unknown-letter', status: 'bezorgd' });
    expect(run.letterOutcomes.map((o) => o.status)).toEqual(['niet_afgehaald', 'teruggestuurd', 'bezorgd', 'gelezen']);
    expect(run.state.communications[1]).toMatchObject({ key: email, status: 'queued' });
    expect(run.state.communications[1]!.outcome).toBeUndefined();
    await run.waitUntil(() => true);
    expect(wf.signals.map((s) => s.state.communications[0]!.status)).toEqual(['delivered']);
    await run.waitUntil(() => true);
    expect(wf.signals).toHaveLength(1); // nothing changed since: nothing reported
  });

  it('finish: the last block, reported to the case', async () => {
    wf.info.parent = { workflowId: 'handhaving:LOC-0007' };
    const run = newRun();
    await run.finish();
    expect(run.state).toMatchObject({ block: 'afgerond', waitingFor: 'afgerond', seq: 1 });
    expect(wf.signals.map((s) => s.state.block)).toEqual(['afgerond']);
  });
});

describe('timers while the flow waits for commands', () => {
  const firedAt = (fired: [string, number][]) => fired.map(([id, at]) => [id, toIsoUtc(at)]);

  it('are listed as the pending deadlines in time order; the first arming of an id wins; a cancelled one is gone', () => {
    const run = newRun();
    const nothing = async () => {};
    run.at('remedy', T('2026-07-31T21:59:59.999Z'), 'Hersteltermijn', nothing);
    run.at('mentes', T('2026-07-08T21:59:59.999Z'), 'Contact door Mentes', nothing);
    run.at('mentes', T('2026-09-01T00:00:00.000Z'), 'Contact door Mentes (later)', nothing);
    expect(run.state.deadlines).toEqual([
      { id: 'mentes', label: 'Contact door Mentes', dueAt: '2026-07-08T21:59:59.999Z' },
      { id: 'remedy', label: 'Hersteltermijn', dueAt: '2026-07-31T21:59:59.999Z' },
    ]);
    run.cancelTimer('mentes');
    run.cancelTimer('never-armed');
    expect(run.state.deadlines.map((d) => d.id)).toEqual(['remedy']);
  });

  it('fire each once, in time order, at their moment; the pending list shrinks and every change is reported', async () => {
    wf.info.parent = { workflowId: 'handhaving:LOC-0007' };
    const run = newRun();
    const fired: [string, number][] = [];
    for (const [id, days] of [['b', 2], ['a', 1], ['c', 3]] as const) {
      run.at(id, T0 + days * DAY_MS, id, async () => {
        fired.push([id, Date.now()]);
      });
    }
    await run.waitUntil(() => fired.length === 3);
    expect(firedAt(fired)).toEqual([['a', '2026-07-07T08:00:00.000Z'], ['b', '2026-07-08T08:00:00.000Z'], ['c', '2026-07-09T08:00:00.000Z']]);
    expect(run.state.deadlines).toEqual([]);
    expect(wf.signals.map((s) => s.state.deadlines.map((d) => d.id))).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c'], []]);
    expect(wf.signals.map((s) => s.state.seq)).toEqual([1, 2, 3, 4]);
  });

  it('an id that fired is never armed again; a cancelled timer never fires', async () => {
    const run = newRun();
    const fired: string[] = [];
    run.at('hearing-term', T0 + DAY_MS, 'Einde hoortermijn', async () => {
      fired.push('hearing-term');
    });
    run.at('hearing-reminder', T0 + DAY_MS / 2, 'Herinnering', async () => {
      fired.push('hearing-reminder');
    });
    run.cancelTimer('hearing-reminder');
    await run.waitUntil(() => fired.length === 1);
    run.at('hearing-term', T0 + 2 * DAY_MS, 'Einde hoortermijn', async () => {
      fired.push('again');
    });
    expect(run.state.deadlines).toEqual([]);
    expect(fired).toEqual(['hearing-term']);
    expect(wf.waits).toEqual([DAY_MS]); // the cancelled reminder, half a day in, woke nothing
  });

  it('timers that fell due while no worker ran fire at once when it returns, in time order, each once', async () => {
    const run = newRun();
    const fired: [string, number][] = [];
    run.at('remedy', T0 + 2 * DAY_MS, 'Hersteltermijn', async () => {
      fired.push(['remedy', Date.now()]);
    });
    run.at('mentes', T0 + DAY_MS, 'Contact door Mentes', async () => {
      fired.push(['mentes', Date.now()]);
    });
    const back = T0 + 10 * DAY_MS;
    vi.setSystemTime(back);
    await run.waitUntil(() => fired.length === 2);
    expect(fired).toEqual([['mentes', back + 1], ['remedy', back + 1]]);
    expect(wf.waits).toEqual([1]); // one wait of the shortest possible timer, not one per missed term
  });

  it('a timer that arms the next one (the parents\' interim news) chains, each at its own moment', async () => {
    const run = newRun();
    const sent: number[] = [];
    const schedule = (n: number, from: number) => {
      const at = from + 14 * DAY_MS;
      run.at(`interim:${n}`, at, `Tussentijds bericht ${n}`, async () => {
        sent.push(Date.now());
        schedule(n + 1, at);
      });
    };
    schedule(1, T0);
    await run.waitUntil(() => sent.length === 3);
    expect(sent.map((t) => toIsoUtc(t))).toEqual(['2026-07-20T08:00:00.000Z', '2026-08-03T08:00:00.000Z', '2026-08-17T08:00:00.000Z']);
    expect(run.state.deadlines.map((d) => d.id)).toEqual(['interim:4']);
  });

  it('with nothing pending the flow waits for commands only: no timer at all', async () => {
    const run = newRun();
    await expect(run.waitUntil(() => false)).rejects.toThrow(/wait forever/);
    expect(wf.waits).toEqual([undefined]);
    expect(Date.now()).toBe(T0);
  });

  it('returns at once when the condition already holds, reporting only what changed', async () => {
    wf.info.parent = { workflowId: 'handhaving:LOC-0007' };
    const run = newRun();
    await run.waitUntil(() => true);
    expect(wf.signals).toEqual([]);
    run.enter('opvolging', 'herstel nagaan tegen 2026-07-31');
    await run.waitUntil(() => true);
    expect(wf.signals.map((s) => s.state.block)).toEqual(['opvolging']);
    expect(wf.waits).toEqual([]);
  });
});
