import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { EnforcementActivities } from '../../activities/enforcement.js';
import type { TemplateName } from '../shared/templates.js';
import { addDays, daysBetween, endOfLocalDay, localDateOf, startOfLocalDay, toIsoUtc } from '../clock/brussels-time.js';
import { addCalendarDays, addWorkingDays, CalendarCoverageError, createWorkingCalendar, type WorkingCalendar } from '../clock/calendar.js';
import { type Actor, system } from '../shared/actor.js';
import {
  type Block,
  type Communication,
  type DecisionKind,
  type FlowCommand,
  type FlowInput,
  type FlowState,
  flowProgressSignal,
  type LetterOutcome,
  letterOutcomeSignal,
  republishProgressSignal,
  reviewUpdate,
} from './definitions.js';
import { durableActivities, durableRetry } from '../shared/durable-activities.js';
import { AllOrNothing, stateObject } from '../shared/all-or-nothing.js';
import { invalid, notNow } from '../shared/refusals.js';

export const activities = proxyActivities<EnforcementActivities>({
  startToCloseTimeout: '30 seconds',
  // Every activity is idempotent by key: retrying until the database is back repeats nothing.
  retry: durableRetry,
});

/** Activities added with issue 13, with incidents when they keep failing (docs/incidents.md). */
export const durable = durableActivities<EnforcementActivities>({ startToCloseTimeout: '30 seconds' });

export { system };

export { invalid, notNow };

interface Timer {
  id: string;
  label: string;
  at: number;
  fire: () => Promise<void>;
}

/**
 * What every enforcement flow shares: its state (block, what it waits for, history, deadlines,
 * communications), recording to the timeline and audit log, sending letters exactly once,
 * term arithmetic on the working calendar, and timers that fire once each while the flow waits
 * for commands. Deterministic: time is workflow time, side effects go through activities.
 */
export class FlowRun {
  readonly state: FlowState;
  readonly calendar: WorkingCalendar;
  private readonly timers: Timer[] = [];
  private readonly fired = new Set<string>();
  private events = 0;
  private changed = false;
  /**
   * Every command of the flow is all or nothing (`run.guard.onUpdate`): refused, it leaves the
   * state, the timers and what the flow keeps besides (`guard.keep`) as last recorded.
   */
  readonly guard = new AllOrNothing(() => {
    const state = stateObject(this.state)();
    const timers = [...this.timers];
    const fired = [...this.fired];
    return () => {
      state();
      this.timers.splice(0, this.timers.length, ...timers);
      this.fired.clear();
      for (const id of fired) this.fired.add(id);
    };
  });

  constructor(readonly input: FlowInput, waitingFor: string) {
    this.calendar = createWorkingCalendar(input.settings.calendar);
    this.state = {
      seq: 0,
      flow: input.flow,
      workflowId: workflowInfo().workflowId,
      block: 'mijlpaal',
      waitingFor,
      data: {},
      deadlines: [],
      communications: [],
      history: [],
    };
    // A channel's callback (registered mail: delivered, not collected, returned) shows on the communication.
    // Only a state change: no command, so older histories replay unchanged.
    // Not a command: while one is under way it is applied after it, so a refusal cannot undo it.
    setHandler(letterOutcomeSignal, (o: LetterOutcome) => {
      this.guard.apply(() => {
        const c = this.state.communications.find((x) => x.key === o.key);
        if (!c) return;
        c.status = o.status === 'teruggestuurd' ? 'failed' : o.status === 'niet_afgehaald' ? 'sent' : 'delivered';
        c.outcome = { status: o.status, presentedOn: o.presentedOn ?? null, deliveredOn: o.deliveredOn ?? null, termFrom: o.termFrom ?? null };
        this.letterOutcomes.push(o);
        this.changed = true;
      });
    });
    // After a command under way, so a refusal that restores the state cannot take back the seq the case saw.
    setHandler(republishProgressSignal, async () => {
      if (this.guard.busy) await this.guard.untilIdle();
      await this.publish();
    });
  }

  /** Outcomes reported by the channels, in order of arrival. */
  readonly letterOutcomes: LetterOutcome[] = [];

  get location() {
    return this.input.location;
  }

  /** Moves to a block; says what the flow waits for now. */
  enter(block: Block, waitingFor: string): void {
    this.state.block = block;
    this.state.waitingFor = waitingFor;
    this.changed = true;
  }

  /** A change worth a timeline entry and an audit record; the case sees it at once. */
  async record(actor: Actor, action: string, title: string, details?: Record<string, unknown>): Promise<void> {
    this.events += 1;
    this.state.history.push({ at: toIsoUtc(Date.now()), actorId: actor.id, action, detail: title });
    this.changed = true;
    await activities.recordEnforcementEvent({
      key: `${this.state.workflowId}:event:${this.events}`,
      caseId: this.input.caseId,
      dossierId: this.location.dossierId,
      action,
      title,
      actor,
      details: { flow: this.input.flow, ...details },
    });
    this.guard.recorded();
    await this.publish();
  }

  /** The key of one message of this flow: its exactly-once key and the key channels report on. */
  keyOf(recipient: Communication['recipient'], kind: string, channel: Communication['channel']): string {
    return `${this.input.caseId}:${this.state.workflowId}:${recipient}:${kind}:${channel}`;
  }

  /** One message, exactly once per (case, step, recipient, kind, channel). */
  async send(
    recipient: Communication['recipient'],
    kind: string,
    channel: Communication['channel'],
    template: TemplateName,
    values: Record<string, string>,
  ): Promise<void> {
    const key = this.keyOf(recipient, kind, channel);
    const { status } = await activities.sendCommunication({ key, caseId: this.input.caseId, location: this.location, recipient, channel, template, values });
    this.state.communications.push({ key, recipient, kind, channel, at: toIsoUtc(Date.now()), status });
    this.changed = true;
    this.guard.recorded();
  }

  /** An oral contact or a talk: recorded as a communication, nothing is sent. */
  noteSpoken(recipient: Communication['recipient'], kind: string, at: string): void {
    this.state.communications.push({ key: `${this.state.workflowId}:${recipient}:${kind}:mondeling`, recipient, kind, channel: 'mondeling', at, status: 'recorded' });
  }

  /** The last block: lets running command handlers finish, then tells the case. */
  async finish(): Promise<void> {
    this.enter('afgerond', 'afgerond');
    await condition(allHandlersFinished);
    await this.publish();
  }

  async publish(): Promise<void> {
    const parent = workflowInfo().parent;
    this.state.seq += 1;
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(flowProgressSignal, this.state);
  }

  // ----- terms -------------------------------------------------------------------------------

  /** The end of the Nth working day after `from` (or N compressed days in tests). */
  workingDaysFrom(from: number, days: number): number {
    const compress = this.input.settings.compressDayMs;
    if (compress) return from + days * compress;
    return endOfLocalDay(addWorkingDays(this.calendar, localDateOf(from), days));
  }

  /**
   * The end of the Nth calendar day after `from`, moved to the next working day when that day is
   * closed (docs/deadlines.md; or N compressed days in tests). Flows that set a calendar-day term
   * before the move (patch 'calendar-term-next-working-day') keep the date they announced.
   */
  calendarDaysFrom(from: number, days: number): number {
    const compress = this.input.settings.compressDayMs;
    if (compress) return from + days * compress;
    const plain = addDays(localDateOf(from), days);
    const last = this.lastCalendarDay(localDateOf(from), days, plain);
    // Asked only where the move changes the date, so other terms leave no marker in the history.
    if (last === plain || !patched('calendar-term-next-working-day')) return endOfLocalDay(plain);
    return endOfLocalDay(last);
  }

  /** A date past the calendar's coverage keeps the plain date, as before the move: a workflow must not fail on it. */
  private lastCalendarDay(from: string, days: number, plain: string): string {
    try {
      return addCalendarDays(this.calendar, from, days);
    } catch (err) {
      if (err instanceof CalendarCoverageError) return plain;
      throw err;
    }
  }

  /** The end of a local date ('YYYY-MM-DD'); in tests, as many compressed days from now as it lies ahead. */
  endOfDate(date: string): number {
    const compress = this.input.settings.compressDayMs;
    const now = Date.now();
    if (compress) {
      const days = Math.round((Date.parse(`${date}T12:00:00Z`) - Date.parse(`${localDateOf(now)}T12:00:00Z`)) / 86_400_000);
      return now + Math.max(days, 0) * compress;
    }
    return endOfLocalDay(date);
  }

  /** The start (00:00 Brussels) of a local date; in tests, as many compressed days from now as it lies ahead. */
  startOfDate(date: string): number {
    const compress = this.input.settings.compressDayMs;
    const now = Date.now();
    if (compress) return now + Math.max(daysBetween(localDateOf(now), date), 0) * compress;
    return startOfLocalDay(date);
  }

  // ----- timers ------------------------------------------------------------------------------

  /** Schedules something to happen once at `at`, unless the flow has moved on (`fire` checks). */
  at(id: string, at: number, label: string, fire: () => Promise<void>): void {
    if (this.fired.has(id) || this.timers.some((t) => t.id === id)) return;
    this.timers.push({ id, label, at, fire });
    this.timers.sort((a, b) => a.at - b.at);
    this.state.deadlines = this.timers.map((t) => ({ id: t.id, label: t.label, dueAt: toIsoUtc(t.at) }));
    this.changed = true;
  }

  /**
   * A term recounted to a later end: its pending timer moves; one that fired already is set
   * again under a new id (a timer fires once per id, and so does the reminder it sends).
   */
  moveTimer(id: string, at: number, label: string, fire: (id: string) => Promise<void>): void {
    const pending = this.timers.some((t) => t.id === id);
    const next = pending ? id : `${id}:herrekend`;
    this.cancelTimer(id);
    this.at(next, at, label, () => fire(next));
  }

  /**
   * A term that runs from the notification of a registered letter (issue 13, docs/letters.md):
   * when its channel reports the date the letter counts as notified (delivered: the delivery
   * date; not collected: the presentation date, an assumption), `recount` gets that date, in the
   * flow's own loop (never in a signal handler), once per outcome, also for outcomes that arrived
   * before the term was set.
   */
  termFromLetter(key: string, recount: (termFrom: string) => Promise<void>): void {
    this.letterTerms.push({ key, recount, seen: 0 });
  }

  private readonly letterTerms: { key: string; recount: (termFrom: string) => Promise<void>; seen: number }[] = [];

  private async recountLetterTerms(): Promise<void> {
    for (const term of this.letterTerms) {
      const outcomes = this.letterOutcomes.filter((o) => o.key === term.key);
      while (term.seen < outcomes.length) {
        const { termFrom } = outcomes[term.seen++]!;
        if (termFrom) await term.recount(termFrom);
      }
    }
  }

  cancelTimer(id: string): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) this.timers.splice(i, 1);
    this.state.deadlines = this.timers.map((t) => ({ id: t.id, label: t.label, dueAt: toIsoUtc(t.at) }));
  }

  /**
   * Waits until `done()` holds, firing due timers on the way, each once and in time order (also
   * those that fell due while no worker ran). Publishes to the case after every change.
   */
  async waitUntil(done: () => boolean): Promise<void> {
    for (;;) {
      await this.recountLetterTerms();
      if (this.changed) {
        this.changed = false;
        await this.publish();
      }
      if (done()) return;
      const next = this.timers[0];
      await this.guard.untilWoken(() => done() || this.changed, next === undefined ? undefined : Math.max(next.at - Date.now(), 1));
      while (this.timers[0] && this.timers[0].at <= Date.now()) {
        const timer = this.timers.shift()!;
        this.fired.add(timer.id);
        this.state.deadlines = this.timers.map((t) => ({ id: t.id, label: t.label, dueAt: toIsoUtc(t.at) }));
        await timer.fire();
        this.changed = true;
      }
    }
  }

  /** A reminder to the case manager, queued once per id. */
  async remind(id: string, what: string, dueAt: number): Promise<void> {
    await this.send('klantenbeheerder', `herinnering:${id}`, 'intern', 'herinnering_handhaving', {
      caseId: this.input.caseId,
      location: this.location.locationName,
      what,
      dueAt: toIsoUtc(dueAt),
    });
    await this.record(system, 'handhaving.reminder', `Herinnering: ${what}`, { reminder: id });
  }
}

/** A local date in Dutch for letters, e.g. "2026-12-01". */
export const dateOf = (ms: number) => localDateOf(ms);

/** A jurist's review of a draft. */
export interface Review {
  approve: boolean;
  remarks: string;
  by: string;
}

/** What a flow keeps of a document a case manager drafts and a jurist reviews (voornemen, decision). */
export interface ReviewedDraft {
  draft?: { decision: DecisionKind; version: number };
  reviews: Review[];
  approved?: boolean;
}

/**
 * Block 1 of the voornemen and of the decision: the case manager drafts (a new version each
 * time), a jurist approves or sends it back with remarks. `event` names the records
 * (`voornemen`, `beslissing`), `what` the document in refusals.
 */
export function onDraftAndReview<C extends FlowCommand & { decision: DecisionKind }, D extends { decision: DecisionKind; version: number }>(
  run: FlowRun,
  data: ReviewedDraft & { draft?: D },
  spec: {
    update: UpdateDefinition<FlowState, [C]>;
    event: 'voornemen' | 'beslissing';
    what: string;
    draft: (cmd: C, version: number) => D;
    details: (cmd: C) => Record<string, unknown>;
    validate?: (cmd: C) => void;
  },
): void {
  const { event, what } = spec;
  const title = event.charAt(0).toUpperCase() + event.slice(1);
  run.guard.onUpdate(spec.update, async (cmd) => {
    data.draft = spec.draft(cmd, (data.draft?.version ?? 0) + 1);
    run.enter('mijlpaal', 'juridisch nazicht door een jurist');
    await run.record(cmd.actor, `${event}.draft`, `Ontwerp ${event} tot ${cmd.decision} (versie ${data.draft.version})`, spec.details(cmd));
    return run.state;
  }, {
    validator: (cmd) => {
      if (data.approved) throw notNow(`The ${what} was already approved`);
      if (data.draft && data.reviews.length < data.draft.version) throw notNow('The current draft awaits its review');
      spec.validate?.(cmd);
    },
  });

  run.guard.onUpdate(reviewUpdate, async (cmd) => {
    data.reviews.push({ approve: cmd.approve, remarks: cmd.remarks, by: cmd.actor.id });
    if (cmd.approve) data.approved = true;
    else run.enter('mijlpaal', 'ontwerp aanpassen na opmerkingen van de jurist');
    await run.record(cmd.actor, cmd.approve ? `${event}.approved` : `${event}.rejected`, cmd.approve ? `${title} goedgekeurd door jurist` : `${title} teruggestuurd door jurist`, { remarks: cmd.remarks });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (!data.draft || data.reviews.length >= data.draft.version) throw notNow('There is no draft waiting for review');
    },
  });
}
