import type { DraftReportData, FinalReportData, LocationReactionData, ModularOrder, PlannedData, VisitDoneData, CancelledData } from '../../modular/contract.js';
import { toIsoUtc } from '../clock/brussels-time.js';
import { createWorkingCalendar, type WorkingCalendar } from '../clock/calendar.js';
import { dueAt, isOverdue } from '../clock/deadline.js';
import { createDeadlineOfKind } from '../clock/defaults.js';
import { escalationKey, type EscalationRung, nextWakeUp, rungsDue } from '../clock/escalation.js';
import {
  type AssignInspectionCommand,
  type CancelCommand,
  type InspectionDeadline,
  type InspectionInput,
  type InspectionState,
  type ModularEventMessage,
} from './definitions.js';
import { invalid, notNow } from '../shared/refusals.js';
import { isTerminal, laterOf, transition } from './status.js';


export type EventOutcome =
  | { applied: true; action: string; title: string; details: Record<string, unknown> }
  | { applied: false; why: string };

/**
 * The state of one inspection request and its rules. Pure and deterministic: the workflow passes
 * in workflow time and performs the side effects.
 */
export class InspectionCase {
  readonly state: InspectionState;
  private readonly calendar: WorkingCalendar;

  constructor(private readonly input: InspectionInput) {
    this.calendar = createWorkingCalendar(input.settings.calendar);
    this.state = {
      inspectionId: input.inspectionId,
      status: 'aangevraagd',
      caseManagerId: input.location.caseManagerId,
      orderId: null,
      waitingForModular: true,
      plannedVisit: null,
      visitedAt: null,
      draft: null,
      locationReaction: null,
      finalReport: null,
      cancellation: null,
      deadlines: [],
      dueAt: null,
      overdue: false,
      firedRungs: [],
      deliveries: [],
      seenDeliveries: [],
      closedAt: null,
      history: [],
      version: 0,
    };
  }

  get isOpen(): boolean {
    return !isTerminal(this.state.status);
  }

  note(at: number, actorId: string, action: string, detail?: string): number {
    this.state.history.push({ at: toIsoUtc(at), actorId, action, ...(detail ? { detail } : {}) });
    this.state.version += 1;
    return this.state.version;
  }

  // --- deadlines ------------------------------------------------------------------------------

  /**
   * From the request: the report is due within its term; a fast-procedure order must be planned
   * within its term of working days. Both run from the request (not from Modular's receipt), so a
   * Modular outage counts against them and escalates like any other delay.
   */
  startDeadlines(now: number): void {
    const { deadlines } = this.input.settings;
    const kinds = this.input.urgency === 'spoed' ? (['inspection_planning', 'inspection_report'] as const) : (['inspection_report'] as const);
    for (const kind of kinds) {
      const config = deadlines[kind];
      this.state.deadlines.push({ kind, label: config.label, deadline: createDeadlineOfKind(config, `${kind}-1`, this.input.requestedAt), met: false });
    }
    this.refresh(now);
  }

  private meet(kind: InspectionDeadline['kind']): void {
    for (const d of this.state.deadlines) if (d.kind === kind) d.met = true;
  }

  private running(): InspectionDeadline[] {
    return this.isOpen ? this.state.deadlines.filter((d) => !d.met) : [];
  }

  refresh(now: number): void {
    const running = this.running();
    const dues = running.map((d) => dueAt(d.deadline, this.calendar)).filter((x): x is number => x !== undefined);
    this.state.dueAt = dues.length ? toIsoUtc(Math.min(...dues)) : null;
    this.state.overdue = running.some((d) => isOverdue(d.deadline, now, this.calendar));
  }

  dueRungs(now: number): { deadline: InspectionDeadline; rung: EscalationRung; key: string }[] {
    return this.running().flatMap((d) =>
      rungsDue(this.input.settings.deadlines[d.kind].ladder, d.deadline, now, this.firedRungIds(d), this.calendar).map((rung) => ({
        deadline: d,
        rung,
        key: escalationKey(d.deadline, rung),
      })),
    );
  }

  markFired(key: string): void {
    this.state.firedRungs.push(key);
  }

  msUntilNextWakeUp(now: number): number | undefined {
    const times = this.running()
      .map((d) => nextWakeUp(this.input.settings.deadlines[d.kind].ladder, d.deadline, now, this.firedRungIds(d), this.calendar))
      .filter((x): x is number => x !== undefined);
    return times.length ? Math.max(Math.min(...times) - now, 1) : undefined;
  }

  private firedRungIds(d: InspectionDeadline): string[] {
    const prefix = `${d.deadline.id}:`;
    return this.state.firedRungs.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  // --- Modular ------------------------------------------------------------------------------

  /** Modular confirmed the order (possibly after some of its events already arrived). */
  applyOrderCreated(order: Pick<ModularOrder, 'orderId'>, now: number): void {
    this.state.orderId = order.orderId;
    this.state.waitingForModular = false;
    if (this.isOpen) this.state.status = laterOf(this.state.status, 'ontvangen');
    this.refresh(now);
  }

  /** Applies one webhook delivery; a second copy, a stale or a late event changes nothing. */
  applyEvent(e: ModularEventMessage, now: number): EventOutcome {
    if (this.state.seenDeliveries.includes(e.deliveryId)) return { applied: false, why: 'duplicate delivery' };
    if (this.state.orderId && e.orderId !== this.state.orderId) return { applied: false, why: `order ${e.orderId} is not this request's` };
    const t = transition(this.state.status, e.event);
    if (!t.accept) return { applied: false, why: t.reason };
    this.state.seenDeliveries.push(e.deliveryId);
    if (!this.state.orderId) {
      this.state.orderId = e.orderId;
      this.state.waitingForModular = false;
    }
    this.state.status = t.next;
    const s = this.state;
    let outcome: EventOutcome;
    switch (e.event) {
      case 'ontvangen':
        outcome = { applied: true, action: 'inspectie.ontvangen', title: 'Opdracht ontvangen door Zorginspectie', details: {} };
        break;
      case 'gepland': {
        const d = e.data as PlannedData;
        s.plannedVisit = { visitDate: d.visitDate, inspectors: d.inspectors };
        this.meet('inspection_planning');
        outcome = { applied: true, action: 'inspectie.gepland', title: `Inspectiebezoek gepland op ${d.visitDate.slice(0, 10)}`, details: { ...d } };
        break;
      }
      case 'bezoek_uitgevoerd': {
        const d = e.data as VisitDoneData;
        s.visitedAt = d.visitedAt ?? e.occurredAt;
        this.meet('inspection_planning');
        outcome = { applied: true, action: 'inspectie.bezoek_uitgevoerd', title: 'Inspectiebezoek uitgevoerd', details: { visitedAt: s.visitedAt } };
        break;
      }
      case 'ontwerpverslag': {
        const d = e.data as DraftReportData;
        s.draft = { documentRef: d.documentRef, receivedAt: toIsoUtc(now), reactionDeadline: d.reactionDeadline ?? null };
        this.meet('inspection_planning');
        outcome = { applied: true, action: 'inspectie.ontwerpverslag', title: 'Ontwerpverslag opgemaakt; de voorziening mag feitelijke fouten melden', details: { documentRef: d.documentRef } };
        break;
      }
      case 'reactie_voorziening': {
        const d = e.data as LocationReactionData;
        s.locationReaction = { text: d.text, receivedAt: d.receivedAt ?? e.occurredAt };
        // The reaction's text stays out of the timeline and the audit details: it is not published.
        outcome = { applied: true, action: 'inspectie.reactie_voorziening', title: 'Reactie van de voorziening op het ontwerpverslag ontvangen (niet gepubliceerd)', details: {} };
        break;
      }
      case 'eindverslag': {
        const d = e.data as FinalReportData;
        s.finalReport = { documentRef: d.documentRef, findings: d.findings, advice: d.advice, receivedAt: toIsoUtc(now) };
        this.meet('inspection_planning');
        this.meet('inspection_report');
        s.closedAt = toIsoUtc(now);
        const advice = d.advice.enforce ? 'advies tot handhaving' : 'geen advies tot handhaving';
        outcome = {
          applied: true,
          action: 'inspectie.eindverslag',
          title: `Inspectieverslag ontvangen: ${advice} (urgentie ${d.advice.urgency})`,
          details: { documentRef: d.documentRef, findings: d.findings, advice: d.advice },
        };
        break;
      }
      case 'geannuleerd': {
        const d = e.data as CancelledData;
        const requested = s.cancellation;
        if (requested && requested.by === 'agentschap') {
          requested.confirmedAt = toIsoUtc(now);
        } else {
          s.cancellation = { by: 'zorginspectie', actorId: 'u-modular', reason: d.reason, requestedAt: e.occurredAt, confirmedAt: toIsoUtc(now), refusedReason: null };
        }
        s.closedAt = toIsoUtc(now);
        outcome = {
          applied: true,
          action: 'inspectie.geannuleerd',
          title: requested?.by === 'agentschap' ? 'Annulering bevestigd door Zorginspectie' : `Geannuleerd door Zorginspectie: ${d.reason}`,
          details: { by: s.cancellation!.by, reason: s.cancellation!.reason },
        };
        break;
      }
    }
    this.refresh(now);
    return outcome;
  }

  // --- cancellation by the agency -------------------------------------------------------------

  checkCancel(cmd: CancelCommand): void {
    if (!this.isOpen) throw notNow(`The request has ended (status ${this.state.status}) and cannot be cancelled`);
    if (this.state.cancellation && !this.state.cancellation.refusedReason) throw notNow('A cancellation is already under way');
    if (!cmd.reason.trim()) throw invalid('A reason is required to cancel');
  }

  /** Who follows the request up now (see `InspectionState.caseManagerId`). */
  get caseManagerId(): string | null {
    return this.state.caseManagerId === undefined ? this.input.location.caseManagerId : this.state.caseManagerId;
  }

  checkAssign(cmd: AssignInspectionCommand): void {
    if (!this.isOpen) throw notNow(`The request has ended (status ${this.state.status}) and cannot be reassigned`);
    if (cmd.assigneeId === this.caseManagerId) throw notNow(`The request is already followed up by ${cmd.assigneeId}`);
    if (!cmd.reason?.trim()) throw invalid('A reason is required to reassign');
  }

  applyAssign(cmd: AssignInspectionCommand): void {
    this.state.caseManagerId = cmd.assigneeId;
  }

  requestCancellation(cmd: CancelCommand, now: number): void {
    this.state.cancellation = { by: 'agentschap', actorId: cmd.actor.id, reason: cmd.reason, requestedAt: toIsoUtc(now), confirmedAt: null, refusedReason: null };
  }

  /** The cancellation still has to go to Modular. */
  get cancellationToSend(): boolean {
    const c = this.state.cancellation;
    return this.isOpen && !!c && c.by === 'agentschap' && !c.confirmedAt && !c.refusedReason;
  }

  applyCancelConfirmed(now: number): void {
    this.state.cancellation!.confirmedAt = toIsoUtc(now);
    this.state.status = 'geannuleerd';
    this.state.closedAt = toIsoUtc(now);
    this.refresh(now);
  }

  applyCancelRefused(reason: string, now: number): void {
    this.state.cancellation!.refusedReason = reason;
    this.refresh(now);
  }
}
