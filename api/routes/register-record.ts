import type { EnforcementCaseRow } from '../../db/tables/enforcement.js';

/** The columns every process's register row has about where it belongs (enforcement cases, inspections). */
export type RegisterRecordRow = Pick<EnforcementCaseRow, 'id' | 'workflow_id' | 'location_id' | 'organiser_id' | 'dossier_id' | 'team_id' | 'case_manager_id'>;

/** Those columns as the API shows them: `registerRecordProperties` of api/schemas/common.ts. */
export function registerRecordOf(row: RegisterRecordRow) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    locationId: row.location_id,
    organiserId: row.organiser_id,
    dossierId: row.dossier_id,
    teamId: row.team_id,
    caseManagerId: row.case_manager_id,
  };
}
