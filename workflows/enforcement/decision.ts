import { ParentClosePolicy, patched, setHandler, startChild, uuid4 } from '@temporalio/workflow';
import { daysBetween, localDateOf, toIsoUtc } from '../clock/brussels-time.js';
import {
  type DecisionCommand,
  decisionUpdate,
  type FlowInput,
  type FlowOutcome,
  flowStateQuery,
  informationSessionUpdate,
  type ObjectionCommand,
  type ReplacementCapacityInput,
  replacementCapacityWorkflowId,
  replacementCapacityWorkflowType,
  objectionUpdate,
  oralNoticeUpdate,
  type SuspensionEndCommand,
  suspensionEndUpdate,
} from './definitions.js';
import { activities, FlowRun, invalid, notNow, onDraftAndReview, type Review, system } from './flow-kit.js';
import { formatSessionMoment } from './replacement-capacity.js';

export interface DecisionData {
  draft?: DecisionCommand & { version: number };
  reviews: Review[];
  approved?: boolean;
  oralNotice?: { at: string; note: string };
  decisionId?: string;
  sentAt?: string;
  objectionUntil?: string;
  /** `recorded` once the objection's effect on the decision is saved: only then can it be decided. */
  objection?: { received: string; recorded?: boolean; outcome?: 'gegrond' | 'ongegrond' };
  inForce?: boolean;
  /** A revocation takes effect on its date (never before it is sent): until then the licence stays as it is. */
  effectiveFrom?: string;
  effectiveAt?: string;
  effective?: boolean;
  suspensionEnd?: SuspensionEndCommand;
  /** Issue 13: interim news sent to parents during a suspension, information sessions planned, the replacement capacity started. */
  interimNews?: number;
  sessions?: { at: string; place: string }[];
  replacementCapacity?: string;
}

/** How far ahead a decision's date (suspension end, revocation effective date) may lie. */
export const MAX_DECISION_DAYS_AHEAD = 366;

/**
 * The decision to suspend or revoke (schorsing/opheffing), shared by the regular flow and the
 * urgent one; they differ in the hearing before it (none when urgent), the oral notice, and
 * whether an objection suspends the decision (not when urgent).
 */
export class DecisionFlow {
  readonly run: FlowRun;
  readonly data: DecisionData;
  /** Issue 13 (letters to the e-Box, parents' interim news, replacement capacity): only runs that reached the decision with this code. */
  lastMile = false;

  constructor(readonly input: FlowInput, readonly urgent: boolean) {
    this.run = new FlowRun(input, 'beslissing opstellen');
    this.data = this.run.state.data as unknown as DecisionData;
    this.data.reviews = [];
    this.registerHandlers();
    this.registerSessionHandler();
  }

  get decision() {
    return this.data.draft!;
  }

  private registerHandlers(): void {
    const { run, data } = this;
    setHandler(flowStateQuery, () => run.state);

    onDraftAndReview(run, data, {
      update: decisionUpdate,
      event: 'beslissing',
      what: 'decision',
      draft: (cmd, version) => ({ ...cmd, version }),
      details: (cmd) => ({ decision: cmd.decision, date: cmd.date, integrityHarmed: cmd.integrityHarmed }),
      validate: (cmd) => {
        if (this.input.decision && cmd.decision !== this.input.decision && !this.urgent) {
          throw invalid(`The voornemen announced a ${this.input.decision}; a different decision needs a new voornemen`);
        }
        // A decision has no retroactive effect: its date is today or later, and at most a year ahead.
        const today = localDateOf(Date.now());
        if (cmd.date < today) throw invalid(`The date ${cmd.date} lies in the past; a decision takes effect at the earliest on the day it is sent`);
        if (daysBetween(today, cmd.date) > MAX_DECISION_DAYS_AHEAD) throw invalid(`The date ${cmd.date} lies more than ${MAX_DECISION_DAYS_AHEAD} days ahead`);
      },
    });

    run.guard.onUpdate(oralNoticeUpdate, async (cmd) => {
      data.oralNotice = { at: cmd.at, note: cmd.note };
      run.noteSpoken('organisator', 'beslissing-vooraf', cmd.at);
      await run.record(cmd.actor, 'beslissing.oral_notice', 'Organisator mondeling vooraf ingelicht', { at: cmd.at, note: cmd.note });
      return run.state;
    }, {
      validator: (_cmd) => {
        if (!data.approved) throw notNow('The decision is not approved yet');
        if (data.oralNotice) throw notNow('The oral notice was already recorded');
      },
    });

    run.guard.onUpdate(objectionUpdate, async (cmd) => this.onObjection(cmd), {
      validator: (cmd) => {
        if (!data.sentAt) throw notNow('The decision has not been sent yet');
        if (cmd.action === 'received' && data.objection) throw notNow('An objection was already recorded');
        if (cmd.action === 'decided' && (!data.objection?.recorded || data.objection.outcome)) throw notNow('There is no pending objection');
        if (cmd.action === 'decided' && cmd.upheld === undefined) throw invalid('Say whether the objection is upheld');
      },
    });

    run.guard.onUpdate(suspensionEndUpdate, async (cmd) => {
      data.suspensionEnd = cmd;
      await run.record(cmd.actor, `beslissing.suspension.${cmd.action}`, { lift: 'Schorsing opgeheven na verificatie', extend: `Schorsing verlengd tot ${cmd.until}`, escalate: 'Schorsing: naar opheffing' }[cmd.action], {
        verification: cmd.verification,
        until: cmd.until,
      });
      return run.state;
    }, {
      validator: (cmd) => {
        if (!data.sentAt || this.decision.decision !== 'schorsing') throw notNow('There is no suspension in force');
        if (data.suspensionEnd && data.suspensionEnd.action !== 'extend') throw notNow('The suspension was already ended');
        if (cmd.action === 'extend' && (!cmd.until || run.endOfDate(cmd.until) <= Date.now())) throw invalid('An extension needs a future date (until)');
      },
    });
  }

  private registerSessionHandler(): void {
    const { run, data } = this;
    run.guard.onUpdate(informationSessionUpdate, async (cmd) => {
      data.sessions ??= [];
      const n = data.sessions.push({ at: cmd.at, place: cmd.place });
      const values = { location: run.location.locationName, when: formatSessionMoment(cmd.at), place: cmd.place, note: cmd.note };
      await run.send('klantenbeheerder', `infosessie-taak:${n}`, 'intern', 'infosessie_taak', values);
      await run.send('ouders', `infosessie:${n}`, 'email', 'infosessie_uitnodiging', values);
      await run.send('lokaal_bestuur', `infosessie:${n}`, 'email', 'infosessie_uitnodiging', values);
      await run.record(cmd.actor, 'beslissing.information_session', `Informatiesessie voor ouders en lokaal bestuur gepland op ${values.when}`, { at: cmd.at, place: cmd.place });
      return run.state;
    }, {
      validator: (cmd) => {
        if (!data.sentAt) throw notNow('The decision has not been communicated yet');
        if (!this.lastMile) throw notNow('This case started before information sessions were built; plan it outside the application');
        if (Number.isNaN(Date.parse(cmd.at))) throw invalid('at must be an ISO date-time');
      },
    });
  }

  private async onObjection(cmd: ObjectionCommand) {
    const { run, data } = this;
    if (cmd.action === 'received') {
      data.objection = { received: new Date(Date.now()).toISOString() };
      // An objection suspends the decision, unless it was taken in urgent necessity.
      if (!this.urgent) data.inForce = false;
      await activities.changeDecision({ decisionId: data.decisionId!, locationId: run.location.locationId, objection: 'ingediend', inForce: data.inForce });
      run.guard.recorded();
      data.objection.recorded = true;
      await run.record(cmd.actor, 'beslissing.objection.received', this.urgent ? 'Bezwaar ontvangen; de beslissing blijft van kracht (dringende noodzakelijkheid)' : 'Bezwaar ontvangen; de beslissing is geschorst', { note: cmd.note });
    } else {
      data.objection!.outcome = cmd.upheld ? 'gegrond' : 'ongegrond';
      data.inForce = !cmd.upheld;
      await activities.changeDecision({ decisionId: data.decisionId!, locationId: run.location.locationId, objection: data.objection!.outcome, inForce: data.inForce, lifted: cmd.upheld });
      run.guard.recorded();
      await run.record(cmd.actor, 'beslissing.objection.decided', cmd.upheld ? 'Bezwaar gegrond: de beslissing vervalt' : 'Bezwaar ongegrond: de beslissing blijft', { note: cmd.note });
    }
    return run.state;
  }

  /** Block 1: drafted and approved by a jurist. */
  async drafted(): Promise<void> {
    await this.run.waitUntil(() => this.data.approved === true);
  }

  /** Block 2: the organiser first (e-mail and registered letter), then parents and local government. */
  async communicate(): Promise<void> {
    const { run, data, input } = this;
    const d = this.decision;
    run.enter('communicatie', 'beslissing meedelen');
    const sentAt = Date.now();
    const objectionUntil = run.calendarDaysFrom(sentAt, input.settings.objectionTermDays);
    data.objectionUntil = new Date(objectionUntil).toISOString();
    const period = d.decision === 'schorsing' ? ` tot en met ${d.date}` : ` vanaf ${d.date}`;
    const common = { location: run.location.locationName, decision: d.decision, period };
    const toOrganiser = {
      ...common,
      motivation: d.motivation,
      objectionUntil: data.objectionUntil.slice(0, 10),
      urgency: this.urgent ? 'Deze beslissing is genomen bij dringende noodzakelijkheid en is onmiddellijk van kracht; een bezwaar schorst ze niet.\n\n' : '',
    };
    await run.send('organisator', 'beslissing', 'email', 'beslissing', toOrganiser);
    await run.send('organisator', 'beslissing', 'aangetekende_brief', 'beslissing', toOrganiser);
    this.lastMile = patched('last-mile-letters');
    if (this.lastMile) await run.send('organisator', 'beslissing', 'ebox', 'beslissing', toOrganiser);
    // Parents and local government: after the organiser, the public motivation only.
    const publicValues = {
      ...common,
      publicMotivation: d.publicMotivation,
      capacity: String(run.location.capacity),
      support: d.integrityHarmed ? '\nWie dat wenst, krijgt psychosociale ondersteuning; neem contact op met het agentschap.' : '',
    };
    await run.send('ouders', 'beslissing', 'email', 'beslissing_ouders', publicValues);
    await run.send('lokaal_bestuur', 'beslissing', 'email', 'beslissing_lokaal_bestuur', publicValues);

    data.decisionId = data.decisionId ?? `BES-${uuid4().slice(0, 8).toUpperCase()}`;
    // A revocation takes effect on its date (a timer in followUp), or at sending when that date has passed by then.
    if (d.decision === 'opheffing' && patched('opheffing-effective-date')) {
      const later = d.date > localDateOf(sentAt);
      const effectiveAt = later ? run.startOfDate(d.date) : sentAt;
      data.effectiveFrom = later ? d.date : localDateOf(sentAt);
      data.effectiveAt = toIsoUtc(effectiveAt);
      data.effective = effectiveAt <= sentAt;
    }
    await activities.recordDecision({
      decisionId: data.decisionId,
      caseId: input.caseId,
      location: run.location,
      kind: d.decision,
      urgent: this.urgent,
      effectiveFrom: data.effectiveFrom ?? localDateOf(sentAt),
      ...(data.effective === false ? { effective: false } : {}),
      endsOn: d.decision === 'schorsing' ? d.date : null,
      publicMotivation: publicValues.publicMotivation,
      cause: input.milestone.kind,
    });
    data.sentAt = new Date(sentAt).toISOString();
    data.inForce = true;
    // Issue 13: the municipality's temporary replacement capacity for the places this decision frees.
    if (this.lastMile && run.location.capacity > 0) {
      const rc: ReplacementCapacityInput = { caseId: input.caseId, decisionId: data.decisionId, location: run.location, places: run.location.capacity, decidedOn: localDateOf(sentAt), settings: input.settings };
      const child = await startChild(replacementCapacityWorkflowType, { workflowId: replacementCapacityWorkflowId(data.decisionId), args: [rc], parentClosePolicy: ParentClosePolicy.ABANDON });
      data.replacementCapacity = child.workflowId;
    }
    await run.record(system, 'beslissing.sent', `Beslissing tot ${d.decision} meegedeeld aan organisator, ouders en lokaal bestuur`, {
      decisionId: data.decisionId,
      psychosocialSupport: d.integrityHarmed,
      capacityFreed: run.location.capacity,
    });
  }

  /** Interim news to parents during a suspension, every `interimNewsEveryDays` until it ends (lifted, escalated, or lapsed after an objection). */
  private scheduleInterimNews(from: number): void {
    const { run, data, input } = this;
    const n = (data.interimNews ?? 0) + 1;
    const at = run.calendarDaysFrom(from, input.settings.interimNewsEveryDays ?? 14);
    run.at(`interim:${n}`, at, `Tussentijds bericht ${n} aan ouders`, async () => {
      const ended = (data.suspensionEnd && data.suspensionEnd.action !== 'extend') || data.objection?.outcome === 'gegrond';
      if (ended) return;
      const news = data.objection && !data.objection.outcome
        ? 'De organisator heeft bezwaar ingediend; zolang het agentschap daarover niet beslist heeft, is de schorsing niet van kracht.'
        : 'De schorsing loopt. Het agentschap volgt het herstel van de tekortkomingen op; u hoort van ons zodra er nieuws is.';
      await run.send('ouders', `tussentijds:${n}`, 'email', 'tussentijds_ouders', { location: run.location.locationName, period: ` tot en met ${data.suspensionEnd?.until ?? this.decision.date}`, number: String(n), news });
      data.interimNews = n;
      await run.record(system, 'beslissing.interim_news', `Tussentijds bericht ${n} aan ouders verstuurd`, { number: n });
      this.scheduleInterimNews(at);
    });
  }

  /** Block 3: objection term; a suspension's end needs a verification, or an extension, or escalation. */
  async followUp(): Promise<FlowOutcome> {
    const { run, data, input } = this;
    const d = this.decision;
    run.enter('opvolging', d.decision === 'schorsing' ? `einde schorsing op ${d.date} verifiëren` : 'bezwaartermijn volgen');
    const termPassed = async () => {
      await run.record(system, 'beslissing.objection_term_passed', data.objection ? 'Bezwaartermijn verstreken (bezwaar ingediend)' : 'Bezwaartermijn verstreken zonder bezwaar');
    };
    run.at('objection-term', Date.parse(data.objectionUntil!), 'Einde bezwaartermijn', termPassed);
    // The objection term runs from the notification of the registered letter once its date is known.
    run.termFromLetter(run.keyOf('organisator', 'beslissing', 'aangetekende_brief'), async (termFrom) => {
      const until = run.calendarDaysFrom(run.startOfDate(termFrom), input.settings.objectionTermDays);
      if (until <= Date.parse(data.objectionUntil!) || !patched('letter-term-from-notification')) return;
      data.objectionUntil = new Date(until).toISOString();
      run.moveTimer('objection-term', until, 'Einde bezwaartermijn', termPassed);
      await run.record(system, 'beslissing.objection_term_recounted', `Bezwaartermijn herrekend vanaf de betekening van de aangetekende brief (${termFrom}): tot ${data.objectionUntil.slice(0, 10)}`, { termFrom, objectionUntil: data.objectionUntil });
    });
    const objectionSettled = () => Date.now() >= Date.parse(data.objectionUntil!) && (!data.objection || data.objection.outcome !== undefined);

    if (d.decision === 'opheffing') {
      if (data.effective === false) {
        const effectiveAt = Date.parse(data.effectiveAt!);
        run.at('effective', effectiveAt, `Opheffing van kracht (${data.effectiveFrom})`, async () => {
          await activities.decisionTakesEffect({ decisionId: data.decisionId!, locationId: run.location.locationId });
          data.effective = true;
          await run.record(system, 'beslissing.effective', `Opheffing van kracht sinds ${data.effectiveFrom}`, { decisionId: data.decisionId, effectiveFrom: data.effectiveFrom });
        });
      }
      // Wait for the effective date too, unless an upheld objection made the decision lapse first.
      await run.waitUntil(() => objectionSettled() && (data.effective !== false || data.objection?.outcome === 'gegrond'));
      run.cancelTimer('effective');
    } else {
      if (this.lastMile) this.scheduleInterimNews(Date.now());
      let end = run.endOfDate(d.date);
      for (;;) {
        const until = end;
        run.at(`suspension-end:${until}`, until, 'Einde schorsing', async () => {
          if (!data.suspensionEnd || data.suspensionEnd.action === 'extend') await run.remind(`suspension-end:${until}`, 'de schorsing loopt af: verifieer het herstel (bv. herinspectie) en hef op, verleng of ga naar opheffing', until);
        });
        const seen = data.suspensionEnd;
        await run.waitUntil(() => data.objection?.outcome === 'gegrond' || (data.suspensionEnd !== seen && data.suspensionEnd !== undefined));
        if (data.objection?.outcome === 'gegrond') break;
        const cmd = data.suspensionEnd!;
        if (cmd.action !== 'extend') break;
        run.cancelTimer(`suspension-end:${until}`);
        end = run.endOfDate(cmd.until!);
        await activities.changeDecision({ decisionId: data.decisionId!, locationId: run.location.locationId, endsOn: cmd.until! });
      }
      if (data.suspensionEnd?.action === 'lift') {
        await activities.changeDecision({ decisionId: data.decisionId!, locationId: run.location.locationId, lifted: true });
      }
      run.cancelTimer(`interim:${(data.interimNews ?? 0) + 1}`);
      if (this.lastMile && (data.suspensionEnd?.action === 'lift' || data.objection?.outcome === 'gegrond')) {
        const values = {
          location: run.location.locationName,
          outcome: data.objection?.outcome === 'gegrond' ? 'na het bezwaar van de organisator is de beslissing vervallen.' : 'na verificatie is de schorsing opgeheven; de opvang mag opnieuw kinderen opvangen.',
        };
        await run.send('ouders', 'einde-schorsing', 'email', 'einde_schorsing_ouders', values);
        await run.send('lokaal_bestuur', 'einde-schorsing', 'email', 'einde_schorsing_ouders', values);
      }
    }
    await run.finish();
    const lifted = data.objection?.outcome === 'gegrond' || data.suspensionEnd?.action === 'lift';
    return {
      result: 'decided',
      decision: d.decision,
      lifted,
      escalateToOpheffing: data.suspensionEnd?.action === 'escalate',
      reason: lifted ? 'opgeheven of bezwaar gegrond' : 'beslissing uitgevoerd',
    };
  }
}
