import type { AuditLogTable } from './tables/audit.js';
import type { CrisisRosterTable, MeldingTable, OutboxMessageTable } from './tables/meldingen.js';
import type { DossierTable, LocationTable, OrganiserTable, TeamTable, UserTable } from './tables/reference.js';
import type { TimelineEntryTable } from './tables/timeline.js';

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
  crisis_roster: CrisisRosterTable;
  outbox_messages: OutboxMessageTable;
}
