import type { Kysely } from 'kysely';
import { teamCoordinator } from '../db/repositories/crisis-roster.js';
import { raiseIncident, reopenIncident, resolveIncident } from '../db/repositories/incidents.js';
import { queueNotification } from '../db/repositories/outbox.js';
import { appendTimelineEntry } from '../db/repositories/timeline.js';
import type { Database } from '../db/schema.js';
import type { IncidentKind } from '../db/tables/incidents.js';

export interface RaiseIncidentInput {
  incidentId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  activityType: string;
  kind: IncidentKind;
  errorType: string | null;
  message: string;
  attempts: number;
  teamId: string | null;
  dossierId: string | null;
  /** The coordinator's message, where the default ("the step failed N times") does not fit: the outbox's uncertain e-mail. */
  alert?: { subject: string; body: string; timelineTitle: string };
}

/** Where no team is known, the central team's coordinator hears of it. */
const centralTeam = 'team-centraal';

/** Activities that keep the incident register: raised once, closed when the activity succeeds. */
export function createIncidentActivities(db: Kysely<Database>) {
  return {
    /** Records the incident and alerts the team coordinator, once per incident id. */
    async raiseIncident(input: RaiseIncidentInput): Promise<void> {
      const message = input.message.slice(0, 2000);
      const { created } = await raiseIncident(db, {
        id: input.incidentId,
        status: 'open',
        workflow_id: input.workflowId,
        run_id: input.runId,
        workflow_type: input.workflowType,
        activity_type: input.activityType,
        kind: input.kind,
        error_type: input.errorType,
        message,
        attempts: input.attempts,
        team_id: input.teamId,
        dossier_id: input.dossierId,
        retry_requested_by: null,
        retry_requested_at: null,
        resolved_at: null,
      });
      if (!created) {
        await reopenIncident(db, input.incidentId, message, input.attempts);
        return;
      }
      const key = `incident:${input.incidentId}`;
      const recipient = (input.teamId ? await teamCoordinator(db, input.teamId) : undefined) ?? (await teamCoordinator(db, centralTeam)) ?? null;
      // The alert names the step, not the error text: that may quote personal data from the input.
      await queueNotification(db, key, recipient, {
        template: 'incident',
        subject: input.alert?.subject ?? `Incident: stap ${input.activityType} van ${input.workflowType} loopt vast`,
        body: input.alert?.body ?? `De stap ${input.activityType} van ${input.workflowId} is ${input.attempts} keer mislukt en wacht op een beheerder (incident ${input.incidentId}).`,
      }, { type: 'incident', id: input.incidentId });
      if (input.dossierId) {
        await appendTimelineEntry(db, {
          dossier_id: input.dossierId,
          occurred_at: new Date(),
          kind: 'incident',
          title: input.alert?.timelineTitle ?? `Incident: ${input.activityType} loopt vast`,
          details: { incidentId: input.incidentId, workflowId: input.workflowId, kind: input.kind },
          actor_id: null,
          idempotency_key: key,
        });
      }
    },

    async resolveIncident(incidentId: string): Promise<void> {
      await resolveIncident(db, incidentId);
    },
  };
}

export type IncidentActivities = ReturnType<typeof createIncidentActivities>;
