import type { Migration } from 'kysely/migration';
import * as referenceData from './2026_11_22_0001_reference_data.js';
import * as meldingen from './2026_11_22_0002_meldingen.js';
import * as enforcement from './2026_11_22_0003_enforcement.js';
import * as inspections from './2026_11_22_0004_inspections.js';
import * as riskScreening from './2026_11_22_0005_risk_screening.js';
import * as incidents from './2026_12_01_0010_incidents.js';
import * as enforcementEffectiveDate from './2026_12_01_0020_enforcement_effective_date.js';
import * as breakGlass from './2026_12_01_0030_break_glass.js';
import * as workSurfaces from './2026_12_01_0040_work_surfaces.js';
import * as lettersChannels from './2026_12_01_0050_letters_channels.js';
import * as retention from './2026_12_01_0060_retention.js';
import * as listIndexes from './2026_12_01_0070_list_indexes.js';
import * as auditChain from './2026_12_01_0090_audit_chain.js';
import * as auditChainAtCommit from './2026_12_02_0100_audit_chain_at_commit.js';
import * as meldingStarts from './2026_12_02_0200_melding_starts.js';
import * as dashboardPickupMedians from './2026_12_02_0300_dashboard_pickup_medians.js';
import * as scopeListIndexes from './2026_12_03_0100_scope_list_indexes.js';
import * as meldingPickedUpAt from './2026_12_01_0100_melding_picked_up_at.js';
import * as municipalityContacts from './2026_12_01_0200_municipality_contacts.js';
import * as uncertainMailAndRequestKeys from './2026_12_01_0300_uncertain_mail_and_request_keys.js';
import * as dashboardDeltas from './2026_12_01_0600_dashboard_deltas.js';
import * as juristScopeIndexes from './2026_12_01_0700_jurist_scope_indexes.js';

/**
 * Every migration, by name (Kysely runs them in the order of their names). A static list rather
 * than a folder scan, so the same migrations run from TypeScript sources (tsx, vitest) and from a
 * bundle, on PostgreSQL and on PGlite alike.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_22_0001_reference_data': referenceData,
  '2026_11_22_0002_meldingen': meldingen,
  '2026_11_22_0003_enforcement': enforcement,
  '2026_11_22_0004_inspections': inspections,
  '2026_11_22_0005_risk_screening': riskScreening,
  '2026_12_01_0010_incidents': incidents,
  '2026_12_01_0020_enforcement_effective_date': enforcementEffectiveDate,
  '2026_12_01_0030_break_glass': breakGlass,
  '2026_12_01_0040_work_surfaces': workSurfaces,
  '2026_12_01_0050_letters_channels': lettersChannels,
  '2026_12_01_0060_retention': retention,
  '2026_12_01_0070_list_indexes': listIndexes,
  '2026_12_01_0090_audit_chain': auditChain,
  '2026_12_01_0100_melding_picked_up_at': meldingPickedUpAt,
  '2026_12_01_0200_municipality_contacts': municipalityContacts,
  '2026_12_01_0300_uncertain_mail_and_request_keys': uncertainMailAndRequestKeys,
  '2026_12_01_0600_dashboard_deltas': dashboardDeltas,
  '2026_12_01_0700_jurist_scope_indexes': juristScopeIndexes,
  '2026_12_02_0100_audit_chain_at_commit': auditChainAtCommit,
  '2026_12_02_0200_melding_starts': meldingStarts,
  '2026_12_02_0300_dashboard_pickup_medians': dashboardPickupMedians,
  '2026_12_03_0100_scope_list_indexes': scopeListIndexes,
};
