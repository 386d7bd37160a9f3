import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../../db/repositories/audit.js';
import { enqueueMessage } from '../../../db/repositories/outbox.js';
import { appendTimelineEntry } from '../../../db/repositories/timeline.js';
import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import { render } from '../../../workflows/shared/templates.js';
import type { AppDependencies } from '../../dependencies.js';
import { actorOf } from '../../plugins/auth.js';
import { conflict, notFound } from '../../problems.js';

/**
 * A registered letter's delivery typed in by the case manager (where no electronic channel reports
 * it): the letter's status, the audit record and, when undelivered, a task and a timeline entry,
 * in one transaction.
 */
export async function recordLetterDelivery(deps: Pick<AppDependencies, 'db'>, request: FastifyRequest, row: EnforcementCaseRow, messageId: string, delivered: boolean, trackingReference: string) {
  const letter = await deps.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('id', '=', messageId)
    .where('subject_id', '=', row.id)
    .where('channel', '=', 'aangetekende_brief')
    .executeTakeFirst();
  if (!letter) throw notFound(`Registered letter ${messageId} of case ${row.id}`);
  if (letter.status === 'delivered' || letter.status === 'failed') throw conflict(`The delivery of letter ${letter.id} was already recorded (${letter.status})`);
  const actor = actorOf(request);
  await deps.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('outbox_messages')
      .set({ status: delivered ? 'delivered' : 'failed', last_error: delivered ? null : `niet bezorgd (${trackingReference})`, sent_at: new Date() })
      .where('id', '=', letter.id)
      .where('status', 'not in', ['delivered', 'failed'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw conflict(`The delivery of letter ${letter.id} was already recorded`);
    await recordAudit(tx, {
      actor_id: actor.id,
      actor_role: actor.role,
      action: delivered ? 'handhaving.letter.delivered' : 'handhaving.letter.undelivered',
      subject_type: 'handhaving',
      subject_id: row.id,
      details: { messageId: letter.id, trackingReference },
      request_id: actor.requestId ?? null,
      idempotency_key: `letter-delivery:${letter.id}`,
    });
    if (delivered) return;
    const task = render('brief_niet_bezorgd', { location: row.location_id, letter: letter.subject, tracking: trackingReference });
    await enqueueMessage(tx, {
      idempotency_key: `letter-undelivered:${letter.id}`,
      channel: 'intern',
      recipient_user_id: row.case_manager_id,
      recipient_address: null,
      template: 'brief_niet_bezorgd',
      subject: task.subject,
      body: task.body,
      subject_type: 'handhaving',
      subject_id: row.id,
      last_error: null,
      sent_at: null,
    });
    await appendTimelineEntry(tx, {
      dossier_id: row.dossier_id,
      occurred_at: new Date(),
      kind: 'communicatie',
      title: task.subject,
      details: { caseId: row.id, messageId: letter.id, trackingReference },
      actor_id: actor.id,
      idempotency_key: `letter-undelivered:${letter.id}`,
    });
  });
  return { messageId: letter.id, status: delivered ? 'delivered' : 'failed', trackingReference };
}
