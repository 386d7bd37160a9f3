import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { OutboxMessage } from '../tables/meldingen.js';
import { recordAudit } from './audit.js';

/**
 * Erasure of reports' personal data after the retention term (docs/retention.md). What is
 * personal is replaced; what statistics need (dates, phase, triage, categories, location, outcome)
 * is kept. Every report is erased once: the register marks it (`personal_data_erased_at`), the
 * audit record is unique by its key, and a batch is one transaction, so a retried batch either
 * finds its reports already marked or starts from scratch.
 */

/** What an erased free text reads afterwards (a visible marker; NOT NULL columns keep a value). */
export const erasedText = '[gewist]';
export const personalDataErasedAction = 'melding.personal_data_erased';
export const erasureAuditKey = (meldingId: string) => `melding:${meldingId}:personal_data_erased`;

/**
 * The keys of a report's timeline details that hold no personal data: ids, phases, kinds, flags.
 * Every other key (free texts such as a reason, a note, a basis, a noFeedbackReason, and whatever
 * a later version adds) is removed: an allow-list, so a new free-text field is erased by default.
 */
export const keptTimelineDetailKeys = [
  'meldingId', 'action', 'phase', 'version', 'triageReasons', 'assigneeId', 'from', 'to', 'channel', 'outboxKey',
  'wasOverdue', 'passedRungs', 'rungId', 'target', 'recipientId', 'previousAssigneeId', 'followUps', 'enforcementCase', 'inspectionId',
] as const;
const kept = new Set<string>(keptTimelineDetailKeys);

/** A follow-up keeps its outcome (kind, where it was forwarded to), not its note. */
export function scrubFollowUps(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.map((f) => {
    if (!f || typeof f !== 'object') return f;
    const { kind, forwardedTo } = f as { kind?: unknown; forwardedTo?: unknown };
    return { kind, ...(forwardedTo !== undefined ? { forwardedTo } : {}) };
  });
}

export function scrubTimelineDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (!kept.has(key)) continue;
    out[key] = key === 'followUps' ? scrubFollowUps(value) : value;
  }
  out.personalDataErased = true;
  return out;
}

export interface ErasureBatchInput {
  /** Reports closed before this instant are due. */
  cutoff: Date;
  limit: number;
  retentionDays: number;
  /** Recorded in the audit: the system (the schedule) or whoever triggered the run. */
  actor: { id: string; role: string; requestId?: string };
  /** The run's workflow id, for the audit record. */
  runId: string;
}

export interface ErasureBatchResult {
  erased: number;
}

/**
 * Erases one batch: the `limit` oldest closed reports before the cutoff that are not erased yet,
 * locked (`skip locked`: two runs at once never take the same report), in one transaction.
 */
export async function eraseExpiredReports(db: Kysely<Database>, input: ErasureBatchInput): Promise<ErasureBatchResult> {
  return db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('meldingen')
      .select(['id', 'dossier_id', 'closed_at', 'follow_ups'])
      .where('closed_at', 'is not', null)
      .where('closed_at', '<', input.cutoff)
      .where('personal_data_erased_at', 'is', null)
      .orderBy('closed_at')
      .orderBy('id')
      .limit(input.limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const report of due) await eraseReport(tx, report, input);
    return { erased: due.length };
  });
}

async function eraseReport(
  tx: Transaction<Database>,
  report: { id: string; dossier_id: string | null; closed_at: Date | null; follow_ups: Record<string, unknown>[] },
  input: ErasureBatchInput,
): Promise<void> {
  // The register row: contact, description, the reporter's address text, the references the
  // reporter's side gave (external reference, Idempotency-Key), the follow-ups' notes.
  await tx
    .updateTable('meldingen')
    .set({
      reporter: null,
      description: erasedText,
      address_text: null,
      external_ref: null,
      idempotency_key: null,
      follow_ups: JSON.stringify(scrubFollowUps(report.follow_ups)),
      personal_data_erased_at: sql<Date>`now()`,
    })
    .where('id', '=', report.id)
    .where('personal_data_erased_at', 'is', null)
    .execute();

  // The dossier timeline's entries of this report (written only once it was linked to a dossier).
  let timelineEntries = 0;
  if (report.dossier_id) {
    const entries = await tx
      .selectFrom('timeline_entries')
      .select(['id', 'details'])
      .where('dossier_id', '=', report.dossier_id)
      .where(sql`details->>'meldingId'`, '=', report.id)
      .execute();
    for (const entry of entries) {
      await tx.updateTable('timeline_entries').set({ details: JSON.stringify(scrubTimelineDetails(entry.details)) }).where('id', '=', entry.id).execute();
    }
    timelineEntries = entries.length;
  }

  // Messages to the reporter (feedback e-mails): address, body (name, message) and any delivery
  // error (which may quote the address). One still queued is not sent any more. Internal alerts
  // to staff name no reporter and stay.
  const outbox = await tx
    .updateTable('outbox_messages')
    .set({
      recipient_address: null,
      body: erasedText,
      last_error: sql<string | null>`case when status = 'queued' then 'Niet verzonden: persoonsgegevens gewist na de bewaartermijn' else null end`,
      status: sql<OutboxMessage['status']>`case when status = 'queued' then 'failed' else status end`,
    })
    .where('subject_type', '=', 'melding')
    .where('subject_id', '=', report.id)
    .where('channel', '<>', 'intern')
    .executeTakeFirst();

  // An incident's error text may quote a value of the report (docs/incidents.md).
  await tx.updateTable('incidents').set({ message: erasedText }).where('workflow_id', '=', `melding:${report.id}`).execute();

  // THAT it happened, once per report; no personal data in the details.
  await recordAudit(tx, {
    actor_id: input.actor.id,
    actor_role: input.actor.role,
    action: personalDataErasedAction,
    subject_type: 'melding',
    subject_id: report.id,
    details: {
      closedAt: report.closed_at?.toISOString() ?? null,
      retentionDays: input.retentionDays,
      cutoff: input.cutoff.toISOString(),
      run: input.runId,
      timelineEntries,
      outboxMessages: Number(outbox.numUpdatedRows),
    },
    request_id: input.actor.requestId ?? null,
    idempotency_key: erasureAuditKey(report.id),
  });
}
