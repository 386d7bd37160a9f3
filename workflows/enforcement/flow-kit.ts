import { ApplicationFailure } from '@temporalio/common';
import { allHandlersFinished, condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { EnforcementActivities } from '../../activities/enforcement.js';
import type { TemplateName } from '../shared/templates.js';
import { addDays, daysBetween, endOfLocalDay, localDateOf, startOfLocalDay, toIsoUtc } from '../clock/brussels-time.js';
import { addWorkingDays, createWorkingCalendar, type WorkingCalendar } from '../clock/calendar.js';
import type { Actor } from '../shared/actor.js';
import { refusals } from '../melding/definitions.js';
import { type Block, type Communication, type FlowInput, type FlowState, flowProgressSignal, type LetterOutcome, letterOutcomeSignal } from './definitions.js';
import { durableActivities } from '../shared/durable-activities.js';

export const activities = proxyActivities<EnforcementActivities>({
  startToCloseTimeout: '30 seconds',
  // Every activity is idempotent by key: retrying until the database is back repeats nothing.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Activities added with issue 13, with incidents when they keep failing (docs/incidents.md). */
export const durable = durableActivities<EnforcementActivities>({ startToCloseTimeout: '30 seconds' });

export const system: Actor = { id: 'systeem', role: 'systeem' };

export const notNow = (message: string) => ApplicationFailure.create({ type: refusals.notAllowedNow, message, nonRetryable: true });
export const invalid = (message: string) => ApplicationFailure.create({ type: refusals.invalid, message, nonRetryable: true });

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
    setHandler(letterOutcomeSignal, (o: LetterOutcome) => {
      const c = this.state.communications.find((x) => x.key === o.key);
      if (!c) return;
      c.status = o.status === 'teruggestuurd' ? 'failed' : o.status === 'niet_afgehaald' ? 'sent' : 'delivered';
      c.outcome = { status: o.status, presentedOn: o.presentedOn ?? null, deliveredOn: o.deliveredOn ?? null, termFrom: o.termFrom ?? null };
      this.letterOutcomes.push(o);
      this.changed = true;
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
    await this.publish();
  }

  /** One message, exactly once per (case, step, recipient, kind, channel). */
  async send(
    recipient: Communication['recipient'],
    kind: string,
    channel: Communication['channel'],
    template: TemplateName,
    values: Record<string, string>,
  ): Promise<void> {
    const key = `${this.input.caseId}:${this.state.workflowId}:${recipient}:${kind}:${channel}`;
    const { status } = await activities.sendCommunication({ key, caseId: this.input.caseId, location: this.location, recipient, channel, template, values });
    this.state.communications.push({ key, recipient, kind, channel, at: toIsoUtc(Date.now()), status });
    this.changed = true;
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

  /** The end of the Nth calendar day after `from` (or N compressed days in tests). */
  calendarDaysFrom(from: number, days: number): number {
    const compress = this.input.settings.compressDayMs;
    if (compress) return from + days * compress;
    return endOfLocalDay(addDays(localDateOf(from), days));
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
      if (this.changed) {
        this.changed = false;
        await this.publish();
      }
      if (done()) return;
      const next = this.timers[0];
      if (next === undefined) await condition(() => done() || this.changed);
      else await condition(() => done() || this.changed, Math.max(next.at - Date.now(), 1));
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
