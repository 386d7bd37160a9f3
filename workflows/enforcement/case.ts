import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EnforcementActivities } from '../../activities/enforcement.js';
import { toIsoUtc } from '../clock/brussels-time.js';
import { dossierIdKey, dueAtKey, locationIdKey, organiserIdKey, phaseKey, processKindKey, teamIdKey, urgentKey } from '../search-attributes.js';
import type { Actor } from '../shared/actor.js';
import {
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
} from './definitions.js';
import { notNow } from './flow-kit.js';

const { saveCase, recordEnforcementEvent } = proxyActivities<EnforcementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const system: Actor = { id: 'systeem', role: 'systeem' };

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
    location: input.location,
    status: 'open',
    step: null,
    block: 'mijlpaal',
    urgent: input.urgent,
    milestones: [input.first],
    steps: [],
    current: null,
    closedReason: null,
    closedAt: null,
    version: 0,
  };
  let closeRequest: { actor: Actor; reason: string } | undefined;
  let urgentRequest: { actor: Actor; reason: string; decision: DecisionKind } | undefined;
  let urgentSteps = 0;
  let child: ChildWorkflowHandle<(i: unknown) => Promise<FlowOutcome>> | undefined;
  let events = 0;
  let progressed = false;

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
    if (child && flow.workflowId === child.workflowId && flow.seq > (state.current?.seq ?? 0)) {
      state.current = flow;
      state.block = flow.block;
      progressed = true;
    }
  });

  let opened = false;
  async function onMilestone(cmd: MilestoneCommand) {
    await condition(() => opened);
    const m: Milestone = { ...cmd.milestone, at: toIsoUtc(Date.now()), actorId: cmd.actor.id };
    if (state.status === 'open' && addMilestone(m)) {
      await save(cmd.actor, 'handhaving.milestone', `Mijlpaal: ${m.kind}`, { milestone: m });
    }
  }
  setHandler(milestoneSignal, onMilestone);
  setHandler(milestoneUpdate, async (cmd) => {
    await onMilestone(cmd);
    return state;
  }, {
    validator: (_cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is closed');
    },
  });

  setHandler(closeCaseUpdate, async (cmd) => {
    closeRequest = cmd;
    await condition(() => state.status === 'closed');
    return state;
  }, {
    validator: (_cmd) => {
      if (state.status === 'closed' || closeRequest) throw notNow('The case is already closed');
      refuseWhileDecisionInForce('close');
    },
  });

  setHandler(escalateUrgentUpdate, async (cmd) => {
    const before = urgentSteps;
    urgentRequest = cmd;
    await condition(() => urgentSteps > before || state.status === 'closed');
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
    const current = state.current;
    if (current && (current.flow === 'beslissing' || current.flow === 'dringende_beslissing') && current.data.sentAt) {
      throw notNow(`The decision was communicated and is in force: end it with suspension-end or an objection before you ${what} the case`);
    }
  }

  // ----- the case ------------------------------------------------------------------------------

  await save(input.startedBy, 'handhaving.opened', `Handhavingsdossier geopend (${input.first.kind})`, { first: input.first, urgent: input.urgent });
  opened = true;

  let next: Next | null = input.urgent
    ? { flow: 'dringende_beslissing', milestone: input.first }
    : { flow: 'aanmaning', milestone: input.first };
  let closedReason = '';
  let closedBy: Actor = system;

  while (next) {
    const step = next;
    const n = state.steps.length + 1;
    child = await startChild(flowWorkflowTypes[step.flow], {
      workflowId: `${workflowInfo().workflowId}/${workflowInfo().runId.slice(0, 8)}/${n}-${step.flow}`,
      args: [{ caseId: input.caseId, flow: step.flow, location: input.location, settings: input.settings, milestone: step.milestone, decision: step.decision }],
    });
    state.step = step.flow;
    state.current = null;
    if (step.flow === 'dringende_beslissing') urgentSteps += 1;
    state.steps.push({ flow: step.flow, workflowId: child.workflowId, startedAt: toIsoUtc(Date.now()), endedAt: null, outcome: null });
    await save(system, 'handhaving.step', `Stap gestart: ${step.flow}`, { flow: step.flow, workflowId: child.workflowId });

    // The step runs until it ends, or the case is closed, or escalated to the urgent decision.
    let outcome: FlowOutcome | undefined;
    let failed: unknown;
    const running = child.result().then((o) => (outcome = o), (err) => (failed = err));
    const interrupted = () => closeRequest !== undefined || (urgentRequest !== undefined && step.flow !== 'dringende_beslissing');
    for (;;) {
      await condition(() => outcome !== undefined || failed !== undefined || interrupted() || progressed);
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

  state.status = 'closed';
  state.step = null;
  state.block = 'afgerond';
  state.closedReason = closedReason;
  state.closedAt = toIsoUtc(Date.now());
  await save(closedBy, 'handhaving.closed', `Handhavingsdossier gesloten: ${closedReason}`, { reason: closedReason });
  await condition(allHandlersFinished);
  return state;

  /** The milestone an outcome gives, and the flow it leads to; null closes the case. */
  function decideNext(o: FlowOutcome): Next | null {
    const at = toIsoUtc(Date.now());
    switch (o.result) {
      case 'not_remedied':
        return { flow: 'voornemen', milestone: { kind: 'termijn_verstreken_tekortkomingen', at, note: o.reason, actorId: 'systeem' } };
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
