/**
 * A deadline is a budget running from an anchor, not a stored date: the due moment is derived,
 * so opschorting (pause) and verlenging (extension) move it without rewriting history.
 * Values are plain JSON so they live in workflow state and in Temporal history; every function is
 * pure and takes `now` from the caller (in a workflow: Date.now(), which Temporal makes replay-safe).
 * The semantics are written out in docs/deadlines.md.
 */
import {
  HOUR_MS,
  daysBetween,
  endOfLocalDay,
  localDateOf,
  toEpochMs,
  toIsoUtc,
  type EpochMs,
  type InstantInput,
} from './brussels-time.js';
import { addCalendarDays, addWorkingDays, countWorkingDays, workingDayOnOrAfter, type WorkingCalendar } from './calendar.js';

export type BudgetUnit = 'hours' | 'calendar_days' | 'working_days';

export interface Budget {
  unit: BudgetUnit;
  /** Hours may be fractional (tests run on seconds); day budgets are whole days. */
  amount: number;
}

/** Who, why and on what legal or service basis: recorded with every change. */
export interface ChangeInput {
  actor: string;
  reason: string;
  basis: string;
}

export type DeadlineChange =
  | ({ type: 'pause'; at: string } & ChangeInput)
  | ({ type: 'resume'; at: string } & ChangeInput)
  | ({ type: 'extend'; at: string; amount: number } & ChangeInput);

export interface Deadline {
  id: string;
  kind: string;
  budget: Budget;
  /** ISO UTC. The event the budget runs from (e.g. receipt of the melding). */
  anchor: string;
  state: 'running' | 'paused';
  /** ISO UTC. The anchor, or the last resume: where the still-running part of the budget starts. */
  runningSince: string;
  /** ISO UTC while paused, else null. */
  pausedAt: string | null;
  /** Budget used before `runningSince`, for hours budgets, in milliseconds. */
  consumedMs: number;
  /** Budget used before `runningSince`, for day budgets, in (working or calendar) days. */
  consumedDays: number;
  /** Sum of all extensions, in the budget's unit. */
  extensionTotal: number;
  /** Maximum for extensionTotal, in the budget's unit. */
  extensionCap: number;
  changes: DeadlineChange[];
}

export type DeadlineErrorCode =
  | 'invalid_input'
  | 'not_running'
  | 'not_paused'
  | 'overdue'
  | 'time_before_last_change'
  | 'extension_cap_exceeded';

export class DeadlineError extends Error {
  constructor(
    readonly code: DeadlineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}

export class ExtensionCapExceededError extends DeadlineError {
  constructor(
    readonly requested: number,
    readonly alreadyExtended: number,
    readonly cap: number,
    readonly unit: BudgetUnit,
  ) {
    super(
      'extension_cap_exceeded',
      `Extension (verlenging) of ${requested} ${unit} exceeds the cap: ${alreadyExtended} of ${cap} ${unit} already extended`,
    );
    this.name = 'ExtensionCapExceededError';
  }
}

function checkAmount(unit: BudgetUnit, amount: number, what: string, allowZero: boolean): void {
  const wholeOk = unit === 'hours' || Number.isInteger(amount);
  const signOk = allowZero ? amount >= 0 : amount > 0;
  if (!Number.isFinite(amount) || !wholeOk || !signOk) {
    throw new DeadlineError('invalid_input', `${what} must be ${allowZero ? '≥ 0' : '> 0'}${unit === 'hours' ? '' : ' and whole'}, got ${amount} ${unit}`);
  }
}

function checkChange(change: ChangeInput): void {
  for (const field of ['actor', 'reason', 'basis'] as const) {
    if (typeof change[field] !== 'string' || change[field].trim() === '') {
      throw new DeadlineError('invalid_input', `A deadline change needs a non-empty ${field}`);
    }
  }
}

export interface CreateDeadlineInput {
  id: string;
  kind: string;
  budget: Budget;
  anchor: InstantInput;
  /** In the budget's unit; 0 forbids extension. */
  extensionCap: number;
}

export function createDeadline(input: CreateDeadlineInput): Deadline {
  if (input.id.trim() === '' || input.kind.trim() === '') throw new DeadlineError('invalid_input', 'A deadline needs an id and a kind');
  checkAmount(input.budget.unit, input.budget.amount, 'Budget', false);
  checkAmount(input.budget.unit, input.extensionCap, 'Extension cap', true);
  const anchor = toIsoUtc(input.anchor);
  return {
    id: input.id,
    kind: input.kind,
    budget: { unit: input.budget.unit, amount: input.budget.amount },
    anchor,
    state: 'running',
    runningSince: anchor,
    pausedAt: null,
    consumedMs: 0,
    consumedDays: 0,
    extensionTotal: 0,
    extensionCap: input.extensionCap,
    changes: [],
  };
}

function totalMs(d: Deadline): number {
  return Math.round((d.budget.amount + d.extensionTotal) * HOUR_MS);
}

function totalDays(d: Deadline): number {
  return d.budget.amount + d.extensionTotal;
}

/**
 * Days consumed while running from `runningSince` until `at`: working (or calendar) days after
 * the running-since date up to and including the date of `at`. The day a pause starts counts
 * as used; the day the clock (re)starts does not.
 */
function daysUsedSince(d: Deadline, at: EpochMs, calendar: WorkingCalendar): number {
  const from = localDateOf(d.runningSince);
  const to = localDateOf(at);
  if (to <= from) return 0;
  if (d.budget.unit === 'working_days') return countWorkingDays(calendar, from, to);
  return daysBetween(from, to);
}

function lastDay(d: Deadline, calendar: WorkingCalendar): string {
  const start = localDateOf(d.runningSince);
  const left = Math.max(0, totalDays(d) - d.consumedDays);
  if (d.budget.unit === 'working_days') {
    // Nothing left (paused on the last day): the resume day itself, or the next working day.
    return left === 0 ? workingDayOnOrAfter(calendar, start) : addWorkingDays(calendar, start, left);
  }
  // Calendar days: a last day that falls on a closing day moves to the next working day.
  return addCalendarDays(calendar, start, left);
}

/** The due moment in epoch ms; undefined while paused, because a paused deadline has none. */
export function dueAt(deadline: Deadline, calendar: WorkingCalendar): EpochMs | undefined {
  if (deadline.state === 'paused') return undefined;
  if (deadline.budget.unit === 'hours') {
    return toEpochMs(deadline.runningSince) + totalMs(deadline) - deadline.consumedMs;
  }
  return endOfLocalDay(lastDay(deadline, calendar));
}

/** Overdue means strictly after the due moment; a paused deadline is never overdue. */
export function isOverdue(deadline: Deadline, now: InstantInput, calendar: WorkingCalendar): boolean {
  const due = dueAt(deadline, calendar);
  return due !== undefined && toEpochMs(now) > due;
}

export interface Remaining {
  unit: BudgetUnit;
  /** Budget left, in the budget's unit, never below 0: what a pause at `now` would keep. */
  amount: number;
  /** Milliseconds until the due moment, negative once overdue; undefined while paused. */
  msUntilDue: number | undefined;
  overdue: boolean;
}

export function remaining(deadline: Deadline, now: InstantInput, calendar: WorkingCalendar): Remaining {
  const at = toEpochMs(now);
  const due = dueAt(deadline, calendar);
  const overdue = isOverdue(deadline, at, calendar);
  const { unit } = deadline.budget;
  let amount: number;
  if (unit === 'hours') {
    const usedNow = deadline.state === 'running' ? Math.max(0, at - toEpochMs(deadline.runningSince)) : 0;
    amount = Math.max(0, totalMs(deadline) - deadline.consumedMs - usedNow) / HOUR_MS;
  } else {
    const usedNow = deadline.state === 'running' ? daysUsedSince(deadline, at, calendar) : 0;
    amount = Math.max(0, totalDays(deadline) - deadline.consumedDays - usedNow);
  }
  return { unit, amount, msUntilDue: due === undefined ? undefined : due - at, overdue };
}

function lastChangeAt(d: Deadline): EpochMs {
  const last = d.changes[d.changes.length - 1];
  return toEpochMs(last ? last.at : d.anchor);
}

function checkNow(d: Deadline, now: EpochMs): void {
  if (now < lastChangeAt(d)) {
    throw new DeadlineError('time_before_last_change', `Change at ${toIsoUtc(now)} predates the deadline's last change or anchor`);
  }
}

/**
 * Opschorting. Rejected once overdue: a pause must not hide a missed deadline (extend first).
 * Hours: the exact milliseconds used are kept. Days: see daysUsedSince.
 */
export function pause(deadline: Deadline, now: InstantInput, change: ChangeInput, calendar: WorkingCalendar): Deadline {
  const at = toEpochMs(now);
  checkChange(change);
  if (deadline.state !== 'running') throw new DeadlineError('not_running', `Deadline ${deadline.id} is already paused`);
  checkNow(deadline, at);
  if (isOverdue(deadline, at, calendar)) {
    throw new DeadlineError('overdue', `Deadline ${deadline.id} is overdue and cannot be paused; extend it first`);
  }
  const isHours = deadline.budget.unit === 'hours';
  const used = isHours ? at - toEpochMs(deadline.runningSince) : daysUsedSince(deadline, at, calendar);
  return {
    ...deadline,
    state: 'paused',
    pausedAt: toIsoUtc(at),
    // Clamped: a calendar-day deadline whose last day rolled past a weekend can be paused on that weekend.
    consumedMs: isHours ? Math.min(totalMs(deadline), deadline.consumedMs + used) : deadline.consumedMs,
    consumedDays: isHours ? deadline.consumedDays : Math.min(totalDays(deadline), deadline.consumedDays + used),
    changes: [...deadline.changes, { type: 'pause', at: toIsoUtc(at), ...pickChange(change) }],
  };
}

/** The remaining budget runs again from `now`; for day budgets, from the day after `now`'s date. */
export function resume(deadline: Deadline, now: InstantInput, change: ChangeInput): Deadline {
  const at = toEpochMs(now);
  checkChange(change);
  if (deadline.state !== 'paused') throw new DeadlineError('not_paused', `Deadline ${deadline.id} is not paused`);
  checkNow(deadline, at);
  return {
    ...deadline,
    state: 'running',
    runningSince: toIsoUtc(at),
    pausedAt: null,
    changes: [...deadline.changes, { type: 'resume', at: toIsoUtc(at), ...pickChange(change) }],
  };
}

export interface ExtensionInput extends ChangeInput {
  /** In the budget's unit. */
  amount: number;
}

/** Verlenging: adds to the budget, running or paused, overdue or not, up to the cap. */
export function extend(deadline: Deadline, now: InstantInput, extension: ExtensionInput): Deadline {
  const at = toEpochMs(now);
  checkChange(extension);
  checkAmount(deadline.budget.unit, extension.amount, 'Extension', false);
  checkNow(deadline, at);
  if (deadline.extensionTotal + extension.amount > deadline.extensionCap) {
    throw new ExtensionCapExceededError(extension.amount, deadline.extensionTotal, deadline.extensionCap, deadline.budget.unit);
  }
  return {
    ...deadline,
    extensionTotal: deadline.extensionTotal + extension.amount,
    changes: [...deadline.changes, { type: 'extend', at: toIsoUtc(at), amount: extension.amount, ...pickChange(extension) }],
  };
}

// Keeps extra fields a caller passed (e.g. `amount`, or a whole command object) out of the record.
function pickChange(change: ChangeInput): ChangeInput {
  return { actor: change.actor, reason: change.reason, basis: change.basis };
}
