/**
 * Escalation ladders: who hears about a deadline, and when, relative to its due moment.
 *
 * At-most-once is a contract between three parties, not something a pure function can enforce:
 * - the workflow keeps the ids of fired rungs in its state and passes them to rungsDue/nextWakeUp;
 * - it records a rung as fired only after the notifying activity succeeded, and hands that
 *   activity escalationKey(deadline, rung) as its idempotency key, so a retried or replayed
 *   activity does not notify twice;
 * - rungsDue returns every unfired rung whose moment has passed, in ladder order, so rungs missed
 *   while the worker was down fire late but in order, each once.
 */
import { toEpochMs, type EpochMs, type InstantInput } from './brussels-time.js';
import type { WorkingCalendar } from './calendar.js';
import { dueAt, type Deadline } from './deadline.js';

/** Roles, resolved to people by the notifying activity (the handler of a crisismelding is the crisis coordinator). */
export type EscalationTarget = 'handler' | 'teamcoordinator' | 'next_coordinator' | 'central_lead';

export interface EscalationRung {
  id: string;
  /** Relative to the due moment: negative before it, 0 at it, positive after it. */
  offsetMs: number;
  target: EscalationTarget;
}

export interface EscalationLadder {
  kind: string;
  /** Ascending by offset, so ladder order is also time order. */
  rungs: EscalationRung[];
}

/** Throws unless rung ids are unique and offsets strictly ascend; returns the ladder for chaining. */
export function validateLadder(ladder: EscalationLadder): EscalationLadder {
  const ids = new Set<string>();
  let previous = -Infinity;
  for (const rung of ladder.rungs) {
    if (rung.id.trim() === '') throw new RangeError(`Ladder ${ladder.kind}: a rung needs an id`);
    if (ids.has(rung.id)) throw new RangeError(`Ladder ${ladder.kind}: duplicate rung id "${rung.id}"`);
    if (!Number.isSafeInteger(rung.offsetMs)) throw new RangeError(`Ladder ${ladder.kind}: rung "${rung.id}" needs a whole-millisecond offset`);
    if (rung.offsetMs <= previous) throw new RangeError(`Ladder ${ladder.kind}: rung "${rung.id}" must come after the previous rung`);
    ids.add(rung.id);
    previous = rung.offsetMs;
  }
  return ladder;
}

/** The moment a rung fires for a deadline; undefined while the deadline is paused. */
export function rungMoment(rung: EscalationRung, deadline: Deadline, calendar: WorkingCalendar): EpochMs | undefined {
  const due = dueAt(deadline, calendar);
  return due === undefined ? undefined : due + rung.offsetMs;
}

/** Unfired rungs whose moment is at or before `now`, in ladder order; none while paused. */
export function rungsDue(
  ladder: EscalationLadder,
  deadline: Deadline,
  now: InstantInput,
  firedRungIds: readonly string[],
  calendar: WorkingCalendar,
): EscalationRung[] {
  const due = dueAt(deadline, calendar);
  if (due === undefined) return [];
  const at = toEpochMs(now);
  const fired = new Set(firedRungIds);
  return ladder.rungs.filter((rung) => !fired.has(rung.id) && due + rung.offsetMs <= at);
}

/**
 * When the workflow should next wake: the earliest moment of an unfired rung, but not before
 * `now` (a rung already due means "now"). Undefined while paused or when every rung has fired:
 * the workflow then waits only for commands (resume, extend, completion).
 */
export function nextWakeUp(
  ladder: EscalationLadder,
  deadline: Deadline,
  now: InstantInput,
  firedRungIds: readonly string[],
  calendar: WorkingCalendar,
): EpochMs | undefined {
  const due = dueAt(deadline, calendar);
  if (due === undefined) return undefined;
  const fired = new Set(firedRungIds);
  let earliest: EpochMs | undefined;
  for (const rung of ladder.rungs) {
    if (fired.has(rung.id)) continue;
    const moment = due + rung.offsetMs;
    if (earliest === undefined || moment < earliest) earliest = moment;
  }
  return earliest === undefined ? undefined : Math.max(earliest, toEpochMs(now));
}

/** Idempotency key for the notifying activity: stable across retries, replays and worker restarts. */
export function escalationKey(deadline: Deadline, rung: EscalationRung): string {
  return `${deadline.id}:${rung.id}`;
}
