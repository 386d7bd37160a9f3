import type { InspectionRecord } from '../../../workflows/inspection/client.js';
import type { InspectionState } from '../../../workflows/inspection/definitions.js';
import { registerRecordOf } from '../register-record.js';

/** An inspection request as the API shows it: the register record with the live state when there is one. */
export function toView(row: InspectionRecord, live: InspectionState | null) {
  const s = live;
  const status = s?.status ?? row.status;
  return {
    ...registerRecordOf(row),
    // Reassigned: the live state's, so the command's answer shows the new one.
    caseManagerId: s?.caseManagerId === undefined ? row.case_manager_id : s.caseManagerId,
    reason: row.reason,
    questions: row.questions,
    urgency: row.urgency,
    fourEyes: row.four_eyes,
    requestedBy: { type: row.requested_by_type, id: row.requested_by_id },
    status,
    waitingForModular: s ? s.waitingForModular : row.modular_order_id === null && status === 'aangevraagd',
    modularOrderId: s?.orderId ?? row.modular_order_id,
    plannedVisitAt: s?.plannedVisit?.visitDate ?? row.planned_visit_at?.toISOString() ?? null,
    visitedAt: s?.visitedAt ?? row.visited_at?.toISOString() ?? null,
    draftDocumentRef: s?.draft?.documentRef ?? row.draft_document_ref,
    locationReactionReceived: s ? s.locationReaction !== null : row.location_reaction !== null,
    finalReport: s?.finalReport ?? row.final_report,
    cancellation: s?.cancellation ?? row.cancellation,
    deliveries: s?.deliveries ?? row.deliveries,
    dueAt: s ? s.dueAt : (row.due_at?.toISOString() ?? null),
    overdue: s ? s.overdue : row.overdue,
    requestedAt: row.requested_at.toISOString(),
    closedAt: s?.closedAt ?? row.closed_at?.toISOString() ?? null,
    createdBy: row.created_by,
    // The reaction to the draft is not published: the live state shows only that it came.
    live: s ? { ...s, locationReaction: s.locationReaction ? { text: '(niet gepubliceerd)', receivedAt: s.locationReaction.receivedAt } : null } : null,
  };
}
