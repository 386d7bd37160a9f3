import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { toIsoUtc } from '../clock/brussels-time.js';
import { assigneeKey, dossierIdKey, dueAtKey, locationIdKey, organiserIdKey, phaseKey, processKindKey, teamIdKey, urgentKey } from '../search-attributes.js';
import type { Actor } from '../shared/actor.js';
import { AllOrNothing, stateObject } from '../shared/all-or-nothing.js';
import {
  assignCaseUpdate,
  type CaseInput,
  type CaseState,
  caseStateQuery,
  closeCaseUpdate,
  type DecisionKind,
  escalateUrgentUpdate,
  type Flow,
  type FlowOutcome,
  flowProgressSignal,
  flowWorkflowTypes,
  type Milestone,
  type MilestoneCommand,
  milestoneSignal,
  milestoneUpdate,
  urgentProposalUpdate,
} from './definitions.js';
import { activities, durable, invalid, notNow, system } from './flow-kit.js';

const { saveCase, saveCaseChange, recordEnforcementEvent, alertTeamCoordinator } = activities;

interface Next {
  flow: Flow;
  milestone: Milestone;
  decision?: DecisionKind;
}

/**
 * One enforcement case (handhavingsdossier) for a location, from its first milestone to its
 * closure. It holds the milestones and the evidence, and decides which flow comes next:
 * aanmaning → voornemen → beslissing, or at any moment the urgent decision; it closes when the
 * shortcomings are remedied, or after the decision has run its course.
 */
export async function enforcementCaseWorkflow(input: CaseInput): Promise<CaseState> {
  const { settings: _settings, ...record } = input;
  const state: CaseState = {
    caseId: input.caseId,
    // The case's own copy: a reassignment changes its case manager, not the input a replay starts from.
    location: { ...input.location },
    status: 'open',
    step: null,
    block: 'mijlpaal',
    urgent: input.urgent,
    milestones: [input.first],
    steps: [],
    current: null,
    urgentProposal: null,
    closedReason: null,
    closedAt: null,
    version: 0,
  };
  // Cases started before this change answered their start before the first step took commands.
  const answersWhenReady = patched('case-answers-when-step-ready');
  // Cases started before this change answered their close before the register said closed.
  const closeAnswersWhenRecorded = patched('case-close-answers-when-recorded');
  // Cases started before this change dropped a step's first progress when it came in the same
  // workflow task as the step's start (as after a worker kill: docs/reliability.md, gap 7): the
  // case then never took a command for that step.
  const progressBeforeStepStarted = patched('case-progress-before-step-started');
  let closeRequest: { actor: Actor; reason: string } | undefined;
  let closureRecorded = false;
  let urgentRequest: { actor: Actor; reason: string; decision: DecisionKind } | undefined;
  let urgentSteps = 0;
  let child: ChildWorkflowHandle<(i: unknown) => Promise<FlowOutcome>> | undefined;
  /** The step flow being started or running: its progress counts from its start command on. */
  let stepWorkflowId: string | undefined;
  const currentStepId = () => (progressBeforeStepStarted ? stepWorkflowId : child?.workflowId);
  let events = 0;
  let progressed = false;

  // The case's commands are all or nothing (workflows/shared/all-or-nothing.ts): refused, they leave
  // the case as last recorded (its state and the requests it keeps besides). What is not such a
  // command (the case's own loop, a signal) waits while one is under way
  // (`if (guard.busy) await guard.untilIdle()`, written out where it is needed: with no command
  // under way it takes not even a microtask, so histories recorded before it replay as they ran).
  const guard = new AllOrNothing(stateObject(state));
  guard.keep(() => {
    const saved = urgentRequest;
    return () => {
      urgentRequest = saved;
    };
  });

  const proposalPending = () => !!state.urgentProposal && !state.urgentProposal.decided;
  /** The case takes commands: its step has reported in, or it waits for the choice on an urgent proposal. */
  const ready = () => state.status === 'closed' || proposalPending() || state.current !== null;

  async function save(actor: Actor, action: string, title: string, details?: Record<string, unknown>) {
    state.version += 1;
    events += 1;
    upsertSearchAttributes([
      { key: processKindKey, value: 'handhaving' },
      { key: phaseKey, value: state.status === 'closed' ? 'afgesloten' : (state.step ?? 'mijlpaal') },
      { key: urgentKey, value: state.urgent },
      { key: organiserIdKey, value: input.location.organiserId },
      { key: locationIdKey, value: input.location.locationId },
      { key: dossierIdKey, value: input.location.dossierId },
      { key: teamIdKey, value: input.location.teamId },
      { key: dueAtKey, value: state.current?.deadlines[0] ? new Date(state.current.deadlines[0].dueAt) : null },
    ]);
    await recordEnforcementEvent({
      key: `${workflowInfo().workflowId}:${workflowInfo().runId}:case:${events}`,
      caseId: input.caseId,
      dossierId: input.location.dossierId,
      action,
      title,
      actor,
      details,
    });
    await saveCase({ input: record, state });
    guard.recorded();
  }

  function addMilestone(m: Milestone): boolean {
    // The same evidence arriving twice (a retried signal) counts once; milestones without a reference always count.
    const same =
      (m.id !== undefined && state.milestones.some((x) => x.id === m.id)) ||
      (m.reference !== undefined && state.milestones.some((x) => x.kind === m.kind && x.reference?.id === m.reference?.id && x.reference?.type === m.reference?.type));
    if (same) return false;
    state.milestones.push(m);
    return true;
  }

  // ----- messages ----------------------------------------------------------------------------

  setHandler(caseStateQuery, () => state);

  setHandler(flowProgressSignal, (flow) => {
    guard.apply(() => {
      if (flow.workflowId === currentStepId() && flow.seq > (state.current?.seq ?? 0)) {
        state.current = flow;
        state.block = flow.block;
        progressed = true;
      }
    });
  });

  let opened = false;
  /** A milestone: by signal (`inCommand` false: it waits for a command under way) or as the command itself. */
  async function onMilestone(cmd: MilestoneCommand, inCommand: boolean) {
    await condition(() => opened);
    if (!inCommand && guard.busy) await guard.untilIdle();
    const m: Milestone = { ...cmd.milestone, at: toIsoUtc(Date.now()), actorId: cmd.actor.id };
    if (state.status === 'open' && addMilestone(m)) {
      await save(cmd.actor, 'handhaving.milestone', `Mijlpaal: ${m.kind}`, { milestone: m });
      if (m.proposeUrgent) await proposeUrgent(m);
    }
  }
  setHandler(milestoneSignal, (cmd) => onMilestone(cmd, false));
  setHandler(milestoneUpdate, async (cmd) => {
    // All or nothing up to the recorded milestone; the wait for the step below is not part of it.
    await guard.atomically(() => onMilestone(cmd, true));
    // A new case answers once its first step takes commands, not while the child is still starting.
    if (answersWhenReady) await condition(ready);
    return state;
  }, {
    validator: (_cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is closed');
    },
  });

  setHandler(closeCaseUpdate, async (cmd) => {
    // Asked while a command is under way: after it, so taking that one back leaves this request.
    guard.apply(() => {
      closeRequest = cmd;
    });
    // The close answers once the register says closed: a command sent after it is refused by the register alone.
    await condition(() => (closeAnswersWhenRecorded ? closureRecorded : state.status === 'closed'));
    return state;
  }, {
    validator: (_cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is already closed');
      refuseWhileDecisionInForce('close');
    },
  });

  setHandler(escalateUrgentUpdate, async (cmd) => {
    const before = urgentSteps;
    guard.apply(() => {
      urgentRequest = cmd;
    });
    await condition(() => (urgentSteps > before && (!answersWhenReady || ready())) || state.status === 'closed');
    return state;
  }, {
    validator: (_cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is closed');
      if (state.step === 'dringende_beslissing' || urgentRequest) throw notNow('The urgent decision is already under way');
      refuseWhileDecisionInForce('escalate');
    },
  });

  /** A decision that was communicated is ended by its own commands (objection, suspension end), not by closing over it. */
  function refuseWhileDecisionInForce(what: 'close' | 'escalate') {
    if (decisionCommunicated()) {
      throw notNow(`The decision was communicated and is in force: end it with suspension-end or an objection before you ${what} the case`);
    }
  }
  function decisionCommunicated(): boolean {
    const current = state.current;
    return !!current && (current.flow === 'beslissing' || current.flow === 'dringende_beslissing') && !!current.data.sentAt;
  }

  /**
   * Zorginspectie's urgent advice to enforce: propose the decision in urgent necessity (unless it
   * is already under way or a decision is in force) and alert the team coordinator at once.
   */
  async function proposeUrgent(m: Milestone) {
    const propose = state.step !== 'dringende_beslissing' && !urgentRequest && !proposalPending() && !decisionCommunicated();
    const milestoneId = m.id ?? `${m.kind}:${m.reference?.id ?? m.at}`;
    if (propose) state.urgentProposal = { milestoneId, at: m.at, note: m.note ?? '' };
    await alertTeamCoordinator({
      key: `${workflowInfo().workflowId}:${workflowInfo().runId}:urgent-advice:${milestoneId}`,
      caseId: input.caseId,
      location: input.location,
      what: propose
        ? 'dringend advies tot handhaving van Zorginspectie: de beslissing bij dringende noodzakelijkheid is voorgesteld'
        : 'dringend advies tot handhaving van Zorginspectie',
      note: m.note ?? '',
    });
    await save(system, 'handhaving.urgent_proposed', propose ? 'Dringend advies: beslissing bij dringende noodzakelijkheid voorgesteld; teamcoördinator verwittigd' : 'Dringend advies ontvangen; teamcoördinator verwittigd', {
      milestoneId,
      proposed: propose,
    });
  }

  setHandler(urgentProposalUpdate, async (cmd) => {
    const before = urgentSteps;
    // All or nothing up to the recorded choice: refused, the proposal is still open and no urgent step is asked for.
    await guard.atomically(async () => {
      state.urgentProposal!.decided = { confirmed: cmd.confirm, reason: cmd.reason, actorId: cmd.actor.id, at: toIsoUtc(Date.now()) };
      if (cmd.confirm) urgentRequest = { actor: cmd.actor, reason: cmd.reason, decision: cmd.decision! };
      await save(cmd.actor, cmd.confirm ? 'handhaving.urgent_confirmed' : 'handhaving.urgent_declined', cmd.confirm ? 'Beslissing bij dringende noodzakelijkheid bevestigd' : `Gewone weg gekozen i.p.v. dringende beslissing: ${cmd.reason}`, {
        reason: cmd.reason,
        decision: cmd.decision,
      });
    });
    await condition(() => state.status === 'closed' || ((!cmd.confirm || urgentSteps > before) && ready()));
    return state;
  }, {
    validator: (cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is closed');
      if (!proposalPending()) throw notNow('There is no urgent proposal to decide on');
      if (cmd.confirm && !cmd.decision) throw invalid('Confirming the urgent decision needs its kind (decision: schorsing or opheffing)');
      if (cmd.confirm) refuseWhileDecisionInForce('escalate');
    },
  });

  guard.onUpdate(assignCaseUpdate, async (cmd) => {
    const from = state.location.caseManagerId;
    state.location.caseManagerId = cmd.assigneeId;
    state.version += 1;
    events += 1;
    await saveCaseChange({
      input: record,
      state,
      event: {
        key: `${workflowInfo().workflowId}:${workflowInfo().runId}:case:${events}`,
        action: 'handhaving.reassigned',
        title: `Toegewezen aan ${cmd.assigneeId}`,
        actor: cmd.actor,
        details: { from, to: cmd.assigneeId, reason: cmd.reason },
      },
    });
    guard.recorded();
    // Published once recorded: a refused reassignment leaves the search attribute as it was.
    upsertSearchAttributes([{ key: assigneeKey, value: cmd.assigneeId }]);
    return state;
  }, {
    validator: (cmd) => {
      if (!opened) throw notNow('The case is still opening');
      if (state.status === 'closed' || closeRequest) throw notNow('The case is closed');
      if (cmd.assigneeId === state.location.caseManagerId) throw notNow(`The case is already managed by ${cmd.assigneeId}`);
      if (!cmd.reason?.trim()) throw invalid('A reason is required to reassign');
    },
  });

  // ----- the case ------------------------------------------------------------------------------

  await save(input.startedBy, 'handhaving.opened', `Handhavingsdossier geopend (${input.first.kind})`, { first: input.first, urgent: input.urgent });
  opened = true;

  let next: Next | null = input.urgent
    ? { flow: 'dringende_beslissing', milestone: input.first }
    : { flow: 'aanmaning', milestone: input.first };
  let closedReason = '';
  let closedBy: Actor = system;

  // Only cases opened by an urgent advice carry this flag: older histories never enter here.
  if (input.first.proposeUrgent && !input.urgent) {
    if (guard.busy) await guard.untilIdle();
    await proposeUrgent(input.first);
    await condition(() => !guard.busy && (!proposalPending() || urgentRequest !== undefined || closeRequest !== undefined));
    if (closeRequest) {
      closedReason = closeRequest.reason;
      closedBy = closeRequest.actor;
      next = null;
    } else if (urgentRequest) {
      state.urgent = true;
      if (proposalPending()) state.urgentProposal!.decided = { confirmed: true, reason: urgentRequest.reason, actorId: urgentRequest.actor.id, at: toIsoUtc(Date.now()) };
      next = { flow: 'dringende_beslissing', milestone: input.first, decision: urgentRequest.decision };
      urgentRequest = undefined;
    }
  }

  while (next) {
    const step = next;
    if (guard.busy) await guard.untilIdle();
    const n = state.steps.length + 1;
    const workflowId = `${workflowInfo().workflowId}/${workflowInfo().runId.slice(0, 8)}/${n}-${step.flow}`;
    // The step may report in before its start is seen here: in the same workflow task, signals come first.
    if (progressBeforeStepStarted) {
      stepWorkflowId = workflowId;
      state.current = null;
    }
    child = await startChild(flowWorkflowTypes[step.flow], {
      workflowId,
      args: [{ caseId: input.caseId, flow: step.flow, location: input.location, settings: input.settings, milestone: step.milestone, decision: step.decision }],
    });
    if (guard.busy) await guard.untilIdle();
    state.step = step.flow;
    if (!progressBeforeStepStarted) state.current = null;
    if (step.flow === 'dringende_beslissing') urgentSteps += 1;
    state.steps.push({ flow: step.flow, workflowId: child.workflowId, startedAt: toIsoUtc(Date.now()), endedAt: null, outcome: null });
    await save(system, 'handhaving.step', `Stap gestart: ${step.flow}`, { flow: step.flow, workflowId: child.workflowId });

    // The step runs until it ends, or the case is closed, or escalated to the urgent decision.
    let outcome: FlowOutcome | undefined;
    let failed: unknown;
    const running = child.result().then((o) => (outcome = o), (err) => (failed = err));
    const interrupted = () => closeRequest !== undefined || (urgentRequest !== undefined && step.flow !== 'dringende_beslissing');
    for (;;) {
      await condition(() => !guard.busy && (outcome !== undefined || failed !== undefined || interrupted() || progressed));
      if (!progressed) break;
      // The register follows the step (what it waits for, its next deadline) for lists and dashboards.
      progressed = false;
      state.version += 1;
      await saveCase({ input: record, state });
    }
    if (!outcome && !failed) {
      await getExternalWorkflowHandle(child.workflowId).cancel();
      await running;
    }
    if (failed && !isCancellation(failed)) throw failed;
    if (guard.busy) await guard.untilIdle();
    const last = state.steps[state.steps.length - 1]!;
    last.endedAt = toIsoUtc(Date.now());
    last.outcome = outcome ?? null;

    if (closeRequest) {
      closedReason = closeRequest.reason;
      closedBy = closeRequest.actor;
      next = null;
    } else if (urgentRequest && step.flow !== 'dringende_beslissing') {
      const m: Milestone = { kind: 'integriteitsrisico', at: toIsoUtc(Date.now()), note: urgentRequest.reason, actorId: urgentRequest.actor.id };
      addMilestone(m);
      state.urgent = true;
      if (proposalPending()) state.urgentProposal!.decided = { confirmed: true, reason: urgentRequest.reason, actorId: urgentRequest.actor.id, at: toIsoUtc(Date.now()) };
      await save(urgentRequest.actor, 'handhaving.urgent', 'Escalatie naar beslissing bij dringende noodzakelijkheid', { reason: urgentRequest.reason });
      next = { flow: 'dringende_beslissing', milestone: m, decision: urgentRequest.decision };
      urgentRequest = undefined;
    } else {
      next = decideNext(outcome!);
      if (next) {
        addMilestone(next.milestone);
      } else {
        closedReason = outcome!.reason;
      }
    }
  }

  if (guard.busy) await guard.untilIdle();
  state.status = 'closed';
  state.step = null;
  // A closed case waits for nothing: no step, no deadline (also in the DueAt search attribute).
  if (patched('case-closure-clears-step')) state.current = null;
  state.block = 'afgerond';
  state.closedReason = closedReason;
  state.closedAt = toIsoUtc(Date.now());
  await save(closedBy, 'handhaving.closed', `Handhavingsdossier gesloten: ${closedReason}`, { reason: closedReason });
  closureRecorded = true;
  // Issue 13: the parents' contacts served this case only; once it is closed they are erased.
  if (patched('parent-contacts-erased-at-closure')) {
    await durable.eraseParentContacts({ key: `${workflowInfo().workflowId}:${workflowInfo().runId}:erase-parent-contacts`, caseId: input.caseId, location: input.location });
  }
  await condition(allHandlersFinished);
  return state;

  /** The milestone an outcome gives, and the flow it leads to; null closes the case. */
  function decideNext(o: FlowOutcome): Next | null {
    const at = toIsoUtc(Date.now());
    switch (o.result) {
      case 'not_remedied':
        // An early escalation is recorded as such, never as an expired term.
        return o.earlyEscalation
          ? { flow: 'voornemen', milestone: { kind: 'vroegtijdige_escalatie', at, note: o.earlyEscalation.reason, actorId: 'systeem' } }
          : { flow: 'voornemen', milestone: { kind: 'termijn_verstreken_tekortkomingen', at, note: o.reason, actorId: 'systeem' } };
      case 'proceed':
        return { flow: 'beslissing', decision: o.decision, milestone: { kind: 'hoorrecht_afgerond', at, note: o.reason, actorId: 'systeem' } };
      case 'decided':
        return o.escalateToOpheffing
          ? { flow: 'voornemen', decision: 'opheffing', milestone: { kind: 'opschorting_verificatie', at, note: 'schorsing niet opgeheven: naar opheffing', actorId: 'systeem' } }
          : null;
      case 'remedied':
      case 'closed':
        return null;
    }
  }
}
