import type { MeldingRow } from '../../../db/tables/meldingen.js';
import { type MeldingInput, type MeldingState, meldingWorkflowId } from '../../../workflows/melding/definitions.js';

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
    location_id: s.link?.locationId ?? row.location_id,
    organiser_id: s.link?.organiserId ?? row.organiser_id,
    dossier_id: s.link?.dossierId ?? row.dossier_id,
    triage_proposed: s.triageProposed,
    triage: s.triage,
    triage_confirmed: s.triageConfirmed,
    phase: s.phase,
    assignee_id: s.assigneeId,
    team_id: s.teamId,
    due_at: s.dueAt ? new Date(s.dueAt) : null,
    deadline_paused: s.deadline?.state === 'paused',
    overdue: s.overdue,
    follow_ups: s.followUps as unknown as Record<string, unknown>[],
    closed_at: s.closedAt ? new Date(s.closedAt) : null,
    version: s.version,
  };
}

/** The register row a new report will have, from its input. */
export function rowFromInput(input: MeldingInput, s: MeldingState): MeldingRow {
  const now = new Date();
  return withState(
    {
      id: input.meldingId,
      workflow_id: meldingWorkflowId(input.meldingId),
      idempotency_key: input.idempotencyKey,
      external_ref: input.externalRef,
      source: input.source,
      channel: input.channel,
      received_at: new Date(input.receivedAt),
      reporter: input.reporter ? { ...input.reporter } : null,
      location_id: null,
      organiser_id: input.locationHint.organiserId ?? null,
      dossier_id: null,
      address_text: input.locationHint.addressText ?? null,
      description: input.description,
      categories: input.categories,
      immediate_danger: input.immediateDanger,
      created_by: input.createdBy.id,
      created_at: now,
      updated_at: now,
    } as MeldingRow,
    s,
  );
}
