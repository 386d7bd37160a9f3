import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { FollowUpActivities } from '../../activities/follow-ups.js';
import type { MeldingActivities } from '../../activities/meldingen.js';
import { type Actor, system } from '../shared/actor.js';
import { AllOrNothing, copyOf, stateObject } from '../shared/all-or-nothing.js';
import { durableRetry } from '../shared/durable-activities.js';
import { publishProcessAttributes } from '../shared/process-attributes.js';
import {
  acknowledgeUpdate,
  assignUpdate,
  closeUpdate,
  extendDeadlineUpdate,
  feedbackUpdate,
  intakeUpdate,
  linkUpdate,
  type MeldingEvent,
  type MeldingInput,
  type MeldingState,
  pauseDeadlineUpdate,
  resumeDeadlineUpdate,
  stateQuery,
  triageUpdate,
} from './definitions.js';
import { ReportCase } from './report-case.js';
import { currentTriageRule, proposeTriage, sameProposal, type TriageRuleVersion } from './triage.js';

const activities = proxyActivities<MeldingActivities>({
  startToCloseTimeout: '30 seconds',
  // Every activity is idempotent (keys derived from the report's version or the rung), so
  // retrying until the database is back is always safe and never writes twice.
  retry: durableRetry,
});

/**
 * The intake's writes as local activities (issue 15): they run inside the workflow task that
 * started the report, so the intake answers after one workflow task instead of three or four
 * (each a round trip through the server's matching). Idempotent like the others; a local
 * activity that keeps failing is retried by the SDK with timers, as a normal one would be.
 */
const intakeActivities = proxyLocalActivities<MeldingActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: durableRetry,
});

/**
 * Reports the API registered and started bare (issue 15, `MeldingInput.intake`). Asked only for
 * them: a history recorded by a worker that ignored `intake` (a rolling deploy) replays the
 * workflow's own intake, as it ran.
 */
export const intakeByApiPatch = 'melding-intake-v3-registered-by-api';

/**
 * A report the starter started after the intake's commit (`IntakeDecision.committed`) writes
 * nothing in its first task. Asked only for those: a first task that a worker without this code
 * ran (a rolling deploy) saved the intake again, and its history replays that save.
 */
export const committedIntakePatch = 'melding-intake-committed-by-api';

/** A pick-up counts at the API's receipt (`AcknowledgeCommand.at`), not at the workflow task's time. */
export const pickUpAtReceiptPatch = 'melding-pick-up-at-receipt';

const { startMeldingFollowUps } = proxyActivities<FollowUpActivities>({
  startToCloseTimeout: '1 minute',
  retry: durableRetry,
});


/**
 * The triage rule a report is registered under. Reports from the parket and the category
 * `strafonderzoek` propose crisis since issue 9; a report that was already running keeps the
 * proposal it was registered with (its history routed by it), so the marker is asked only
 * where the two versions of the rule differ.
 */
function triageRuleFor(input: MeldingInput): TriageRuleVersion {
  if (sameProposal(proposeTriage(input, 1), proposeTriage(input, currentTriageRule))) return currentTriageRule;
  return patched('melding-triage-integrity-risk') ? currentTriageRule : 1;
}

/**
 * One report (melding), from intake to a recorded outcome: linked to a location, triaged
 * (crisis or regular), assigned, picked up within its deadline (or escalated, rung by rung),
 * answered to the reporter and closed with its follow-ups.
 */
export async function meldingWorkflow(input: MeldingInput): Promise<MeldingState> {
  const report = new ReportCase(input, triageRuleFor(input));
  // Issue 15: the API decided the intake, registered the report and started this workflow bare.
  // The same state, from the same decision and the same code, before any handler sees the report
  // (a command may arrive with the first workflow task: the register already shows the report).
  const decided = input.intake && patched(intakeByApiPatch) ? input.intake : undefined;
  const decidedEvents = decided ? report.registerAndRoute(Date.parse(decided.at), input.createdBy, decided.crisisCoordinator) : [];
  const decidedState = copyOf(report.state);
  // Every command below is all or nothing: refused, it leaves the report as last saved.
  const guard = new AllOrNothing(stateObject(report.state));
  const { settings: _settings, ...record } = input;
  let wake = false;
  let registered = false;

  // ----- the report as it stands, saved and published after every change ------------------

  /** `at`: the moment the change counts, when not the task's own (a pick-up, as the API received it). */
  async function save(actor: Actor, action: string, title: string, details?: Record<string, unknown>, at?: number) {
    // After the intake's own save (the backstop below): a later change is never written first.
    if (decided) await condition(() => registered);
    report.refresh(Date.now());
    report.note(at ?? Date.now(), actor.id, action, title);
    publishSearchAttributes();
    await activities.saveMelding({ input: record, state: report.state, event: { action, title, actor, details } });
    guard.recorded();
    wake = true;
  }

  function publishSearchAttributes() {
    const s = report.state;
    publishProcessAttributes({
      kind: 'melding',
      phase: s.phase,
      triage: s.triage,
      overdue: s.overdue,
      locationId: s.link?.locationId ?? null,
      dossierId: s.link?.dossierId ?? null,
      teamId: s.teamId,
      assigneeId: s.assigneeId,
      dueAt: s.dueAt,
    });
  }

  /** Assigns by triage: crisis to the coordinator on duty, otherwise to the dossier's case manager. */
  async function route(actor: Actor) {
    await assign(activities);
    const to = report.state.assigneeId ?? `de wachtrij van ${report.state.teamId ?? 'het team'}`;
    await save(actor, 'melding.assigned', `Toegewezen aan ${to} (${report.state.triage})`, { assigneeId: report.state.assigneeId });
  }

  async function assign(via: Pick<MeldingActivities, 'crisisCoordinatorsOnDuty'>) {
    const onDuty = report.state.triage === 'crisis' ? await via.crisisCoordinatorsOnDuty() : [];
    report.route(Date.now(), onDuty[0] ?? null);
  }

  function intakePath() {
    return { localActivities: true, singleSave: true, ...input.settings.intakePath };
  }

  /**
   * The backstop of the intake the API registered and started inside its transaction (issue 15,
   * before the start moved after the commit; `IntakeDecision.committed` absent): the same
   * projection, timeline entries and audit records as the API's transaction, keyed alike, so after
   * the API's commit it writes nothing; when the API failed between the start and its commit, it
   * is the registration. Kept for those reports' histories. Awaited before the loop's timers.
   */
  async function saveDecidedIntake(): Promise<void> {
    const via = intakePath().localActivities ? intakeActivities : activities;
    const last = decidedEvents[decidedEvents.length - 1]!;
    await via.saveMelding({ input: record, state: decidedState, event: last, events: decidedEvents });
  }

  /**
   * The intake since issue 15: registered and routed in the workflow, then saved in one write
   * (projection, both timeline entries, both audit records) by a local activity, so the intake
   * update answers in the workflow task that started the report. `settings.intakePath` exists for
   * the benchmark (bench/intake.ts), which measures each of the two levers alone.
   */
  async function registerAndRoute() {
    const path = intakePath();
    const via = path.localActivities ? intakeActivities : activities;
    const registeredEvent = () => report.registered(Date.now(), input.createdBy);
    const assignedEvent = () => report.assigned(Date.now());
    const write = async (events: MeldingEvent[]) => {
      publishSearchAttributes();
      const last = events[events.length - 1]!;
      await via.saveMelding({ input: record, state: report.state, event: last, events });
    };
    if (path.singleSave) {
      const events = [registeredEvent()];
      if (report.phase !== 'te_koppelen') {
        await assign(via);
        events.push(assignedEvent());
      }
      await write(events);
    } else {
      await write([registeredEvent()]);
      if (report.phase !== 'te_koppelen') {
        await assign(via);
        await write([assignedEvent()]);
      }
    }
  }

  // ----- commands --------------------------------------------------------------------------

  setHandler(stateQuery, () => report.state);

  // The first intake handled is the one that registered the report (update-with-start delivers
  // it with the start); concurrent or retried intakes for the same report come after it.
  // A report the API registered was created by the API's start: every intake update is a resend.
  let intakes = 0;
  setHandler(intakeUpdate, async () => {
    const created = !decided && intakes === 0;
    intakes += 1;
    await condition(() => registered);
    return { created, state: report.state };
  });

  guard.onUpdate(triageUpdate, async (cmd) => {
    const changed = report.applyTriage(cmd);
    const verb = changed ? 'Triage gewijzigd naar' : 'Triage bevestigd:';
    await save(cmd.actor, changed ? 'melding.triage.changed' : 'melding.triage.confirmed', `${verb} ${cmd.triage}`, { reason: cmd.reason });
    if (changed && report.phase === 'toegewezen') await route(cmd.actor);
    return report.state;
  }, { validator: (cmd) => report.checkTriage(cmd) });

  guard.onUpdate(linkUpdate, async (cmd) => {
    report.applyLink(cmd);
    await save(cmd.actor, 'melding.linked', `Gekoppeld aan ${cmd.link.locationName} (${cmd.link.locationId})`);
    await route(cmd.actor);
    return report.state;
  }, { validator: (cmd) => report.checkLink(cmd) });

  guard.onUpdate(assignUpdate, async (cmd) => {
    const from = report.state.assigneeId;
    report.assignTo(cmd.assigneeId, null);
    await save(cmd.actor, 'melding.reassigned', `Toegewezen aan ${cmd.assigneeId}`, { from, to: cmd.assigneeId, reason: cmd.reason });
    return report.state;
  }, { validator: (cmd) => report.checkAssign(cmd) });

  guard.onUpdate(acknowledgeUpdate, async (cmd) => {
    // The pick-up counts when the API received it: a worker that was behind (a restart, a
    // backlog) must not turn a pick-up in time into a late one. Before the patch, at the task's time.
    const at = patched(pickUpAtReceiptPatch) ? report.pickUpMoment(cmd, Date.now()) : Date.now();
    // Refreshed first: when the worker was behind, the overdue flag may predate the due moment
    // (the timer's task has not run yet). Pure, so replay-safe.
    report.refresh(at);
    const wasOverdue = report.state.overdue;
    // Rungs whose moment had passed at the pick-up but that no worker fired yet: kept in the
    // record rather than sent (an alert to pick up a report just picked up would mislead).
    const passedRungs = report.dueRungs(at).map(({ rung }) => rung.id);
    report.applyAcknowledge(cmd, at);
    await save(cmd.actor, 'melding.acknowledged', 'Melding opgenomen en beoordeeld', {
      note: cmd.note,
      wasOverdue,
      ...(passedRungs.length > 0 ? { passedRungs } : {}),
    }, at);
    return report.state;
  }, { validator: (cmd) => report.checkAcknowledge(cmd) });

  guard.onUpdate(pauseDeadlineUpdate, async (cmd) => {
    report.applyPause(cmd, Date.now());
    await save(cmd.actor, 'melding.deadline.paused', 'Termijn opgeschort', { reason: cmd.reason, basis: cmd.basis });
    return report.state;
  }, { validator: (cmd) => report.checkPause(cmd, Date.now()) });

  guard.onUpdate(resumeDeadlineUpdate, async (cmd) => {
    report.applyResume(cmd, Date.now());
    await save(cmd.actor, 'melding.deadline.resumed', 'Termijn hervat', { reason: cmd.reason, basis: cmd.basis });
    return report.state;
  }, { validator: (cmd) => report.checkResume(cmd, Date.now()) });

  guard.onUpdate(extendDeadlineUpdate, async (cmd) => {
    report.applyExtend(cmd, Date.now());
    await save(cmd.actor, 'melding.deadline.extended', `Termijn verlengd met ${cmd.hours} uur`, { reason: cmd.reason, basis: cmd.basis });
    return report.state;
  }, { validator: (cmd) => report.checkExtend(cmd, Date.now()) });

  guard.onUpdate(feedbackUpdate, async (cmd) => {
    const key = `v${report.state.version + 1}`;
    const outboxKey = cmd.channel === 'email'
      ? (await activities.queueFeedback({ key, input: record, command: cmd })).outboxKey
      : null;
    report.applyFeedback(cmd, Date.now(), outboxKey);
    await save(cmd.actor, 'melding.feedback', `Terugkoppeling aan melder (${cmd.channel})`, { channel: cmd.channel, outboxKey });
    return report.state;
  }, { validator: (cmd) => report.checkFeedback(cmd) });

  guard.onUpdate(closeUpdate, async (cmd) => {
    report.applyClose(cmd, Date.now());
    await save(cmd.actor, 'melding.closed', `Afgesloten: ${cmd.followUps.map((f) => f.kind).join(', ')}`, {
      followUps: cmd.followUps,
      noFeedbackReason: cmd.noFeedbackReason,
    });
    // Added after the first release: reports closed before it only recorded their follow-ups.
    const starting = cmd.followUps.some((f) => f.kind === 'handhaving_gestart' || f.kind === 'inspectie_gevraagd');
    if (starting && report.state.link && patched('melding-starts-follow-ups')) {
      const started = await startMeldingFollowUps({
        meldingId: report.state.meldingId,
        locationId: report.state.link.locationId,
        triage: report.state.triage,
        description: input.description,
        followUps: cmd.followUps,
        actor: cmd.actor,
      });
      await save(cmd.actor, 'melding.follow_ups_started', 'Opvolging gestart', started);
    }
    return report.state;
  }, { validator: (cmd) => report.checkClose(cmd) });

  // ----- the process -----------------------------------------------------------------------

  if (decided) {
    if (!(decided.committed && patched(committedIntakePatch))) await saveDecidedIntake();
  } else if (patched('melding-intake-v2')) {
    await registerAndRoute();
  } else {
    // Reports registered before issue 15: two saves through normal activities.
    await save(input.createdBy, 'melding.registered', `Melding ontvangen (${report.state.triageProposed} voorgesteld)`, {
      triageReasons: report.state.triageReasons,
    });
    if (report.phase !== 'te_koppelen') await route(system);
  }
  registered = true;
  await condition(() => !guard.busy && report.phase !== 'te_koppelen');

  // Wait for commands, and wake at each escalation moment of the running deadline. Rungs that
  // fell due while no worker ran are fired late, in ladder order, each once.
  while (report.isOpen) {
    wake = false;
    const sleep = report.msUntilNextWakeUp(Date.now());
    await guard.untilWoken(() => wake || !report.isOpen, sleep);
    for (const { rung, key } of report.dueRungs(Date.now())) {
      const previous = report.state.assigneeId;
      const { recipientId } = await activities.escalate({ key, rungId: rung.id, target: rung.target, state: report.state });
      report.markFired(key);
      if (rung.target === 'next_coordinator' && report.state.triage === 'crisis' && recipientId && report.phase === 'toegewezen') {
        report.assignTo(recipientId, null);
      }
      await save(system, 'melding.escalated', `Escalatie ${rung.id} naar ${recipientId ?? 'niemand gevonden'}`, {
        rungId: rung.id,
        target: rung.target,
        recipientId,
        previousAssigneeId: previous,
      });
    }
  }

  await condition(allHandlersFinished);
  return report.state;
}
