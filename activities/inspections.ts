import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { teamCoordinator } from '../db/repositories/crisis-roster.js';
import { saveInspectionProjection } from '../db/repositories/inspections.js';
import { queueNotification } from '../db/repositories/outbox.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import type { Database } from '../db/schema.js';
import { feedEnforcementCase } from '../workflows/enforcement/client.js';
import type { EscalationTarget } from '../workflows/clock/escalation.js';
import { enforcementCaseWorkflowId, caseStateQuery, milestoneSignal } from '../workflows/enforcement/definitions.js';
import { inspectionRecord } from '../workflows/inspection/client.js';
import type { Delivery, InspectionInput, InspectionState } from '../workflows/inspection/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import type { ActivityDependencies } from './dependencies.js';
import { auditAction } from './records.js';
import { formatBrussels } from '../workflows/shared/templates.js';

type Record_ = Omit<InspectionInput, 'settings'>;

export interface SaveInspectionInput {
  input: Record_;
  state: InspectionState;
  event: { action: string; title: string; actor: Actor; details?: Record<string, unknown> };
}

export interface EscalateInspectionInput {
  key: string;
  rungId: string;
  target: EscalationTarget;
  label: string;
  input: Record_;
  state: InspectionState;
}

export interface DeliverOutcomeInput {
  input: Record_;
  state: InspectionState;
  outcome: 'eindverslag' | 'geannuleerd';
}

const centralTeam = 'team-centraal';
/** Zorginspectie acting through Modular: the actor of what its advice sets in motion. */
const modularActor: Actor = { id: 'u-modular', role: 'modular' };

/** Activities of the inspection process that touch PostgreSQL and the other processes. */
export function createInspectionActivities(deps: Pick<ActivityDependencies, 'db' | 'temporal' | 'taskQueue' | 'settings'>) {
  const db: Kysely<Database> = deps.db;

  async function alreadyDone(key: string) {
    return db.selectFrom('audit_log').select('details').where('idempotency_key', '=', key).executeTakeFirst();
  }

  /** Who follows the request up now: reassigned, the state's; otherwise the dossier's case manager when it was asked. */
  const caseManagerOf = (input: Record_, state: InspectionState) => (state.caseManagerId === undefined ? input.location.caseManagerId : state.caseManagerId);

  async function recipientFor(target: EscalationTarget, input: Record_, state: InspectionState): Promise<string | null> {
    switch (target) {
      case 'handler':
        return caseManagerOf(input, state) ?? (await teamCoordinator(db, input.location.teamId)) ?? null;
      case 'teamcoordinator':
      case 'next_coordinator':
        return (await teamCoordinator(db, input.location.teamId)) ?? (await teamCoordinator(db, centralTeam)) ?? null;
      case 'central_lead':
        return (await teamCoordinator(db, centralTeam)) ?? null;
    }
  }

  async function internalMessage(key: string, recipient: string | null, subject: string, body: string, inspectionId: string) {
    await queueNotification(db, key, recipient, { template: 'inspectie', subject, body }, { type: 'inspectie', id: inspectionId });
  }

  return {
    /** Projection, timeline entry and audit record of one change, in one transaction, keyed by version. */
    async saveInspection({ input, state, event }: SaveInspectionInput): Promise<void> {
      const key = `inspectie:${state.inspectionId}:v${state.version}`;
      await db.transaction().execute(async (tx) => {
        const record = inspectionRecord(input, state);
        // jsonb arrays go as JSON text: the driver would send a JavaScript array as a PostgreSQL array.
        await saveInspectionProjection(tx, { ...record, questions: JSON.stringify(record.questions), deliveries: JSON.stringify(record.deliveries) });
        await appendTimelineEntry(tx, {
          dossier_id: input.location.dossierId,
          occurred_at: new Date(),
          kind: 'inspectie',
          title: event.title,
          details: { inspectionId: state.inspectionId, action: event.action, status: state.status, ...event.details },
          actor_id: event.actor.id,
          idempotency_key: key,
        });
        await auditAction(tx, event, { type: 'inspectie', id: state.inspectionId }, { version: state.version, status: state.status, ...event.details }, key);
      });
    },

    /** One rung of a deadline's ladder: an internal message and a timeline entry, once per key. */
    async escalateInspection({ key, rungId, target, label, input, state }: EscalateInspectionInput): Promise<{ recipientId: string | null }> {
      const recipientId = await recipientFor(target, input, state);
      const fullKey = `escalation:${state.inspectionId}:${key}`;
      const subject = `${label}: termijn ${target === 'handler' ? 'verstreken' : 'overschreden'} voor ${input.location.locationName}`;
      const body = [
        `Inspectieaanvraag ${state.inspectionId} (${input.urgency}) voor ${input.location.locationName} (${input.location.locationId}).`,
        `Status: ${state.status}${state.orderId ? `, Modular-opdracht ${state.orderId}` : ', nog niet bevestigd door Modular'}.`,
        `Termijn: ${state.dueAt ? formatBrussels(state.dueAt) : 'verstreken'}. Neem contact op met Zorginspectie.`,
      ].join('\n');
      await internalMessage(fullKey, recipientId, subject, body, state.inspectionId);
      await appendTimelineEntry(db, {
        dossier_id: input.location.dossierId,
        occurred_at: new Date(),
        kind: 'escalatie',
        title: subject,
        details: { inspectionId: state.inspectionId, rungId, target, recipientId },
        actor_id: null,
        idempotency_key: fullKey,
      });
      return { recipientId };
    },

    /**
     * The outcome (final report or Zorginspectie's cancellation) to whoever must hear it: the case
     * manager, the flow that asked for the inspection, and, for an advice to enforce, the
     * location's enforcement case (started when none is open). Each delivery runs once per key.
     */
    async deliverInspectionOutcome({ input, state, outcome }: DeliverOutcomeInput): Promise<Delivery[]> {
      const id = state.inspectionId;
      const deliveries: Delivery[] = [];
      const at = new Date().toISOString();
      const report = state.finalReport;

      const caseManager = caseManagerOf(input, state) ?? (await teamCoordinator(db, input.location.teamId)) ?? null;
      const subject = outcome === 'eindverslag'
        ? `Inspectieverslag ontvangen voor ${input.location.locationName}${report?.advice.enforce ? ': advies tot handhaving' : ''}`
        : `Inspectie geannuleerd door Zorginspectie voor ${input.location.locationName}`;
      const body = outcome === 'eindverslag'
        ? [
            `Verslag ${report?.documentRef} bij aanvraag ${id}.`,
            `Advies: ${report?.advice.enforce ? 'handhaving' : 'geen handhaving'} (urgentie ${report?.advice.urgency}). ${report?.advice.motivation ?? ''}`,
            `Aandachtspunten: ${report?.advice.pointsOfAttention.join('; ') || 'geen'}.`,
          ].join('\n')
        : `Reden: ${state.cancellation?.reason ?? 'niet opgegeven'}. Aanvraag ${id}.`;
      await internalMessage(`inspectie:${id}:${outcome}:klantenbeheerder`, caseManager, subject, body, id);
      deliveries.push({ to: `klantenbeheerder:${caseManager ?? 'team'}`, what: outcome, at, workflowId: null });

      const requester = input.requestedBy;
      if ((requester.type === 'melding' || requester.type === 'risicoscreening') && requester.id) {
        // These flows take no messages for it (yet): the outcome is recorded on their record.
        const subjectType = requester.type === 'melding' ? 'melding' : 'screening';
        const key = `inspectie:${id}:${outcome}:${subjectType}`;
        await appendTimelineEntry(db, {
          dossier_id: input.location.dossierId,
          occurred_at: new Date(),
          kind: 'inspectie',
          title: `${subject} (gevraagd door ${subjectType} ${requester.id})`,
          details: { inspectionId: id, [`${subjectType}Id`]: requester.id, outcome, advice: report?.advice ?? null, documentRef: report?.documentRef ?? null },
          actor_id: modularActor.id,
          idempotency_key: key,
        });
        const details = { inspectionId: id, advice: report?.advice ?? null, documentRef: report?.documentRef ?? null };
        await auditAction(db, { actor: modularActor, action: `${subjectType}.inspectie_${outcome}` }, { type: subjectType, id: requester.id }, details, key);
        deliveries.push({ to: `${subjectType}:${requester.id}`, what: outcome, at, workflowId: null });
      }

      const caseWorkflowId = enforcementCaseWorkflowId(input.location.locationId);
      if (outcome === 'eindverslag' && report?.advice.enforce) {
        // An advice to enforce is a milestone: it feeds the open case or starts one.
        const key = `inspectie:${id}:advies_handhaving`;
        const done = await alreadyDone(key);
        let workflowId = (done?.details as { workflowId?: string } | undefined)?.workflowId;
        if (!workflowId) {
          ({ workflowId } = await feedEnforcementCase(
            { db, temporal: deps.temporal, taskQueue: deps.taskQueue, settings: () => deps.settings.enforcement() },
            {
              locationId: input.location.locationId,
              milestone: {
                kind: 'advies_handhaving',
                reference: { type: 'inspectieverslag', id },
                note: `Zorginspectie adviseert handhaving (urgentie ${report.advice.urgency}): ${report.advice.motivation}`,
                // An urgent advice proposes the decision in urgent necessity (docs/enforcement.md).
                ...(report.advice.urgency === 'hoog' ? { proposeUrgent: true } : {}),
              },
              actor: modularActor,
            },
          ));
          const details = { workflowId, locationId: input.location.locationId, urgency: report.advice.urgency };
          await auditAction(db, { actor: modularActor, action: 'inspectie.advies_handhaving' }, { type: 'inspectie', id }, details, key);
        }
        deliveries.push({ to: `handhaving:${input.location.locationId}`, what: 'advies_handhaving', at, workflowId });
      } else if (requester.type === 'handhaving' && outcome === 'eindverslag' && report) {
        // The case that asked gets the report as a milestone, if it is still open.
        const key = `inspectie:${id}:inspectieverslag:handhaving`;
        if (!(await alreadyDone(key))) {
          let delivered = true;
          try {
            // The location's workflow id is reused by later cases: a report asked for by case HH-… goes to that case only.
            if (requester.id?.startsWith('HH-')) {
              const current = await deps.temporal.workflow.getHandle(caseWorkflowId).query(caseStateQuery);
              if (current.caseId !== requester.id || current.status === 'closed') throw new WorkflowNotFoundError('the requesting case has ended', caseWorkflowId, undefined);
            }
            await deps.temporal.workflow.getHandle(caseWorkflowId).signal(milestoneSignal, {
              actor: modularActor,
              milestone: { kind: 'inspectieverslag', reference: { type: 'inspectieverslag', id }, note: `Verslag ${report.documentRef}: geen advies tot handhaving` },
            });
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
            delivered = false;
          }
          const action = delivered ? 'inspectie.verslag_aan_handhaving' : 'inspectie.handhaving_afgesloten';
          await auditAction(db, { actor: modularActor, action }, { type: 'inspectie', id }, { workflowId: caseWorkflowId, delivered, caseId: requester.id }, key);
        }
        deliveries.push({ to: `handhaving:${input.location.locationId}`, what: 'inspectieverslag', at, workflowId: caseWorkflowId });
      } else if (requester.type === 'handhaving') {
        // A cancellation: the case has no message for it yet; its dossier timeline shows it.
        deliveries.push({ to: `handhaving:${input.location.locationId}`, what: `${outcome} (tijdlijn)`, at, workflowId: null });
      }
      return deliveries;
    },
  };
}

export type InspectionActivities = ReturnType<typeof createInspectionActivities>;
