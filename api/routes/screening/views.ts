import type { ScreeningFollowUpRow, ScreeningTaskRow } from '../../../db/tables/screening.js';
import type { ScreeningTaskState } from '../../../workflows/screening/definitions.js';

/** A screening task as the API shows it: the register record and its follow-up, with the live state when there is one. */
export function taskView(row: ScreeningTaskRow, followUp: ScreeningFollowUpRow | undefined, live?: ScreeningTaskState | null) {
  return {
    id: row.id,
    month: row.month,
    workflowId: row.workflow_id,
    dossierId: row.dossier_id,
    locationId: row.location_id,
    teamId: row.team_id,
    assigneeId: live?.assigneeId ?? row.assignee_id,
    rank: row.rank,
    score: row.score,
    modelVersion: row.model_version,
    status: live?.status ?? row.status,
    code: live?.code ?? row.code,
    motivation: live?.motivation ?? row.motivation,
    codedBy: live?.codedBy ?? row.coded_by,
    codedAt: live?.codedAt ?? row.coded_at?.toISOString() ?? null,
    dueAt: live ? live.dueAt : (row.due_at?.toISOString() ?? null),
    overdue: live?.overdue ?? row.overdue,
    followUp: followUp
      ? { kind: followUp.kind, status: followUp.status, note: followUp.note, createdAt: followUp.created_at.toISOString() }
      : live?.followUp
        ? { kind: live.followUp.kind, status: 'open', note: live.followUp.note }
        : null,
    firedRungs: live?.firedRungs ?? [],
  };
}
