import type { Client } from '@temporalio/client';
import { meldingColumnsOf, meldingRowOf } from '../../../db/repositories/meldingen.js';
import type { MeldingRow } from '../../../db/tables/meldingen.js';
import { type MeldingInput, type MeldingState, meldingWorkflowId, stateQuery } from '../../../workflows/melding/definitions.js';
import { liveStateOf } from '../../temporal-errors.js';
import type { MeldingStarter } from './starts.js';

/** The live state of a report's workflow; null when the workflow no longer exists. */
export const liveMeldingState = (temporal: Client, meldingId: string) => liveStateOf(temporal, meldingWorkflowId(meldingId), stateQuery);

export type LiveMeldingState = (meldingId: string) => Promise<MeldingState | null>;

/**
 * The same, for a report whose workflow may not be started yet (its intake's start is queued,
 * ./starts.ts): that start is made first. Null when there is no workflow to ask, or it did not
 * answer in time: the register row answers alone.
 */
export function liveStateStarting(temporal: Client, starter: Pick<MeldingStarter, 'startIfQueued'>): LiveMeldingState {
  return async (meldingId) =>
    (await liveMeldingState(temporal, meldingId)) ?? ((await starter.startIfQueued(meldingId).catch(() => false)) ? liveMeldingState(temporal, meldingId) : null);
}

/**
 * A report as the API shows it. `reporter`: the reporter's contact (personal data) only where the
 * caller may read it (docs/access.md) and the route audits the read; never in lists or answers
 * to commands.
 */
export function toView(row: MeldingRow, live: MeldingState | null, reporter: MeldingRow['reporter'] = null) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    externalRef: row.external_ref,
    source: row.source,
    channel: row.channel,
    receivedAt: row.received_at.toISOString(),
    anonymous: !row.reporter || (!row.reporter.name && !row.reporter.email && !row.reporter.phone),
    reporter,
    locationId: row.location_id,
    organiserId: row.organiser_id,
    dossierId: row.dossier_id,
    addressText: row.address_text,
    description: row.description,
    categories: row.categories,
    immediateDanger: row.immediate_danger,
    triageProposed: row.triage_proposed,
    triage: row.triage,
    triageConfirmed: row.triage_confirmed,
    phase: row.phase,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    dueAt: row.due_at?.toISOString() ?? null,
    deadlinePaused: row.deadline_paused,
    overdue: row.overdue,
    followUps: row.follow_ups,
    closedAt: row.closed_at?.toISOString() ?? null,
    personalDataErasedAt: row.personal_data_erased_at?.toISOString() ?? null,
    createdBy: row.created_by,
    live,
  };
}

/** The register row as the live state says it is now: commands answer before the projection lands. */
export function withState(row: MeldingRow, s: MeldingState): MeldingRow {
  return {
    ...row,
    ...meldingColumnsOf(s, row),
    follow_ups: s.followUps as unknown as Record<string, unknown>[],
  };
}

/** The register row a new report will have, from its input. */
export function rowFromInput(input: MeldingInput, s: MeldingState): MeldingRow {
  const now = new Date();
  return { ...meldingRowOf(input, s), created_at: now, updated_at: now } as MeldingRow;
}
