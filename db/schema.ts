import type { BreakGlassGrantTable } from './tables/access.js';
import type { AuditLogTable } from './tables/audit.js';
import type { EnforcementCaseTable, EnforcementDecisionTable } from './tables/enforcement.js';
import type { IncidentTable } from './tables/incidents.js';
import type { IdempotentRequestTable } from './tables/idempotent-requests.js';
import type { InspectionTable, ModularWebhookDeliveryTable } from './tables/inspections.js';
import type { CrisisRosterTable, MeldingStartTable, MeldingTable, OutboxMessageTable } from './tables/meldingen.js';
import type { RiskModelTable, RiskScoreTable, ScreeningFollowUpTable, ScreeningRunTable, ScreeningSelectionTable, ScreeningTaskTable } from './tables/screening.js';
import type { DossierTable, LocationTable, OrganiserTable, TeamTable, UserTable } from './tables/reference.js';
import type { TimelineEntryTable } from './tables/timeline.js';
import type { NotificationReadTable, WorkFilterTable } from './tables/work-surfaces.js';
import type { ChannelDispatchTable, ChannelWebhookDeliveryTable, EnforcementDocumentTable, ParentContactTable, ReplacementCapacityTable } from './tables/letters.js';
import type { MunicipalityContactTable } from './tables/municipalities.js';

/** Table names to table interfaces; each interface lives with its feature under db/tables. */
export interface Database {
  teams: TeamTable;
  users: UserTable;
  organisers: OrganiserTable;
  locations: LocationTable;
  dossiers: DossierTable;
  timeline_entries: TimelineEntryTable;
  audit_log: AuditLogTable;
  meldingen: MeldingTable;
  melding_starts: MeldingStartTable;
  crisis_roster: CrisisRosterTable;
  outbox_messages: OutboxMessageTable;
  enforcement_cases: EnforcementCaseTable;
  enforcement_decisions: EnforcementDecisionTable;
  inspections: InspectionTable;
  modular_webhook_deliveries: ModularWebhookDeliveryTable;
  risk_models: RiskModelTable;
  screening_runs: ScreeningRunTable;
  risk_scores: RiskScoreTable;
  screening_selections: ScreeningSelectionTable;
  screening_tasks: ScreeningTaskTable;
  screening_follow_ups: ScreeningFollowUpTable;
  incidents: IncidentTable;
  idempotent_requests: IdempotentRequestTable;
  break_glass_grants: BreakGlassGrantTable;
  work_filters: WorkFilterTable;
  notification_reads: NotificationReadTable;
  enforcement_documents: EnforcementDocumentTable;
  channel_dispatches: ChannelDispatchTable;
  channel_webhook_deliveries: ChannelWebhookDeliveryTable;
  parent_contacts: ParentContactTable;
  replacement_capacities: ReplacementCapacityTable;
  municipality_contacts: MunicipalityContactTable;
}
