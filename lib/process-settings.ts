import { flemishCalendarSpec } from '../activities/calendar/flemish-holidays.js';
import { createDeadlineOfKind, type DeadlineKindOverrides, deadlineKinds } from '../workflows/clock/defaults.js';
import type { EnforcementSettings } from '../workflows/enforcement/definitions.js';
import type { InspectionSettings } from '../workflows/inspection/definitions.js';
import type { MeldingSettings } from '../workflows/melding/definitions.js';
import type { ScreeningSettings } from '../workflows/screening/definitions.js';
import { type Config, ConfigError } from './config.js';

/**
 * The settings each process gets at its start (deadline kinds, working calendar). They travel in
 * the workflow's input, so a change of configuration applies to new cases and a replay always
 * sees what the case started with.
 */
/** Enforcement terms: the defaults are assumptions to confirm (docs/enforcement.md). */
export const defaultEnforcementTerms = {
  hearingTermWorkingDays: 15,
  objectionTermDays: 30,
  mentesContactWorkingDays: 2,
  reminderBeforeMs: 24 * 3600 * 1000,
};

function enforcementTerms(overrides: Record<string, unknown>): Omit<EnforcementSettings, 'calendar'> {
  const terms: Record<string, unknown> = { ...defaultEnforcementTerms, ...overrides };
  for (const [key, value] of Object.entries(terms)) {
    const known = key in defaultEnforcementTerms || key === 'compressDayMs';
    if (!known || typeof value !== 'number' || !(value > 0)) {
      throw new ConfigError('ENFORCEMENT_OVERRIDES', `has an unknown or non-positive term ${key}=${JSON.stringify(value)}`);
    }
  }
  return terms as unknown as Omit<EnforcementSettings, 'calendar'>;
}

export function createProcessSettings(config: Pick<Config, 'deadlineOverrides' | 'extraClosingDays' | 'enforcementOverrides'> & Partial<Pick<Config, 'screeningSelectionSize' | 'screeningBatchSize'>>) {
  let kinds: ReturnType<typeof deadlineKinds>;
  try {
    kinds = deadlineKinds(config.deadlineOverrides as DeadlineKindOverrides);
    for (const kind of Object.values(kinds)) createDeadlineOfKind(kind, 'check', '2026-01-01T00:00:00Z');
  } catch (err) {
    throw new ConfigError('DEADLINE_OVERRIDES', `is not valid: ${(err as Error).message}`);
  }
  const calendars = new Map<number, MeldingSettings['calendar']>();

  /** A working calendar from the year before `at` to two years after: room for every term. */
  function calendarAround(at: Date): MeldingSettings['calendar'] {
    const year = at.getUTCFullYear();
    let spec = calendars.get(year);
    if (!spec) {
      spec = flemishCalendarSpec({ fromYear: year - 1, toYear: year + 2, extraClosedDates: config.extraClosingDays });
      calendars.set(year, spec);
    }
    return spec;
  }

  const terms = enforcementTerms(config.enforcementOverrides);

  return {
    deadlineKinds: kinds,
    enforcement(at: Date = new Date()): EnforcementSettings {
      return { ...terms, calendar: calendarAround(at) };
    },
    screening(at: Date = new Date()): ScreeningSettings {
      return { selectionSize: config.screeningSelectionSize ?? 100, batchSize: config.screeningBatchSize ?? 2000, deadline: kinds.screening, calendar: calendarAround(at) };
    },
    melding(receivedAt: Date): MeldingSettings {
      return {
        deadlines: { report_follow_up: kinds.report_follow_up, crisis_report_acknowledgement: kinds.crisis_report_acknowledgement },
        calendar: calendarAround(receivedAt),
      };
    },
    inspection(requestedAt: Date): InspectionSettings {
      return {
        deadlines: { inspection_planning: kinds.inspection_planning, inspection_report: kinds.inspection_report },
        calendar: calendarAround(requestedAt),
      };
    },
  };
}

export type ProcessSettings = ReturnType<typeof createProcessSettings>;
