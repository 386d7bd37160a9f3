import { toIsoUtc } from '../clock/brussels-time.js';
import { createWorkingCalendar, type WorkingCalendar } from '../clock/calendar.js';
import { type Deadline, DeadlineError, dueAt, extend, isOverdue, pause, resume } from '../clock/deadline.js';
import { createDeadlineOfKind, type DeadlineKindConfig } from '../clock/defaults.js';
import { escalationKey, type EscalationRung, nextWakeUp, rungsDue } from '../clock/escalation.js';
import {
  type AcknowledgeCommand,
  type AssignCommand,
  type CloseCommand,
  type ExtendCommand,
  type FeedbackCommand,
  type LinkCommand,
  type MeldingEvent,
  type MeldingInput,
  type MeldingState,
  type PauseCommand,
  type Phase,
  type TriageCommand,
} from './definitions.js';
import { type Actor, system } from '../shared/actor.js';
import { invalid, notNow } from '../shared/refusals.js';
import { currentTriageRule, proposeTriage, type TriageRuleVersion } from './triage.js';


/**
 * The state of one report and the rules for changing it. Pure and deterministic: the workflow
 * passes in the time (workflow time) and performs the side effects; `check*` methods are the
 * update validators, the others apply a command that passed its check.
 */
export class ReportCase {
  readonly state: MeldingState;
  private readonly calendar: WorkingCalendar;
  private deadlineCount = 0;

  /** `triageRule`: the version of the triage rule this report was registered under (the workflow decides, replay-safe). */
  constructor(private readonly input: MeldingInput, triageRule: TriageRuleVersion = currentTriageRule) {
    const proposal = proposeTriage(input, triageRule);
    this.calendar = createWorkingCalendar(input.settings.calendar);
    this.state = {
      meldingId: input.meldingId,
      phase: input.link ? 'toegewezen' : 'te_koppelen',
      receivedAt: input.receivedAt,
      triageProposed: proposal.triage,
      triageReasons: proposal.reasons,
      triage: proposal.triage,
      triageConfirmed: false,
      link: input.link,
      assigneeId: null,
      teamId: input.link?.teamId ?? null,
      deadline: null,
      dueAt: null,
      deadlineMet: false,
      overdue: false,
      firedRungs: [],
      feedback: null,
      followUps: [],
      closedAt: null,
      history: [],
      version: 0,
    };
  }

  get phase(): Phase {
    return this.state.phase;
  }

  get isOpen(): boolean {
    return this.state.phase !== 'afgesloten';
  }

  /** Marks a change: a new version for the projection and one line of history. */
  note(at: number, actorId: string, action: string, detail?: string): number {
    this.state.history.push({ at: toIsoUtc(at), actorId, action, ...(detail ? { detail } : {}) });
    this.state.version += 1;
    return this.state.version;
  }

  /** One change noted at `now` (a new version), as saved with its timeline entry and audit record. */
  noteChange(now: number, actor: Actor, action: string, title: string, details?: Record<string, unknown>): MeldingEvent {
    this.refresh(now);
    const version = this.note(now, actor.id, action, title);
    return { version, phase: this.state.phase, action, title, actor, details };
  }

  // --- the intake ------------------------------------------------------------------------------

  /** The intake's first change: the report registered, with the triage proposal and its reasons. */
  registered(now: number, by: Actor): MeldingEvent {
    return this.noteChange(now, by, 'melding.registered', `Melding ontvangen (${this.state.triageProposed} voorgesteld)`, {
      triageReasons: this.state.triageReasons,
    });
  }

  /** The change noted after routing: to whom (or which team's queue) the report went. */
  assigned(now: number): MeldingEvent {
    const to = this.state.assigneeId ?? `de wachtrij van ${this.state.teamId ?? 'het team'}`;
    return this.noteChange(now, system, 'melding.assigned', `Toegewezen aan ${to} (${this.state.triage})`, { assigneeId: this.state.assigneeId });
  }

  /**
   * The whole intake at one moment (issue 15): registered and, when linked, routed by triage, as
   * its changes. Pure: the API decides the intake with it, and the workflow computes the same
   * state from the same decision (`MeldingInput.intake`), so both write the same rows.
   */
  registerAndRoute(now: number, by: Actor, crisisCoordinator: string | null): MeldingEvent[] {
    const events = [this.registered(now, by)];
    if (this.phase !== 'te_koppelen') {
      this.route(now, crisisCoordinator);
      events.push(this.assigned(now));
    }
    return events;
  }

  // --- routing and deadlines -------------------------------------------------------------

  /**
   * Assigns by triage (crisis: to the coordinator on duty, read by the caller; regular: to the
   * dossier's case manager, or the team's queue) and starts the deadline that applies.
   */
  route(now: number, crisisCoordinator: string | null): void {
    if (this.state.triage === 'crisis') this.assignTo(crisisCoordinator, null);
    else this.assignTo(this.state.link?.caseManagerId ?? null, this.state.link?.teamId ?? null);
    this.startDeadline(now);
  }

  /** The deadline that applies to the current triage; regular runs from receipt, crisis from routing. */
  startDeadline(now: number): void {
    const config = this.deadlineConfig();
    const anchor = this.state.triage === 'crisis' ? toIsoUtc(now) : this.state.receivedAt;
    this.deadlineCount += 1;
    this.state.deadline = createDeadlineOfKind(config, `${config.kind}-${this.deadlineCount}`, anchor);
    this.state.deadlineMet = false;
    this.refresh(now);
  }

  assignTo(assigneeId: string | null, teamId: string | null): void {
    this.state.assigneeId = assigneeId;
    if (teamId) this.state.teamId = teamId;
  }

  deadlineConfig(): DeadlineKindConfig {
    const { deadlines } = this.input.settings;
    return this.state.triage === 'crisis' ? deadlines.crisis_report_acknowledgement : deadlines.report_follow_up;
  }

  /**
   * The ladder of the deadline that runs, not of the current triage: between a change of triage
   * and the re-route the old deadline still runs, and must not climb the new kind's ladder.
   */
  private ladderOf(d: Deadline): DeadlineKindConfig['ladder'] {
    const { deadlines } = this.input.settings;
    return d.kind === deadlines.crisis_report_acknowledgement.kind ? deadlines.crisis_report_acknowledgement.ladder : deadlines.report_follow_up.ladder;
  }

  /** Recomputes the due moment and the overdue flag from the deadline and workflow time. */
  refresh(now: number): void {
    const d = this.state.deadline;
    if (!d || this.state.deadlineMet) {
      this.state.dueAt = null;
      return;
    }
    const due = dueAt(d, this.calendar);
    this.state.dueAt = due === undefined ? null : toIsoUtc(due);
    this.state.overdue = isOverdue(d, now, this.calendar);
  }

  /** Escalation rungs that are due and have not fired, in ladder order. */
  dueRungs(now: number): { rung: EscalationRung; key: string }[] {
    const d = this.state.deadline;
    if (!d || this.state.deadlineMet || !this.isOpen) return [];
    return rungsDue(this.ladderOf(d), d, now, this.firedRungIds(d), this.calendar).map((rung) => ({
      rung,
      key: escalationKey(d, rung),
    }));
  }

  markFired(key: string): void {
    this.state.firedRungs.push(key);
  }

  /** Milliseconds until the workflow must wake for the next rung; undefined: wait for commands only. */
  msUntilNextWakeUp(now: number): number | undefined {
    const d = this.state.deadline;
    if (!d || this.state.deadlineMet || !this.isOpen) return undefined;
    const at = nextWakeUp(this.ladderOf(d), d, now, this.firedRungIds(d), this.calendar);
    return at === undefined ? undefined : Math.max(at - now, 1);
  }

  private firedRungIds(d: Deadline): string[] {
    const prefix = `${d.id}:`;
    return this.state.firedRungs.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  // --- commands ------------------------------------------------------------------------------

  checkTriage(cmd: TriageCommand): void {
    this.requireOpen();
    if (!cmd.reason.trim()) throw invalid('A reason is required to confirm or change the triage');
  }

  /** True when the triage changed, so the report must be routed again. */
  applyTriage(cmd: TriageCommand): boolean {
    const changed = cmd.triage !== this.state.triage;
    this.state.triage = cmd.triage;
    this.state.triageConfirmed = true;
    return changed;
  }

  checkLink(_cmd: LinkCommand): void {
    if (this.state.phase !== 'te_koppelen') throw notNow(`The report is already linked (phase ${this.state.phase})`);
  }

  applyLink(cmd: LinkCommand): void {
    this.state.link = cmd.link;
    this.state.teamId = cmd.link.teamId;
    this.state.phase = 'toegewezen';
  }

  checkAssign(cmd: AssignCommand): void {
    this.requireLinkedAndOpen();
    if (cmd.assigneeId === this.state.assigneeId) throw notNow(`The report is already assigned to ${cmd.assigneeId}`);
    if (!cmd.reason.trim()) throw invalid('A reason is required to reassign');
  }

  checkAcknowledge(_cmd: AcknowledgeCommand): void {
    if (this.state.phase !== 'toegewezen') throw notNow(`Only an assigned report can be picked up (phase ${this.state.phase})`);
  }

  /**
   * The moment a pick-up counts: when the API received it, not when a worker that was behind got
   * to it; never before the report was received, never after now (the workflow's time).
   */
  pickUpMoment(cmd: AcknowledgeCommand, now: number): number {
    const requested = cmd.at === undefined ? Number.NaN : Date.parse(cmd.at);
    if (!Number.isFinite(requested)) return now;
    return Math.min(now, Math.max(requested, Date.parse(this.state.receivedAt)));
  }

  applyAcknowledge(cmd: AcknowledgeCommand, now: number): void {
    if (!this.state.assigneeId) this.state.assigneeId = cmd.actor.id;
    this.state.phase = 'in_behandeling';
    this.state.deadlineMet = true;
    this.state.overdue = false;
    this.refresh(now);
  }

  // The dry runs use the command's own who/why/basis: the deadline refuses a blank reason, and a
  // refusal must happen in the validator, never in the handler (where it would fail the task).
  checkPause(cmd: PauseCommand, now: number): void {
    const d = this.requireRunningDeadline();
    this.guardDeadline(() => pause(d, now, { actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis }, this.calendar));
  }

  applyPause(cmd: PauseCommand, now: number): void {
    this.state.deadline = pause(this.state.deadline!, now, { actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis }, this.calendar);
    this.refresh(now);
  }

  checkResume(cmd: PauseCommand, now: number): void {
    const d = this.requireRunningDeadline();
    this.guardDeadline(() => resume(d, now, { actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis }));
  }

  applyResume(cmd: PauseCommand, now: number): void {
    this.state.deadline = resume(this.state.deadline!, now, { actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis });
    this.refresh(now);
  }

  checkExtend(cmd: ExtendCommand, now: number): void {
    const d = this.requireRunningDeadline();
    this.guardDeadline(() => extend(d, now, { amount: cmd.hours, actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis }));
  }

  applyExtend(cmd: ExtendCommand, now: number): void {
    this.state.deadline = extend(this.state.deadline!, now, { amount: cmd.hours, actor: cmd.actor.id, reason: cmd.reason, basis: cmd.basis });
    this.refresh(now);
  }

  checkFeedback(cmd: FeedbackCommand): void {
    this.requireLinkedAndOpen();
    if (cmd.channel === 'email' && !this.input.reporter?.email) throw notNow('The reporter left no e-mail address');
  }

  applyFeedback(cmd: FeedbackCommand, now: number, outboxKey: string | null): void {
    this.state.feedback = { at: toIsoUtc(now), channel: cmd.channel, outboxKey };
  }

  checkClose(cmd: CloseCommand): void {
    if (this.state.phase !== 'in_behandeling') throw notNow(`Only a report being handled can be closed (phase ${this.state.phase})`);
    if (cmd.followUps.length === 0) throw invalid('At least one follow-up is required');
    if (!this.state.feedback && !cmd.noFeedbackReason?.trim()) {
      throw notNow('Give feedback to the reporter first, or record why that is not possible (noFeedbackReason)');
    }
    if (cmd.followUps.some((f) => f.kind === 'doorgestuurd' && !f.forwardedTo)) throw invalid('doorgestuurd needs forwardedTo (parket or VECK)');
  }

  applyClose(cmd: CloseCommand, now: number): void {
    this.state.followUps = cmd.followUps;
    this.state.phase = 'afgesloten';
    this.state.closedAt = toIsoUtc(now);
    this.refresh(now);
  }

  // --- guards --------------------------------------------------------------------------------

  private requireOpen(): void {
    if (!this.isOpen) throw notNow('The report is closed');
  }

  private requireLinkedAndOpen(): void {
    this.requireOpen();
    if (this.state.phase === 'te_koppelen') throw notNow('Link the report to a location first');
  }

  private requireRunningDeadline(): Deadline {
    this.requireLinkedAndOpen();
    if (!this.state.deadline || this.state.deadlineMet) throw notNow('The report has no running deadline');
    return this.state.deadline;
  }

  /** Runs a clock operation as a dry run, turning its refusal into the update's refusal. */
  private guardDeadline(operation: () => unknown): void {
    try {
      operation();
    } catch (err) {
      if (err instanceof DeadlineError) {
        throw err.code === 'invalid_input' ? invalid(err.message) : notNow(err.message);
      }
      throw err;
    }
  }
}

