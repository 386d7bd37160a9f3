import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { createProcessSettings } from '../../workflows/settings.js';

// Issue 9, defect 7: DEADLINE_OVERRIDES and ENFORCEMENT_OVERRIDES are checked in full at start-up;
// a misspelt key used to be ignored, so a case ran on the default term without anyone noticing.

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

const rung = (id: string, offsetMs: number, target = 'handler') => ({ id, offsetMs, target });

describe('DEADLINE_OVERRIDES', () => {
  it('accepts the documented format and applies it', () => {
    const value = {
      report_follow_up: { budget: { unit: 'hours', amount: 12 }, extensionCap: 24, rungs: [rung('reminder_handler', -3_600_000), rung('due_teamcoordinator', 0, 'teamcoordinator')] },
      screening: { budget: { unit: 'hours', amount: 8 / 3600 } },
      inspection_report: { extensionCap: 0 },
    };
    const config = loadConfig({ DEADLINE_OVERRIDES: JSON.stringify(value) });
    expect(config.deadlineOverrides).toEqual(value);
    const kinds = createProcessSettings(config).deadlineKinds;
    expect(kinds.report_follow_up.budget).toEqual({ unit: 'hours', amount: 12 });
    expect(kinds.report_follow_up.ladder.rungs.map((r) => r.id)).toEqual(['reminder_handler', 'due_teamcoordinator']);
    expect(kinds.inspection_report.extensionCap).toBe(0);
  });

  it.each([
    ['an unknown deadline kind', { report_followup: {} }, /DEADLINE_OVERRIDES has an unknown key "report_followup" \(known: report_follow_up, /],
    ['an unknown key in a kind', { screening: { budgett: { unit: 'hours', amount: 1 } } }, /at screening has an unknown key "budgett"/],
    ['an unknown key in a budget', { screening: { budget: { unit: 'hours', amount: 1, hours: 2 } } }, /at screening\.budget has an unknown key "hours"/],
    ['an unknown key in a rung', { screening: { rungs: [{ ...rung('a', 0), offset: 5 }] } }, /at screening\.rungs\[0\] has an unknown key "offset"/],
    ['an unknown unit', { screening: { budget: { unit: 'weeks', amount: 1 } } }, /at screening\.budget\.unit must be one of hours, calendar_days, working_days/],
    ['a missing amount', { screening: { budget: { unit: 'hours' } } }, /at screening\.budget\.amount must be a number > 0/],
    ['a zero amount', { screening: { budget: { unit: 'hours', amount: 0 } } }, /at screening\.budget\.amount must be a number > 0/],
    ['an amount as a string', { screening: { budget: { unit: 'hours', amount: '12' } } }, /at screening\.budget\.amount .* got "12"/],
    ['fractional working days', { screening: { budget: { unit: 'working_days', amount: 1.5 } } }, /at screening\.budget\.amount must be a whole number/],
    ['a negative extension cap', { screening: { extensionCap: -1 } }, /at screening\.extensionCap must be a whole number ≥ 0/],
    ['rungs that are not an array', { screening: { rungs: { id: 'a' } } }, /at screening\.rungs must be a non-empty array/],
    ['no rungs', { screening: { rungs: [] } }, /at screening\.rungs must be a non-empty array/],
    ['an unknown target', { screening: { rungs: [rung('a', 0, 'director')] } }, /at screening\.rungs\[0\]\.target must be one of handler, teamcoordinator, next_coordinator, central_lead/],
    ['a fractional offset', { screening: { rungs: [rung('a', 0.5)] } }, /at screening\.rungs\[0\]\.offsetMs must be a whole number/],
    ['rungs out of time order', { screening: { rungs: [rung('a', 0), rung('b', -1)] } }, /at screening\.rungs\[1\]\.offsetMs must be greater than the previous rung's/],
    ['a repeated rung id', { screening: { rungs: [rung('a', 0), rung('a', 1)] } }, /at screening\.rungs\[1\]\.id repeats the rung id "a"/],
    ['an empty rung id', { screening: { rungs: [rung(' ', 0)] } }, /at screening\.rungs\[0\]\.id must be a non-empty string/],
    ['a kind that is not an object', { screening: 12 }, /at screening must be a JSON object/],
    ['an array', [], /DEADLINE_OVERRIDES must be a JSON object/],
  ])('stops start-up on %s, naming the variable and the path', (_what, value, message) => {
    const error = configError({ DEADLINE_OVERRIDES: JSON.stringify(value) });
    expect(error.variable).toBe('DEADLINE_OVERRIDES');
    expect(error.message).toMatch(message);
  });

  it('is checked as well when handed to the process settings directly (the tests do)', () => {
    expect(() => createProcessSettings({ ...loadConfig({}), deadlineOverrides: { screening: { bugdet: {} } } })).toThrow(/DEADLINE_OVERRIDES at screening has an unknown key "bugdet"/);
  });
});

describe('ENFORCEMENT_OVERRIDES', () => {
  it('accepts the documented terms and applies them', () => {
    const value = { hearingTermWorkingDays: 10, objectionTermDays: 60, mentesContactWorkingDays: 3, reminderBeforeMs: 3_600_000, compressDayMs: 1_500 };
    const config = loadConfig({ ENFORCEMENT_OVERRIDES: JSON.stringify(value) });
    expect(createProcessSettings(config).enforcement(new Date('2026-11-02T00:00:00Z'))).toMatchObject(value);
  });

  it.each([
    ['an unknown term', { hearingTermDays: 10 }, /ENFORCEMENT_OVERRIDES has an unknown key "hearingTermDays" \(known: hearingTermWorkingDays, /],
    ['a zero term', { objectionTermDays: 0 }, /at objectionTermDays must be a whole number ≥ 1/],
    ['a fractional term', { hearingTermWorkingDays: 2.5 }, /at hearingTermWorkingDays must be a whole number/],
    ['a term as a string', { mentesContactWorkingDays: '2' }, /at mentesContactWorkingDays .* got "2"/],
    ['a term out of range', { objectionTermDays: 30_000 }, /at objectionTermDays must be a whole number ≥ 1 and ≤ 366/],
    ['a nested object', { reminderBeforeMs: { hours: 24 } }, /at reminderBeforeMs must be a whole number/],
  ])('stops start-up on %s, naming the variable and the key', (_what, value, message) => {
    const error = configError({ ENFORCEMENT_OVERRIDES: JSON.stringify(value) });
    expect(error.variable).toBe('ENFORCEMENT_OVERRIDES');
    expect(error.message).toMatch(message);
  });
});
