import type { Kysely } from 'kysely';
import { coordinatorsOnDuty, teamCoordinator } from '../db/repositories/crisis-roster.js';
import { meldingWriteOf, writeMelding } from '../db/repositories/meldingen.js';
import { enqueueMessage, queueNotification } from '../db/repositories/outbox.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import { findUser } from '../db/repositories/users.js';
import type { Database } from '../db/schema.js';
import type { EscalationTarget } from '../workflows/clock/escalation.js';
import type { FeedbackCommand, MeldingEvent, MeldingInput, MeldingState } from '../workflows/melding/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import { formatBrussels, render, type TemplateName } from '../workflows/shared/templates.js';

export type { MeldingEvent };

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
      // The same rows as the API's intake (issue 15): meldingWriteOf is the one mapping of both.
      const write = meldingWriteOf(input, state, changes);
      await db.transaction().execute((tx) => writeMelding(tx, write));
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
      const about = { type: 'melding', id: state.meldingId };
      await queueNotification(db, `escalation:${state.meldingId}:${key}`, recipientId, { template: escalationTemplates[target], ...message }, about);
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
