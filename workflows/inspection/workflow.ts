import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { InspectionActivities } from '../../activities/inspections.js';
import type { ModularActivities } from '../../activities/modular.js';
import { type Actor, system } from '../shared/actor.js';
import { AllOrNothing, stateObject } from '../shared/all-or-nothing.js';
import { durableRetry } from '../shared/durable-activities.js';
import { publishProcessAttributes } from '../shared/process-attributes.js';
import {
  assignInspectionUpdate,
  cancelUpdate,
  type InspectionInput,
  type InspectionState,
  inspectionStateQuery,
  type ModularEventMessage,
  modularEventSignal,
  registeredUpdate,
} from './definitions.js';
import { InspectionCase } from './inspection-case.js';

const db = proxyActivities<InspectionActivities>({
  startToCloseTimeout: '30 seconds',
  // Idempotent by keys derived from the request's version, the rung or the delivery.
  retry: durableRetry,
});

const modular = proxyActivities<ModularActivities>({
  // One call tries a few times within itself (client retries); this covers all of them.
  startToCloseTimeout: '1 minute',
  // Modular down: retry with backoff for as long as it takes. The order's idempotency key makes
  // a create retried after a timeout find the order the first attempt made.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: ['ModularRejected'] },
});

const modularActor: Actor = { id: 'u-modular', role: 'modular' };

/**
 * One inspection request to Zorginspectie: the order created in Modular, its status followed
 * through Modular's webhook (signals), cancelled from either side, the draft report and the
 * location's reaction recorded, the final report stored and delivered to the flow that asked for
 * it; an advice to enforce feeds the location's enforcement case. Deadlines: a fast-procedure
 * order must be planned in time, and a late report is chased.
 */
export async function inspectionWorkflow(input: InspectionInput): Promise<InspectionState> {
  const c = new InspectionCase(input);
  // A command is all or nothing: refused, it leaves the request as last saved.
  const guard = new AllOrNothing(stateObject(c.state));
  const { settings: _settings, ...record } = input;
  const inbox: ModularEventMessage[] = [];
  // Filled by the create activity's promise, read by the main loop.
  const order: { created: { orderId: string } | null; failed: string | null } = { created: null, failed: null };
  let registered = false;
  let wake = false;

  async function save(actor: Actor, action: string, title: string, details?: Record<string, unknown>) {
    c.refresh(Date.now());
    c.note(Date.now(), actor.id, action, title);
    publishSearchAttributes();
    await db.saveInspection({ input: record, state: c.state, event: { action, title, actor, details } });
    guard.recorded();
    wake = true;
  }

  function publishSearchAttributes() {
    const s = c.state;
    publishProcessAttributes({
      kind: 'inspectie',
      phase: s.status,
      overdue: s.overdue,
      locationId: input.location.locationId,
      dossierId: input.location.dossierId,
      teamId: input.location.teamId,
      assigneeId: c.caseManagerId,
      dueAt: s.dueAt,
    });
  }

  // ----- messages ------------------------------------------------------------------------------

  setHandler(inspectionStateQuery, () => c.state);

  setHandler(registeredUpdate, async () => {
    await condition(() => registered);
    return c.state;
  });

  setHandler(modularEventSignal, (e) => {
    inbox.push(e);
  });

  setHandler(cancelUpdate, async (cmd) => {
    // All or nothing up to the saved request; the wait for Modular's answer is not part of it.
    await guard.atomically(async () => {
      c.requestCancellation(cmd, Date.now());
      await save(cmd.actor, 'inspectie.annulering_gevraagd', `Annulering gevraagd: ${cmd.reason}`, { reason: cmd.reason });
    });
    // Answer with Modular's confirmation when it comes soon; otherwise the caller sees it pending.
    await condition(() => !c.cancellationToSend, '15 seconds');
    return c.state;
  }, { validator: (cmd) => c.checkCancel(cmd) });

  guard.onUpdate(assignInspectionUpdate, async (cmd) => {
    const from = c.caseManagerId;
    c.applyAssign(cmd);
    await save(cmd.actor, 'inspectie.reassigned', `Toegewezen aan ${cmd.assigneeId}`, { from, to: cmd.assigneeId, reason: cmd.reason });
    return c.state;
  }, { validator: (cmd) => c.checkAssign(cmd) });

  // ----- the process -----------------------------------------------------------------------------

  c.startDeadlines(Date.now());
  await save(input.createdBy, 'inspectie.aangevraagd', `Inspectie aangevraagd (${input.urgency}${input.fourEyes ? ', vier ogen' : ''}): ${input.reason}`, {
    urgency: input.urgency,
    fourEyes: input.fourEyes,
    requestedBy: input.requestedBy,
  });
  registered = true;

  // The order is created alongside everything else: early webhooks, a cancellation and the
  // deadlines are handled while Modular is slow or down.
  void modular
    .createModularOrder({
      idempotencyKey: `inspectie:${input.inspectionId}:opdracht`,
      order: {
        reference: input.inspectionId,
        location: { id: input.location.locationId, name: input.location.locationName, organiserId: input.location.organiserId },
        reason: input.reason,
        questions: input.questions,
        procedure: input.urgency,
        fourEyes: input.fourEyes,
        requestedAt: input.requestedAt,
      },
    })
    .then(
      (result) => {
        order.created = result;
      },
      (err: unknown) => {
        order.failed = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.message : String(err);
      },
    );

  let orderRecorded = false;
  while (c.isOpen) {
    const sleep = c.msUntilNextWakeUp(Date.now());
    const ready = () => wake || inbox.length > 0 || (order.created !== null && !orderRecorded) || order.failed !== null || (c.cancellationToSend && c.state.orderId !== null);
    await guard.untilWoken(ready, sleep);
    wake = false;

    if (order.failed !== null) {
      // Modular refused the order itself (bad content): nothing to wait for.
      c.state.cancellation = { by: 'agentschap', actorId: system.id, reason: `Modular weigerde de opdracht: ${order.failed}`, requestedAt: new Date(Date.now()).toISOString(), confirmedAt: null, refusedReason: null };
      c.applyCancelConfirmed(Date.now());
      await save(system, 'inspectie.geweigerd', `Opdracht geweigerd door Modular: ${order.failed}`);
      break;
    }

    if (order.created !== null && !orderRecorded && c.isOpen) {
      orderRecorded = true;
      const { orderId } = order.created;
      c.applyOrderCreated(order.created, Date.now());
      await save(modularActor, 'inspectie.opdracht_aangemaakt', `Opdracht aangemaakt in Modular (${orderId})`, { orderId });
    }

    while (inbox.length > 0 && c.isOpen) {
      const e = inbox.shift()!;
      const outcome = c.applyEvent(e, Date.now());
      if (!outcome.applied) continue;
      await save(modularActor, outcome.action, outcome.title, { ...outcome.details, deliveryId: e.deliveryId, orderId: e.orderId });
      if (c.state.status === 'eindverslag') {
        const delivered = await db.deliverInspectionOutcome({ input: record, state: c.state, outcome: 'eindverslag' });
        c.state.deliveries.push(...delivered);
        await save(system, 'inspectie.verslag_bezorgd', `Verslag bezorgd aan ${delivered.map((d) => d.to).join(', ')}`, { deliveries: delivered });
      } else if (c.state.status === 'geannuleerd' && c.state.cancellation?.by === 'zorginspectie') {
        const delivered = await db.deliverInspectionOutcome({ input: record, state: c.state, outcome: 'geannuleerd' });
        c.state.deliveries.push(...delivered);
        await save(system, 'inspectie.annulering_gemeld', `Annulering gemeld aan ${delivered.map((d) => d.to).join(', ')}`, { deliveries: delivered });
      }
    }

    if (c.cancellationToSend && c.state.orderId) {
      const result = await modular.cancelModularOrder({
        orderId: c.state.orderId,
        idempotencyKey: `inspectie:${input.inspectionId}:annulering:${c.state.cancellation!.requestedAt}`,
        reason: c.state.cancellation!.reason,
      });
      if (c.isOpen && c.cancellationToSend) {
        if (result.cancelled) {
          c.applyCancelConfirmed(Date.now());
          await save(modularActor, 'inspectie.geannuleerd', 'Annulering bevestigd door Zorginspectie', { by: 'agentschap', reason: c.state.cancellation!.reason });
        } else {
          c.applyCancelRefused(result.reason, Date.now());
          await save(modularActor, 'inspectie.annulering_geweigerd', `Annulering geweigerd door Modular: ${result.reason}`);
        }
      }
    }

    for (const { deadline, rung, key } of c.dueRungs(Date.now())) {
      const { recipientId } = await db.escalateInspection({ key, rungId: rung.id, target: rung.target, label: deadline.label, input: record, state: c.state });
      c.markFired(key);
      await save(system, 'inspectie.escalatie', `${deadline.label}: ${rung.id} naar ${recipientId ?? 'niemand gevonden'}`, {
        deadline: deadline.kind,
        rungId: rung.id,
        target: rung.target,
        recipientId,
      });
    }
  }

  await condition(allHandlersFinished);
  return c.state;
}
