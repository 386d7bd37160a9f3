import type { FollowUp } from '../workflows/melding/definitions.js';
import type { Actor } from '../workflows/shared/actor.js';
import { feedEnforcementCase } from '../workflows/enforcement/client.js';
import { requestInspection } from '../workflows/inspection/client.js';
import type { ActivityDependencies } from './dependencies.js';

export interface MeldingFollowUpInput {
  meldingId: string;
  locationId: string;
  triage: 'crisis' | 'regulier';
  description: string;
  followUps: FollowUp[];
  actor: Actor;
}

/**
 * Activities that start other processes through Temporal: a report's follow-ups, a screening's
 * further investigation. Each is idempotent: an enforcement case de-duplicates its milestones by
 * reference, an inspection request's id comes from its key.
 */
export function createFollowUpActivities(deps: Pick<ActivityDependencies, 'db' | 'temporal' | 'taskQueue' | 'settings'>) {
  const starter = { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue };

  return {
    /** `handhaving_gestart` gives the location's enforcement case a milestone (or opens one); `inspectie_gevraagd` asks Modular. */
    async startMeldingFollowUps(input: MeldingFollowUpInput): Promise<{ enforcementCase?: string; inspectionId?: string }> {
      const started: { enforcementCase?: string; inspectionId?: string } = {};
      for (const followUp of input.followUps) {
        if (followUp.kind === 'handhaving_gestart') {
          const { workflowId } = await feedEnforcementCase(
            { ...starter, settings: () => deps.settings.enforcement() },
            {
              locationId: input.locationId,
              milestone: { kind: 'melding', reference: { type: 'melding', id: input.meldingId }, note: followUp.note },
              actor: input.actor,
            },
          );
          started.enforcementCase = workflowId;
        }
        if (followUp.kind === 'inspectie_gevraagd') {
          const { inspectionId } = await requestInspection(
            { ...starter, settings: (at) => deps.settings.inspection(at) },
            {
              key: `melding:${input.meldingId}:inspectie`,
              locationId: input.locationId,
              reason: `Melding ${input.meldingId}: ${followUp.note ?? input.description}`.slice(0, 2_000),
              urgency: input.triage === 'crisis' ? 'spoed' : 'regulier',
              requestedBy: { type: 'melding', id: input.meldingId },
              actor: input.actor,
            },
          );
          started.inspectionId = inspectionId;
        }
      }
      return started;
    },

    /** `verder_onderzoek_nodig` after a screening: an inspection request (regular procedure). */
    async requestScreeningInspection(input: { taskId: string; locationId: string; note: string; actor: Actor }): Promise<{ inspectionId: string }> {
      return requestInspection(
        { ...starter, settings: (at) => deps.settings.inspection(at) },
        {
          key: `screening:${input.taskId}:inspectie`,
          locationId: input.locationId,
          reason: input.note.slice(0, 2_000),
          urgency: 'regulier',
          requestedBy: { type: 'risicoscreening', id: input.taskId },
          actor: input.actor,
        },
      );
    },
  };
}

export type FollowUpActivities = ReturnType<typeof createFollowUpActivities>;
