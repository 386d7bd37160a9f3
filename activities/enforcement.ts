import { Context } from '@temporalio/activity';
import { type Kysely, sql } from 'kysely';
import { teamCoordinator } from '../db/repositories/crisis-roster.js';
import { saveCaseProjection } from '../db/repositories/enforcement.js';
import { enqueueMessage, queueNotification } from '../db/repositories/outbox.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import type { Database } from '../db/schema.js';
import { type CaseInput, type CaseLocation, type CaseState, caseDueAt, caseWaitingFor, type Communication, type DecisionKind } from '../workflows/enforcement/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import { render } from '../workflows/shared/templates.js';
import type { PayloadCodec } from '@temporalio/common';
import { type ChannelOptions, eboxChannel, registeredMailChannel, type SendingChannel, smtpChannel } from '../channels/clients.js';
import { auditAction } from './records.js';
import { type CommunicationInput, createLetterActivities, deliverToChannel, letterContextOf, publicValuesOf, storeDocument } from './letters/activities.js';

/**
 * Test hook: activities named here fail their first attempt right after their side effect, as a
 * crash between writing and answering would, to prove a retry repeats nothing.
 */
export interface FaultInjection {
  failFirstAttempt?: readonly string[];
  /**
   * Channels ('aangetekende_brief', 'ebox', 'email') whose first send holds right after the
   * channel accepted it and before it is recorded, until the worker stops: a real crash between
   * sending and recording (test/integration/handhaving-channels.test.ts).
   */
  holdAfterSend?: readonly string[];
  /** Called when a send holds, so a test knows when to stop the worker. */
  onHold?: (key: string) => void;
}

/** The sending channels and the codec that opens the parents' contacts (issue 13). */
export interface LetterDependencies {
  channels?: ChannelOptions;
  contactCodec?: PayloadCodec;
}

export interface EnforcementEventInput {
  key: string;
  caseId: string;
  dossierId: string;
  action: string;
  title: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

export type { CommunicationInput };

/** A command of the case recorded as one (saveCaseChange): its state, and what happened, once per key. */
export interface CaseChangeInput {
  input: Omit<CaseInput, 'settings'>;
  state: CaseState;
  event: Omit<EnforcementEventInput, 'caseId' | 'dossierId'>;
}

/** The register row of a case as its state has it; the case manager is the state's (a case can be reassigned). */
function caseRowOf(input: Omit<CaseInput, 'settings'>, state: CaseState) {
  return {
    id: input.caseId,
    workflow_id: `handhaving:${input.location.locationId}`,
    location_id: input.location.locationId,
    organiser_id: input.location.organiserId,
    dossier_id: input.location.dossierId,
    team_id: input.location.teamId,
    case_manager_id: state.location.caseManagerId,
    municipality: input.location.municipality,
    status: state.status,
    step: state.step,
    block: state.block,
    urgent: state.urgent,
    waiting_for: caseWaitingFor(state),
    due_at: caseDueAt(state) ? new Date(caseDueAt(state)!) : null,
    first_milestone: { ...input.first },
    milestones: JSON.stringify(state.milestones),
    steps: JSON.stringify(state.steps),
    closed_reason: state.closedReason,
    opened_at: new Date(input.first.at),
    closed_at: state.closedAt ? new Date(state.closedAt) : null,
    started_by: input.startedBy.id,
    version: state.version,
  };
}

export interface DecisionRecordInput {
  decisionId: string;
  caseId: string;
  location: CaseLocation;
  kind: DecisionKind;
  urgent: boolean;
  effectiveFrom: string;
  /** False for a revocation with a later effective date: the licence changes when it takes effect (decisionTakesEffect). */
  effective?: boolean;
  endsOn: string | null;
  publicMotivation: string;
  cause: string;
}

export interface TeamCoordinatorAlertInput {
  key: string;
  caseId: string;
  location: CaseLocation;
  what: string;
  note: string;
}

export interface DecisionChangeInput {
  decisionId: string;
  locationId: string;
  objection?: 'ingediend' | 'gegrond' | 'ongegrond';
  inForce?: boolean;
  lifted?: boolean;
  endsOn?: string;
}

/** Where a message for each kind of recipient goes; the parents' list is kept by the location. */
async function addressOf(db: Kysely<Database>, input: CommunicationInput): Promise<{ userId: string | null; address: string | null }> {
  const { location } = input;
  switch (input.recipient) {
    case 'organisator':
      return { userId: null, address: input.channel === 'email' ? location.organiserEmail : `organisator:${location.organiserId}` };
    case 'ouders':
      return { userId: null, address: `ouders:${location.locationId}` };
    case 'lokaal_bestuur':
      return { userId: null, address: `gemeente:${location.municipality}` };
    case 'mentes':
      return { userId: null, address: 'mentes' };
    case 'jurist':
      return { userId: null, address: 'juristen:centraal' };
    case 'klantenbeheerder': {
      // The case manager the register holds now: a reassigned case's step still carries the first one.
      const current = await db.selectFrom('enforcement_cases').select('case_manager_id').where('id', '=', input.caseId).executeTakeFirst();
      const caseManagerId = current ? current.case_manager_id : location.caseManagerId;
      return { userId: caseManagerId ?? (await teamCoordinator(db, location.teamId)) ?? null, address: null };
    }
  }
}

/** Activities of the enforcement flows that touch PostgreSQL: register, timeline, audit, outbox, decisions. */
export function createEnforcementActivities(db: Kysely<Database>, faults: FaultInjection = {}, letters: LetterDependencies = {}) {
  function maybeFail(name: string): void {
    if (faults.failFirstAttempt?.includes(name) && Context.current().info.attempt === 1) {
      throw new Error(`injected failure after the side effect of ${name} (attempt 1)`);
    }
  }
  const channels: Partial<Record<'aangetekende_brief' | 'ebox' | 'email', SendingChannel>> = {
    ...(letters.channels?.registeredMail ? { aangetekende_brief: registeredMailChannel(letters.channels.registeredMail) } : {}),
    ...(letters.channels?.ebox ? { ebox: eboxChannel(letters.channels.ebox) } : {}),
    ...(letters.channels?.smtp ? { email: smtpChannel(letters.channels.smtp) } : {}),
  };
  /** Between the channel's answer and its record: a test may stop the worker here (the send must not repeat). */
  async function holdAfterSend(channel: string, key: string): Promise<void> {
    const ctx = Context.current();
    if (!faults.holdAfterSend?.includes(channel) || ctx.info.attempt !== 1) return;
    faults.onHold?.(key);
    await ctx.cancelled;
  }
  const letterDeps = { db, channels, contactCodec: letters.contactCodec, holdAfterSend };

  return {
    async saveCase({ input, state }: { input: Omit<CaseInput, 'settings'>; state: CaseState }): Promise<void> {
      await saveCaseProjection(db, caseRowOf(input, state));
    },

    /**
     * A command of the case itself recorded as one: the register row, the dossier timeline entry
     * and the audit record in one transaction, once per key (a reassignment: the new case manager
     * is in the register, and in Mijn werk, the moment the command is answered).
     */
    async saveCaseChange({ input, state, event }: CaseChangeInput): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await saveCaseProjection(tx, caseRowOf(input, state));
        await appendTimelineEntry(tx, {
          dossier_id: input.location.dossierId,
          occurred_at: new Date(),
          kind: 'handhaving',
          title: event.title,
          details: { caseId: input.caseId, action: event.action, ...event.details },
          actor_id: event.actor.id,
          idempotency_key: event.key,
        });
        await auditAction(tx, event, { type: 'handhaving', id: input.caseId }, { version: state.version, ...event.details }, event.key);
      });
    },

    /** A step of a case on the dossier timeline and in the audit log, once per key. */
    async recordEnforcementEvent(e: EnforcementEventInput): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await appendTimelineEntry(tx, {
          dossier_id: e.dossierId,
          occurred_at: new Date(),
          kind: 'handhaving',
          title: e.title,
          details: { caseId: e.caseId, action: e.action, ...e.details },
          actor_id: e.actor.id,
          idempotency_key: e.key,
        });
        await auditAction(tx, e, { type: 'handhaving', id: e.caseId }, e.details ?? {}, e.key);
      });
    },

    /**
     * One letter or message, queued exactly once per (case, step, recipient, kind, channel) key:
     * a retry finds the row the first attempt wrote.
     */
    async sendCommunication(input: CommunicationInput): Promise<{ status: Communication['status'] }> {
      const ctx = await letterContextOf(db, input, letters.contactCodec);
      // The e-Box is for organisers with an enterprise number only.
      if (input.channel === 'ebox' && (!ctx.enterpriseNumber || !channels.ebox)) return { status: 'skipped' };
      // Public versions never carry personal data; no letter ever names the reporter.
      const values = publicValuesOf(input.template, input.values, ctx);
      const message = render(input.template, values);
      const { userId, address } = await addressOf(db, input);
      // The letter as a document first, so that an e-mail the outbox sends carries it: rendered
      // once, its SHA-256 in the audit log; dated by the first attempt.
      const document = await storeDocument(db, input, values, ctx, new Date());
      const row = await enqueueMessage(db, {
        idempotency_key: input.key,
        channel: input.channel === 'mondeling' ? 'intern' : input.channel,
        recipient_user_id: userId,
        recipient_address: address,
        template: input.template,
        subject: message.subject,
        body: message.body,
        subject_type: 'handhaving',
        subject_id: input.caseId,
        last_error: null,
        sent_at: null,
      });
      await appendTimelineEntry(db, {
        dossier_id: input.location.dossierId,
        occurred_at: new Date(),
        kind: 'communicatie',
        title: message.subject,
        details: { caseId: input.caseId, recipient: input.recipient, channel: input.channel, outboxId: row.id },
        actor_id: null,
        idempotency_key: `timeline:${input.key}`,
      });
      const status = await deliverToChannel(letterDeps, input, { row, message, document, ctx });
      maybeFail('sendCommunication');
      return { status: status ?? row.status };
    },

    /** The decision in the public register, and the licence status that follows from it. */
    async recordDecision(d: DecisionRecordInput): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('enforcement_decisions')
          .values({
            id: d.decisionId,
            case_id: d.caseId,
            location_id: d.location.locationId,
            municipality: d.location.municipality,
            kind: d.kind,
            urgent: d.urgent,
            decided_at: new Date(),
            effective_from: d.effectiveFrom,
            ends_on: d.endsOn,
            public_motivation: d.publicMotivation,
            cause: d.cause,
            capacity_freed: d.location.capacity,
            lifted_at: null,
            effective: d.effective ?? true,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        if (d.effective === false) return;
        await tx
          .updateTable('locations')
          .set({ licence_status: d.kind === 'schorsing' ? 'geschorst' : 'opgeheven' })
          .where('id', '=', d.location.locationId)
          .execute();
      });
    },

    /** A revocation reaches its effective date: from now on it counts for the licence (if it still holds). */
    async decisionTakesEffect(c: { decisionId: string; locationId: string }): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('enforcement_decisions').set({ effective: true }).where('id', '=', c.decisionId).execute();
        await applyLicenceStatus(tx, c.locationId);
      });
    },

    /** An urgent matter for the team coordinator: an internal message and a dossier timeline entry, once per key. */
    async alertTeamCoordinator(a: TeamCoordinatorAlertInput): Promise<{ recipientId: string | null }> {
      const recipientId = (await teamCoordinator(db, a.location.teamId)) ?? (await teamCoordinator(db, 'team-centraal')) ?? null;
      const subject = `Dringend: handhaving ${a.caseId} voor ${a.location.locationName}`;
      const body = `Handhavingsdossier ${a.caseId} voor ${a.location.locationName} (${a.location.locationId}): ${a.what}.${a.note ? `\n${a.note}` : ''}`;
      await db.transaction().execute(async (tx) => {
        await queueNotification(tx, `alert:${a.key}`, recipientId, { template: 'herinnering_handhaving', subject, body }, { type: 'handhaving', id: a.caseId });
        await appendTimelineEntry(tx, {
          dossier_id: a.location.dossierId,
          occurred_at: new Date(),
          kind: 'escalatie',
          title: subject,
          details: { caseId: a.caseId, action: 'handhaving.alert_teamcoordinator', recipientId, what: a.what },
          actor_id: null,
          idempotency_key: `alert:${a.key}`,
        });
      });
      return { recipientId };
    },

    ...createLetterActivities(letterDeps),

    /** An objection, its outcome, a lift or an extension: the decision row and the licence follow. */
    async changeDecision(c: DecisionChangeInput): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const decision = await tx.selectFrom('enforcement_decisions').selectAll().where('id', '=', c.decisionId).executeTakeFirstOrThrow();
        const inForce = c.lifted ? false : (c.inForce ?? decision.in_force);
        await tx
          .updateTable('enforcement_decisions')
          .set({
            ...(c.objection ? { objection: c.objection } : {}),
            ...(c.endsOn ? { ends_on: c.endsOn } : {}),
            in_force: inForce,
            lifted_at: c.lifted ? sql<Date>`coalesce(lifted_at, now())` : decision.lifted_at,
          })
          .where('id', '=', c.decisionId)
          .execute();
        await applyLicenceStatus(tx, c.locationId);
      });
    },
  };
}

/** The licence follows every decision in force on the location that has taken effect, not only one. */
async function applyLicenceStatus(tx: Kysely<Database>, locationId: string): Promise<void> {
  const kinds = (
    await tx.selectFrom('enforcement_decisions').select('kind').where('location_id', '=', locationId).where('in_force', '=', true).where('effective', '=', true).execute()
  ).map((d) => d.kind);
  const status = kinds.includes('opheffing') ? 'opgeheven' : kinds.includes('schorsing') ? 'geschorst' : 'actief';
  await tx.updateTable('locations').set({ licence_status: status }).where('id', '=', locationId).execute();
}

export type EnforcementActivities = ReturnType<typeof createEnforcementActivities>;
