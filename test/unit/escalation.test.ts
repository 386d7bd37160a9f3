import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, SECOND_MS, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import { createWorkingCalendar } from '../../workflows/clock/calendar.js';
import { dueAt, extend, pause, resume } from '../../workflows/clock/deadline.js';
import { DEFAULT_DEADLINE_KINDS, createDeadlineOfKind, deadlineKinds } from '../../workflows/clock/defaults.js';
import { escalationKey, nextWakeUp, rungMoment, rungsDue, validateLadder, type EscalationLadder } from '../../workflows/clock/escalation.js';

const cal = createWorkingCalendar({ closedDates: ['2026-04-06'] });
const who = { actor: 'tc.peeters', reason: 'melder onbereikbaar', basis: 'dienstafspraak' };
const T0 = Date.parse('2026-06-01T08:00:00Z');
const report = DEFAULT_DEADLINE_KINDS.report_follow_up;
const ladder = report.ladder;
const ids = (rungs: { id: string }[]) => rungs.map((r) => r.id);
const fresh = () => createDeadlineOfKind(report, 'melding-42/follow-up', T0);

describe('rungsDue and nextWakeUp', () => {
  it('fire each rung at its offset from the due moment', () => {
    const d = fresh(); // due T0 + 24 h; rungs at -4 h, 0, +24 h
    expect(rungsDue(ladder, d, T0 + 19 * HOUR_MS, [], cal)).toEqual([]);
    expect(nextWakeUp(ladder, d, T0 + 19 * HOUR_MS, [], cal)).toBe(T0 + 20 * HOUR_MS);
    expect(ids(rungsDue(ladder, d, T0 + 20 * HOUR_MS, [], cal))).toEqual(['reminder_handler']);
    expect(rungsDue(ladder, d, T0 + 20 * HOUR_MS, ['reminder_handler'], cal)).toEqual([]);
    expect(nextWakeUp(ladder, d, T0 + 20 * HOUR_MS, ['reminder_handler'], cal)).toBe(T0 + 24 * HOUR_MS);
    expect(rungMoment(ladder.rungs[2]!, d, cal)).toBe(T0 + 48 * HOUR_MS);
  });

  it('return rungs missed during downtime in ladder order, and never again once fired', () => {
    const d = fresh();
    const late = T0 + 50 * HOUR_MS;
    expect(ids(rungsDue(ladder, d, late, [], cal))).toEqual(['reminder_handler', 'due_teamcoordinator', 'overdue_central_lead']);
    // Whatever order the fired ids were stored in, the rest keeps ladder order.
    expect(ids(rungsDue(ladder, d, late, ['due_teamcoordinator'], cal))).toEqual(['reminder_handler', 'overdue_central_lead']);
    const all = ids(ladder.rungs);
    expect(rungsDue(ladder, d, late, all, cal)).toEqual([]);
    expect(nextWakeUp(ladder, d, late, all, cal)).toBeUndefined();
  });

  it('wake immediately (at now) when a rung is already due', () => {
    expect(nextWakeUp(ladder, fresh(), T0 + 30 * HOUR_MS, ['reminder_handler'], cal)).toBe(T0 + 30 * HOUR_MS);
  });

  it('are silent while paused and follow the moved due moment after resume and extension', () => {
    const paused = pause(fresh(), T0 + 10 * HOUR_MS, who, cal);
    expect(rungsDue(ladder, paused, T0 + 100 * HOUR_MS, [], cal)).toEqual([]);
    expect(nextWakeUp(ladder, paused, T0 + 100 * HOUR_MS, [], cal)).toBeUndefined();
    const resumed = resume(paused, T0 + 30 * HOUR_MS, who); // 14 h left: due T0 + 44 h
    expect(nextWakeUp(ladder, resumed, T0 + 30 * HOUR_MS, [], cal)).toBe(T0 + 40 * HOUR_MS);
    const extended = extend(resumed, T0 + 31 * HOUR_MS, { ...who, amount: 6 });
    expect(nextWakeUp(ladder, extended, T0 + 31 * HOUR_MS, [], cal)).toBe(T0 + 46 * HOUR_MS);
  });

  it('fire every rung exactly once, in order, through a restart-riddled run', () => {
    // A simulated workflow: state (fired ids) survives; a "crash" loses the activity result
    // before the id is recorded, so the same rung comes back and is re-sent with the same key.
    const d = fresh();
    const fired: string[] = [];
    const sentKeys = new Set<string>();
    const deliveries: string[] = [];
    let crashes = 0;
    for (let now = T0; now <= T0 + 60 * HOUR_MS; now += 7 * MINUTE_MS) {
      for (const rung of rungsDue(ladder, d, now, fired, cal)) {
        const key = escalationKey(d, rung);
        const firstAttempt = !sentKeys.has(key);
        if (firstAttempt) deliveries.push(rung.id); // the activity dedupes on the key
        sentKeys.add(key);
        if (firstAttempt) {
          crashes++;
          break; // worker died after sending, before the workflow recorded the rung
        }
        fired.push(rung.id);
      }
    }
    expect(crashes).toBe(ladder.rungs.length);
    expect(deliveries).toEqual(ids(ladder.rungs));
    expect(fired).toEqual(ids(ladder.rungs));
  });

  it('scope idempotency keys by deadline id', () => {
    expect(escalationKey(fresh(), ladder.rungs[0]!)).toBe('melding-42/follow-up:reminder_handler');
  });
});

describe('ladders and default kinds', () => {
  it('validate unique ids and ascending offsets', () => {
    const ok: EscalationLadder = { kind: 'k', rungs: [{ id: 'a', offsetMs: -1, target: 'handler' }, { id: 'b', offsetMs: 0, target: 'teamcoordinator' }] };
    expect(validateLadder(ok)).toBe(ok);
    expect(() => validateLadder({ kind: 'k', rungs: [ok.rungs[0]!, { ...ok.rungs[1]!, id: 'a' }] })).toThrow(/duplicate/);
    expect(() => validateLadder({ kind: 'k', rungs: [ok.rungs[1]!, ok.rungs[0]!] })).toThrow(/after the previous/);
    for (const kind of Object.values(DEFAULT_DEADLINE_KINDS)) expect(() => validateLadder(kind.ladder)).not.toThrow();
  });

  it('say which figures are cited and which are assumptions', () => {
    expect(DEFAULT_DEADLINE_KINDS.report_follow_up.budget).toEqual({ unit: 'hours', amount: 24 });
    expect(DEFAULT_DEADLINE_KINDS.report_follow_up.provenance.budget.status).toBe('cited');
    expect(DEFAULT_DEADLINE_KINDS.crisis_report_acknowledgement.budget).toEqual({ unit: 'hours', amount: 1 });
    expect(DEFAULT_DEADLINE_KINDS.crisis_report_acknowledgement.provenance.budget.status).toBe('assumption');
    expect(DEFAULT_DEADLINE_KINDS.mentes_contact.budget).toEqual({ unit: 'working_days', amount: 2 });
    expect(DEFAULT_DEADLINE_KINDS.mentes_contact.provenance.budget.status).toBe('cited');
    for (const kind of Object.values(DEFAULT_DEADLINE_KINDS)) expect(kind.provenance.ladder.status).toBe('assumption');
  });

  it('can be overridden to run in seconds, and then no longer claim a citation', () => {
    const kinds = deadlineKinds({
      report_follow_up: {
        budget: { unit: 'hours', amount: 3 / 3600 },
        rungs: [
          { id: 'reminder_handler', offsetMs: -SECOND_MS, target: 'handler' },
          { id: 'due_teamcoordinator', offsetMs: 0, target: 'teamcoordinator' },
        ],
      },
    });
    const d = createDeadlineOfKind(kinds.report_follow_up, 'x', T0);
    expect(dueAt(d, cal)).toBe(T0 + 3 * SECOND_MS);
    expect(nextWakeUp(kinds.report_follow_up.ladder, d, T0, [], cal)).toBe(T0 + 2 * SECOND_MS);
    expect(kinds.report_follow_up.provenance.budget.status).toBe('assumption');
    expect(kinds.mentes_contact).toEqual(DEFAULT_DEADLINE_KINDS.mentes_contact);
    expect(() => deadlineKinds({ mentes_contact: { rungs: [ladder.rungs[1]!, ladder.rungs[0]!] } })).toThrow(RangeError);
  });

  it('give a Mentes deadline from a Thursday over Easter Monday', () => {
    const d = createDeadlineOfKind(DEFAULT_DEADLINE_KINDS.mentes_contact, 'aanmaning-7/mentes', '2026-04-02T08:00:00Z');
    expect(toIsoUtc(dueAt(d, cal)!)).toBe('2026-04-07T21:59:59.999Z');
  });
});
