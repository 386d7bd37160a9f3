import type { Kysely } from 'kysely';
import { recordAudit } from '../db/repositories/audit.js';
import { coordinatorsOnDuty, teamCoordinator } from '../db/repositories/crisis-roster.js';
import { saveMeldingProjection } from '../db/repositories/meldingen.js';
import { enqueueMessage } from '../db/repositories/outbox.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import { findUser } from '../db/repositories/users.js';
import type { Database } from '../db/schema.js';
import type { EscalationTarget } from '../workflows/clock/escalation.js';
import type { FeedbackCommand, MeldingInput, MeldingState } from '../workflows/melding/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import { formatBrussels, render, type TemplateName } from '../workflows/shared/templates.js';

/** One change of a report, noted at `version` (its timeline entry's and audit record's key). */
export interface MeldingEvent {
  version: number;
  phase: MeldingState['phase'];
  action: string;
  title: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

export interface SaveMeldingInput {
  input: Omit<MeldingInput, 'settings'>;
  state: MeldingState;
  /** What happened, for the timeline (when the report has a dossier) and the audit log. */
  event: { action: string; title: string; actor: Actor; details?: Record<string, unknown> };
  /**
   * Several changes saved in one write (the intake since issue 15: registered and assigned), each
   * with its own version; `event` is then the last of them. Absent: `event` at `state.version`.
   */
  events?: MeldingEvent[];
}

export interface EscalateInput {
  key: string;
  rungId: string;
  target: EscalationTarget;
  state: MeldingState;
}

export interface FeedbackInput {
  key: string;
  input: Pick<MeldingInput, 'meldingId' | 'receivedAt' | 'reporter'>;
  command: FeedbackCommand;
}

const escalationTemplates: Record<EscalationTarget, TemplateName> = {
  handler: 'escalatie_herinnering',
  teamcoordinator: 'escalatie_teamcoordinator',
  next_coordinator: 'escalatie_volgende_coordinator',
  central_lead: 'escalatie_centraal',
};

/** The central team's coordinator: the last rung of every ladder. */
const centralTeam = 'team-centraal';

/** Activities of the report process that touch PostgreSQL: register, timeline, audit, outbox. */
export function createMeldingActivities(db: Kysely<Database>) {
  async function recipientFor(target: EscalationTarget, state: MeldingState): Promise<string | undefined> {
    switch (target) {
      case 'handler':
        return state.assigneeId ?? (state.teamId ? teamCoordinator(db, state.teamId) : undefined);
      case 'teamcoordinator':
        return state.teamId ? teamCoordinator(db, state.teamId) : teamCoordinator(db, centralTeam);
      case 'next_coordinator': {
        const onDuty = await coordinatorsOnDuty(db, new Date());
        return onDuty.find((id) => id !== state.assigneeId) ?? teamCoordinator(db, centralTeam);
      }
      case 'central_lead':
        return teamCoordinator(db, centralTeam);
    }
  }

  return {
    /**
     * Saves the projection, the timeline entry and the audit record of one change, in one
     * transaction, keyed by the report's version: a retry writes nothing twice.
     */
    async saveMelding({ input, state, event, events }: SaveMeldingInput): Promise<void> {
      const changes: MeldingEvent[] = events ?? [{ ...event, version: state.version, phase: state.phase }];
      await db.transaction().execute(async (tx) => {
        await saveMeldingProjection(tx, {
          id: input.meldingId,
          workflow_id: `melding:${input.meldingId}`,
          idempotency_key: input.idempotencyKey,
          external_ref: input.externalRef,
          source: input.source,
          channel: input.channel,
          received_at: new Date(input.receivedAt),
          reporter: input.reporter ? { ...input.reporter } : null,
          location_id: state.link?.locationId ?? null,
          organiser_id: state.link?.organiserId ?? input.locationHint.organiserId ?? null,
          dossier_id: state.link?.dossierId ?? null,
          address_text: input.locationHint.addressText ?? null,
          description: input.description,
          categories: JSON.stringify(input.categories),
          immediate_danger: input.immediateDanger,
          triage_proposed: state.triageProposed,
          triage: state.triage,
          triage_confirmed: state.triageConfirmed,
          phase: state.phase,
          assignee_id: state.assigneeId,
          team_id: state.teamId,
          due_at: state.dueAt ? new Date(state.dueAt) : null,
          deadline_paused: state.deadline?.state === 'paused',
          overdue: state.overdue,
          follow_ups: JSON.stringify(state.followUps),
          closed_at: state.closedAt ? new Date(state.closedAt) : null,
          created_by: input.createdBy.id,
          version: state.version,
        });
        const keyOf = (change: MeldingEvent) => `melding:${state.meldingId}:v${change.version}`;
        if (state.link) {
          for (const change of changes) {
            await appendTimelineEntry(tx, {
              dossier_id: state.link.dossierId,
              occurred_at: new Date(),
              kind: state.triage === 'crisis' ? 'crisismelding' : 'melding',
              title: change.title,
              details: { meldingId: state.meldingId, action: change.action, phase: change.phase, ...change.details },
              actor_id: change.actor.id,
              idempotency_key: keyOf(change),
            });
          }
        }
        // The audit records last: appending to the hash chain takes a lock that every writer of
        // the audit log waits for until this transaction commits (docs/performance.md).
        for (const change of changes) {
          const key = keyOf(change);
          await recordAudit(tx, {
            actor_id: change.actor.id,
            actor_role: change.actor.role,
            action: change.action,
            subject_type: 'melding',
            subject_id: state.meldingId,
            details: { version: change.version, phase: change.phase, ...change.details },
            request_id: change.actor.requestId ?? null,
            idempotency_key: key,
          });
        }
      });
    },

    /** The coordinators on crisis duty now, first the one on duty, then the next. */
    async crisisCoordinatorsOnDuty(): Promise<string[]> {
      return coordinatorsOnDuty(db, new Date());
    },

    /** One rung of an escalation ladder: a message to the right person, queued exactly once. */
    async escalate({ key, rungId, target, state }: EscalateInput): Promise<{ recipientId: string | null }> {
      const recipientId = (await recipientFor(target, state)) ?? null;
      const assignee = state.assigneeId ? await findUser(db, state.assigneeId) : undefined;
      const values = {
        reference: state.meldingId,
        triage: state.triage === 'crisis' ? 'crisismelding' : 'melding',
        location: state.link ? `${state.link.locationName} (${state.link.locationId})` : 'een nog niet gekoppelde locatie',
        dueAt: state.dueAt ? formatBrussels(state.dueAt) : 'onbekend',
        assignee: assignee?.name ?? 'het team',
        previous: assignee?.name ?? 'de vorige coördinator',
      };
      const message = render(escalationTemplates[target], values);
      await enqueueMessage(db, {
        idempotency_key: `escalation:${state.meldingId}:${key}`,
        channel: 'intern',
        recipient_user_id: recipientId,
        recipient_address: null,
        template: escalationTemplates[target],
        subject: message.subject,
        body: message.body,
        subject_type: 'melding',
        subject_id: state.meldingId,
        last_error: null,
        sent_at: null,
      });
      if (state.link) {
        await appendTimelineEntry(db, {
          dossier_id: state.link.dossierId,
          occurred_at: new Date(),
          kind: 'escalatie',
          title: message.subject,
          details: { meldingId: state.meldingId, rungId, target, recipientId },
          actor_id: null,
          idempotency_key: `escalation:${state.meldingId}:${key}`,
        });
      }
      return { recipientId };
    },

    /** Feedback to the reporter through the outbox (e-mail), rendered from the Dutch template. */
    async queueFeedback({ key, input, command }: FeedbackInput): Promise<{ outboxKey: string }> {
      const message = render('terugkoppeling_melder', {
        name: input.reporter?.name ?? 'melder',
        reference: input.meldingId,
        receivedOn: formatBrussels(input.receivedAt),
        message: command.message,
      });
      const outboxKey = `feedback:${input.meldingId}:${key}`;
      await enqueueMessage(db, {
        idempotency_key: outboxKey,
        channel: 'email',
        recipient_user_id: null,
        recipient_address: input.reporter?.email ?? null,
        template: 'terugkoppeling_melder',
        subject: message.subject,
        body: message.body,
        subject_type: 'melding',
        subject_id: input.meldingId,
        last_error: null,
        sent_at: null,
      });
      return { outboxKey };
    },
  };
}

export type MeldingActivities = ReturnType<typeof createMeldingActivities>;
