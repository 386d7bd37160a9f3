import { toIsoUtc } from '../clock/brussels-time.js';
import { createWorkingCalendar, type WorkingCalendar } from '../clock/calendar.js';
import { dueAt, isOverdue } from '../clock/deadline.js';
import { createDeadlineOfKind } from '../clock/defaults.js';
import { escalationKey, type EscalationRung, nextWakeUp, rungsDue } from '../clock/escalation.js';
import {
  type AssignScreeningCommand,
  type CodeScreeningCommand,
  followUpKind,
  screeningCodes,
  type ScreeningTaskInput,
  type ScreeningTaskState,
} from './definitions.js';
import { invalid, notNow } from '../shared/refusals.js';


export const minMotivationLength = 10;

/**
 * One screening task and its rules. Pure and deterministic: the workflow passes in workflow time
 * and performs the side effects; `checkCode` is the update validator.
 */
export class ScreeningCase {
  readonly state: ScreeningTaskState;
  private readonly calendar: WorkingCalendar;

  constructor(private readonly input: ScreeningTaskInput, now: number) {
    this.calendar = createWorkingCalendar(input.settings.calendar);
    this.state = {
      taskId: input.taskId,
      status: 'open',
      assigneeId: input.caseManagerId,
      teamId: input.teamId,
      code: null,
      motivation: null,
      codedBy: null,
      codedAt: null,
      deadline: createDeadlineOfKind(input.settings.deadline, 'screening-1', now),
      dueAt: null,
      overdue: false,
      firedRungs: [],
      followUp: null,
      version: 0,
    };
    this.refresh(now);
  }

  get isOpen(): boolean {
    return this.state.status === 'open';
  }

  refresh(now: number): void {
    if (!this.isOpen) {
      this.state.dueAt = null;
      this.state.overdue = false;
      return;
    }
    const due = dueAt(this.state.deadline, this.calendar);
    this.state.dueAt = due === undefined ? null : toIsoUtc(due);
    this.state.overdue = isOverdue(this.state.deadline, now, this.calendar);
  }

  bump(): number {
    this.state.version += 1;
    return this.state.version;
  }

  checkCode(cmd: CodeScreeningCommand): void {
    if (!this.isOpen) throw notNow(`Screening ${this.state.taskId} is already coded (${this.state.code})`);
    if (!(screeningCodes as readonly string[]).includes(cmd.code)) throw invalid(`Unknown code ${cmd.code}; one of ${screeningCodes.join(', ')}`);
    if (typeof cmd.motivation !== 'string' || cmd.motivation.trim().length < minMotivationLength) {
      throw invalid(`A motivation of at least ${minMotivationLength} characters is required`);
    }
  }

  applyCode(cmd: CodeScreeningCommand, now: number): void {
    this.state.status = 'gecodeerd';
    this.state.code = cmd.code;
    this.state.motivation = cmd.motivation.trim();
    this.state.codedBy = cmd.actor.id;
    this.state.codedAt = toIsoUtc(now);
    if (cmd.code === 'verder_onderzoek_nodig') {
      this.state.followUp = {
        kind: followUpKind,
        note: `Verder onderzoek na risicoscreening ${this.input.month}: ${this.state.motivation}`,
      };
    }
    this.refresh(now);
  }

  checkAssign(cmd: AssignScreeningCommand): void {
    if (!this.isOpen) throw notNow(`Screening ${this.state.taskId} is already coded (${this.state.code})`);
    if (cmd.assigneeId === this.state.assigneeId) throw notNow(`Screening ${this.state.taskId} is already assigned to ${cmd.assigneeId}`);
    if (!cmd.reason?.trim()) throw invalid('A reason is required to reassign');
  }

  applyAssign(cmd: AssignScreeningCommand): void {
    this.state.assigneeId = cmd.assigneeId;
  }

  dueRungs(now: number): { rung: EscalationRung; key: string }[] {
    if (!this.isOpen) return [];
    const d = this.state.deadline;
    return rungsDue(this.input.settings.deadline.ladder, d, now, this.firedIds(), this.calendar).map((rung) => ({ rung, key: escalationKey(d, rung) }));
  }

  markFired(key: string): void {
    this.state.firedRungs.push(key);
  }

  msUntilNextWakeUp(now: number): number | undefined {
    if (!this.isOpen) return undefined;
    const at = nextWakeUp(this.input.settings.deadline.ladder, this.state.deadline, now, this.firedIds(), this.calendar);
    return at === undefined ? undefined : Math.max(at - now, 1);
  }

  private firedIds(): string[] {
    const prefix = `${this.state.deadline.id}:`;
    return this.state.firedRungs.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }
}
