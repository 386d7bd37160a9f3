import { flemishCalendarSpec } from './clock/flemish-holidays.js';
import { createDeadlineOfKind, deadlineKinds } from './clock/defaults.js';
import type { EnforcementSettings } from './enforcement/definitions.js';
import type { InspectionSettings } from './inspection/definitions.js';
import type { MeldingSettings } from './melding/definitions.js';
import type { ScreeningSettings } from './screening/definitions.js';
import { checkDeadlineOverrides, checkEnforcementOverrides, type Config, ConfigError } from '../platform/config.js';

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

function enforcementTerms(overrides: unknown): Omit<EnforcementSettings, 'calendar'> {
  // Checked again here because tests hand overrides in directly, not through loadConfig.
  return { ...defaultEnforcementTerms, ...checkEnforcementOverrides(overrides) };
}

/** The overrides may come unchecked (tests build them in code); they are checked like the environment's. */
export function createProcessSettings(
  config: Pick<Config, 'extraClosingDays'> & { deadlineOverrides: unknown; enforcementOverrides: unknown } & Partial<Pick<Config, 'screeningSelectionSize' | 'screeningBatchSize'>>,
) {
  const overrides = checkDeadlineOverrides(config.deadlineOverrides);
  let kinds: ReturnType<typeof deadlineKinds>;
  try {
    kinds = deadlineKinds(overrides);
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
