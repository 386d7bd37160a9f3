/**
 * "Which rule set this due moment, and how was it counted": the explanation every item of Mijn werk
 * carries (docs/work-surfaces.md). The registers store the due moment, not the deadline; the rule
 * is recomputed here from the deadline kind (the configured kinds, DEADLINE_OVERRIDES included)
 * and the start moment the register does hold, with the same clock module the workflows use. When
 * the recomputed moment differs from the stored one, the deadline was extended or paused, and the
 * explanation says so rather than pretending.
 */
import { flemishClosingDays } from '../../workflows/clock/flemish-holidays.js';
import {
  addDays,
  createDeadlineOfKind,
  createWorkingCalendar,
  dueAt as deadlineDueAt,
  isoWeekday,
  isWorkingDay,
  localDateOf,
  toBrusselsDateTime,
  type DeadlineKindConfig,
  type LocalDate,
  type WorkingCalendar,
} from '../../workflows/clock/index.js';
import type { ProcessSettings } from '../../workflows/settings.js';

export interface SkippedDay {
  date: string;
  /** 'weekend', or the closing day's name (e.g. "Paasmaandag"). */
  reason: string;
}

export interface DueRule {
  /** The deadline kind (workflows/clock/defaults.ts) or the enforcement term. */
  kind: string;
  /** Dutch label of the rule. */
  label: string;
  /** One sentence in Dutch: the rule, its start and how it was counted. */
  text: string;
  /** The moment the budget runs from (ISO), when known. */
  startAt: string | null;
  /** The budget, when known. */
  budget: { unit: 'hours' | 'calendar_days' | 'working_days'; amount: number } | null;
  /** Weekend and closing days the count skipped (working days) or the last day rolled past (calendar days). */
  skipped: SkippedDay[];
  /** The stored due moment differs from the rule's: extended (verlengd) or paused and resumed (opgeschort). */
  adjusted: boolean;
  /** The deadline is paused: no due moment runs. */
  paused: boolean;
}

const weekdays = ['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'];
const months = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

/** "vr 3 apr 17:00" in Brussels time; the end of a day reads "23:59". */
export function formatMoment(at: Date | number | string): string {
  const t = toBrusselsDateTime(at instanceof Date ? at.getTime() : at);
  const hh = String(t.hour).padStart(2, '0');
  const mm = String(t.minute).padStart(2, '0');
  return `${weekdays[t.isoWeekday - 1]} ${t.day} ${months[t.month - 1]} ${hh}:${mm}`;
}

function formatDay(date: LocalDate): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${weekdays[isoWeekday(date) - 1]} ${d} ${months[m - 1]}`;
}

const unitText = { hours: 'uur', calendar_days: 'kalenderdagen', working_days: 'werkdagen' } as const;

function budgetText(b: { unit: keyof typeof unitText; amount: number }): string {
  if (b.unit === 'hours' && b.amount < 1) return `${Math.round(b.amount * 3600)} seconden`;
  if (b.unit === 'hours' && b.amount === 1) return '1 uur';
  return `${b.amount} ${unitText[b.unit]}`;
}

/** Explains due moments with the configured deadline kinds and the Flemish working calendar. */
export class DueRuleExplainer {
  private calendars = new Map<number, WorkingCalendar>();
  private closingNames = new Map<number, Map<string, string>>();

  constructor(private readonly settings: ProcessSettings) {}

  private calendar(at: Date): WorkingCalendar {
    const year = at.getUTCFullYear();
    let cal = this.calendars.get(year);
    if (!cal) {
      cal = createWorkingCalendar(this.settings.melding(at).calendar);
      this.calendars.set(year, cal);
    }
    return cal;
  }

  private closingName(date: LocalDate): string {
    const year = Number(date.slice(0, 4));
    let names = this.closingNames.get(year);
    if (!names) {
      names = new Map(flemishClosingDays({ fromYear: year, toYear: year }).map((d) => [d.date, d.name]));
      this.closingNames.set(year, names);
    }
    return names.get(date) ?? 'sluitingsdag';
  }

  /** Non-working days d with from < d ≤ to. */
  private skippedBetween(cal: WorkingCalendar, from: LocalDate, to: LocalDate): SkippedDay[] {
    const out: SkippedDay[] = [];
    for (let d = addDays(from, 1); d <= to && out.length < 400; d = addDays(d, 1)) {
      let working: boolean;
      try {
        working = isWorkingDay(cal, d);
      } catch {
        break; // outside the calendar's coverage: say nothing rather than guess
      }
      if (!working) out.push({ date: d, reason: isoWeekday(d) >= 6 && !cal.closedDates.has(d) ? 'weekend' : this.closingName(d) });
    }
    return out;
  }

  private skippedText(skipped: SkippedDay[]): string {
    if (skipped.length === 0) return 'geen weekend of feestdag overgeslagen';
    const weekend = skipped.filter((s) => s.reason === 'weekend').length;
    const closing = skipped.filter((s) => s.reason !== 'weekend');
    const parts: string[] = [];
    if (weekend > 0) parts.push(`${weekend} weekenddag${weekend === 1 ? '' : 'en'}`);
    if (closing.length > 0) parts.push(`${closing.length} feestdag${closing.length === 1 ? '' : 'en'} (${closing.map((c) => `${c.reason} ${formatDay(c.date as LocalDate)}`).join(', ')})`);
    return `${parts.join(' en ')} overgeslagen`;
  }

  /**
   * A deadline of a known kind that runs from a known moment. `stored` is the register's due
   * moment (null while paused); `startWhat` names the start ("ontvangst", "selectie", …).
   */
  fromKind(config: DeadlineKindConfig, startAt: Date, startWhat: string, stored: Date | null, paused = false): DueRule {
    const cal = this.calendar(startAt);
    let computed: number | undefined;
    try {
      computed = deadlineDueAt(createDeadlineOfKind(config, 'uitleg', startAt.toISOString()), cal);
    } catch {
      computed = undefined;
    }
    const budget = { ...config.budget };
    const skipped = budget.unit === 'hours' || computed === undefined ? [] : this.skippedBetween(cal, localDateOf(startAt.getTime()), localDateOf(computed));
    const adjusted = stored !== null && computed !== undefined && Math.abs(stored.getTime() - computed) > 1_000;
    let text = `${budgetText(budget)} na ${startWhat}: ${formatMoment(startAt)} → ${computed === undefined ? 'onbekend' : formatMoment(computed)}`;
    if (budget.unit === 'working_days') text += `; ${this.skippedText(skipped)}`;
    if (budget.unit === 'calendar_days' && skipped.length > 0) text += `; laatste dag naar de volgende werkdag geschoven (${this.skippedText(skipped)})`;
    if (paused) text += '; termijn opgeschort: loopt nu niet';
    else if (adjusted && stored) text += `; verlengd of opgeschort: nu ${formatMoment(stored)}`;
    return { kind: config.kind, label: config.label, text, startAt: startAt.toISOString(), budget, skipped, adjusted, paused };
  }

  /**
   * A deadline whose start the register does not hold but whose length is known: counted back from
   * the due moment (the hour budget of a crisis report runs from its routing, the hearing term from
   * sending the voornemen).
   */
  backFrom(kind: string, label: string, budget: { unit: 'hours' | 'working_days' | 'calendar_days'; amount: number }, startWhat: string, due: Date): DueRule {
    const cal = this.calendar(due);
    let start: number;
    let skipped: SkippedDay[] = [];
    if (budget.unit === 'hours') {
      start = due.getTime() - budget.amount * 3_600_000;
    } else {
      const dueDate = localDateOf(due.getTime());
      let d = dueDate;
      if (budget.unit === 'working_days') {
        let left = budget.amount;
        try {
          while (left > 0) {
            d = addDays(d, -1);
            if (isWorkingDay(cal, addDays(d, 1))) left--;
          }
        } catch {
          /* outside coverage */
        }
      } else {
        d = addDays(d, -budget.amount);
      }
      skipped = this.skippedBetween(cal, d, dueDate);
      start = new Date(`${d}T12:00:00Z`).getTime();
    }
    const startText = budget.unit === 'hours' ? formatMoment(start) : formatDay(localDateOf(start));
    let text = `${budgetText(budget)} na ${startWhat}: ${startText} → ${formatMoment(due)}`;
    if (budget.unit === 'working_days') text += `; ${this.skippedText(skipped)}`;
    return { kind, label, text, startAt: budget.unit === 'hours' ? new Date(start).toISOString() : null, budget, skipped, adjusted: false, paused: false };
  }

  /** A moment set by a person (e.g. the remedy date of an aanmaning): no counting to explain. */
  fixed(kind: string, label: string, due: Date, setBy: string): DueRule {
    return { kind, label, text: `${label}: ${setBy}, tot ${formatMoment(due)}`, startAt: null, budget: null, skipped: [], adjusted: false, paused: false };
  }

  none(kind: string, label: string, why: string): DueRule {
    return { kind, label, text: why, startAt: null, budget: null, skipped: [], adjusted: false, paused: false };
  }
}
