import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import { caseDueAt, type CaseState, caseWaitingFor } from '../../../workflows/enforcement/definitions.js';
import { registerRecordOf } from '../register-record.js';

/** An enforcement case as the API shows it: the register record with the live state when there is one. */
export function toView(row: EnforcementCaseRow, live: CaseState | null) {
  // A closed case waits for nothing, also in rows written before the register cleared them.
  const closed = (live?.status ?? row.status) === 'closed';
  return {
    ...registerRecordOf(row),
    // The live case manager: a reassignment's answer shows it before a later read of the register would.
    caseManagerId: live ? live.location.caseManagerId : row.case_manager_id,
    municipality: row.municipality,
    status: live?.status ?? row.status,
    step: live ? live.step : row.step,
    block: live?.block ?? row.block,
    urgent: live?.urgent ?? row.urgent,
    waitingFor: closed ? null : live ? caseWaitingFor(live) : row.waiting_for,
    dueAt: closed ? null : live ? caseDueAt(live) : (row.due_at?.toISOString() ?? null),
    openedAt: row.opened_at.toISOString(),
    closedAt: live?.closedAt ?? row.closed_at?.toISOString() ?? null,
    closedReason: live?.closedReason ?? row.closed_reason,
    live,
  };
}

/** Before the first projection lands: enough of a row to answer the start with the live state. */
export function syntheticRow(state: CaseState, workflowId: string): EnforcementCaseRow {
  const l = state.location;
  return {
    id: state.caseId,
    workflow_id: workflowId,
    location_id: l.locationId,
    organiser_id: l.organiserId,
    dossier_id: l.dossierId,
    team_id: l.teamId,
    case_manager_id: l.caseManagerId,
    municipality: l.municipality,
    status: state.status,
    step: state.step,
    block: state.block,
    urgent: state.urgent,
    waiting_for: null,
    due_at: null,
    first_milestone: { ...state.milestones[0] },
    milestones: [],
    steps: [],
    closed_reason: null,
    opened_at: new Date(state.milestones[0]?.at ?? Date.now()),
    closed_at: null,
    started_by: state.milestones[0]?.actorId ?? '',
    version: state.version,
    updated_at: new Date(),
  };
}

