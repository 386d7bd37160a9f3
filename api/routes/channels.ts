import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { enqueueMessage } from '../../db/repositories/outbox.js';
import { appendTimelineEntry } from '../../db/repositories/timeline.js';
import { render } from '../../workflows/shared/templates.js';
import { channelHeaders, type ChannelWebhookSettings, verifyChannelCallback } from '../../channels/signature.js';
import { letterOutcomeSignal, type LetterOutcome } from '../../workflows/enforcement/definitions.js';
import type { AppDependencies } from '../dependencies.js';
import { HttpProblem, problemTypes, unavailable } from '../problems.js';
import { problemRef } from '../schemas/common.js';
import { isWorkflowGone } from '../temporal-errors.js';
import { keepRawJsonBody, signatureRefused } from './signed-webhook.js';

declare module '../dependencies.js' {
  interface AppDependencies {
    /** The shared secret and window of the sending channels' callbacks (issue 13); absent: they answer 503. */
    channelWebhook?: ChannelWebhookSettings;
  }
}

interface CallbackBody {
  deliveryId: string;
  ref: string;
  event: string;
  occurredAt: string;
  data: { presentedOn?: string | null; deliveredOn?: string | null; returnedOn?: string | null; readOn?: string | null; reason?: string };
}

const callbackBody = {
  type: 'object',
  required: ['deliveryId', 'ref', 'event', 'data'],
  properties: {
    deliveryId: { type: 'string', minLength: 1, maxLength: 100 },
    ref: { type: 'string', minLength: 1, maxLength: 100 },
    event: { type: 'string', enum: ['aangeboden', 'bezorgd', 'niet_afgehaald', 'teruggestuurd', 'gelezen'] },
    occurredAt: { type: 'string' },
    data: { type: 'object' },
  },
} as const;

const refused = signatureRefused(channelHeaders, 'callback');

/**
 * Callbacks of the sending channels (docs/letters.md): the registered-mail provider reports a
 * letter offered, delivered, not collected or returned; the e-Box a message read. No bearer token:
 * each callback is signed with CHANNEL_WEBHOOK_SECRET over `<timestamp>.<raw body>` and must be
 * recent; a delivery id seen before is acknowledged and ignored. A letter not collected starts
 * the legal fallback (a task for the case manager; the term counts from the presentation date,
 * an assumption); a returned letter raises a task to deliver it again.
 */
export default async function channelWebhookRoutes(app: FastifyInstance, deps: AppDependencies) {
  keepRawJsonBody(app);

  for (const channel of ['registered-mail', 'ebox'] as const) {
    const dbChannel = channel === 'registered-mail' ? 'aangetekende_brief' : 'ebox';
    app.post<{ Body: CallbackBody }>(`/channels/${channel}/webhook`, {
      config: { public: true },
      preValidation: async (request) => {
        const settings = deps.channelWebhook;
        if (!settings) throw unavailable('The channel callbacks are not configured (CHANNEL_WEBHOOK_SECRET)');
        const verdict = verifyChannelCallback({
          secret: settings.secret,
          timestamp: request.headers[channelHeaders.timestamp] as string | undefined,
          signature: request.headers[channelHeaders.signature] as string | undefined,
          rawBody: request.rawBody ?? '',
          now: Date.now(),
          toleranceMs: settings.toleranceMs,
        });
        if (!verdict.ok) throw refused(verdict.reason);
      },
      schema: {
        tags: ['kanalen'],
        summary: channel === 'registered-mail' ? 'Callback of the registered-mail provider: offered, delivered, not collected, returned' : 'Callback of the e-Box: a message was read',
        description: `Machine-to-machine, no bearer token: \`${channelHeaders.signature}: v1=<hex HMAC-SHA256 of "<${channelHeaders.timestamp}>.<raw body>">\` with CHANNEL_WEBHOOK_SECRET. A delivery id seen before answers 200 with duplicate: true.`,
        body: callbackBody,
        response: {
          200: { type: 'object', properties: { accepted: { type: 'boolean' }, duplicate: { type: 'boolean' }, status: { type: 'string' } } },
          400: problemRef, 401: problemRef, 404: problemRef, 503: problemRef,
        },
      },
    }, async (request) => {
      const cb = request.body;
      const dispatch = await deps.db.selectFrom('channel_dispatches').selectAll().where('channel', '=', dbChannel).where('provider_ref', '=', cb.ref).executeTakeFirst();
      if (!dispatch) throw new HttpProblem(404, problemTypes.notFound, 'Not Found', `No letter with reference ${cb.ref} was sent through ${channel}`);
      const fresh = await deps.db.insertInto('channel_webhook_deliveries').values({ delivery_id: cb.deliveryId, channel: dbChannel, provider_ref: cb.ref, event: cb.event }).onConflict((oc) => oc.column('delivery_id').doNothing()).returning('delivery_id').executeTakeFirst();
      if (!fresh) return { accepted: true, duplicate: true, status: dispatch.status };
      if (cb.event === 'aangeboden') return { accepted: true, duplicate: false, status: dispatch.status };

      const d = cb.data ?? {};
      const presentedOn = d.presentedOn ?? dispatch.presented_on;
      const status = cb.event === 'gelezen' ? 'bezorgd' : (cb.event as 'bezorgd' | 'niet_afgehaald' | 'teruggestuurd');
      // ASSUMPTION (docs/letters.md): a registered letter counts as notified on the day it was delivered; not
      // collected, on the day it was presented; the term counts from that day. Returned: not notified.
      const termFrom = status === 'bezorgd' ? (d.deliveredOn ?? d.readOn ?? null) : status === 'niet_afgehaald' ? presentedOn : null;
      const outbox = await deps.db.selectFrom('outbox_messages').select(['id', 'subject']).where('idempotency_key', '=', dispatch.communication_key).executeTakeFirst();
      const caseRow = await deps.db.selectFrom('enforcement_cases').select(['case_manager_id', 'location_id', 'team_id']).where('id', '=', dispatch.case_id).executeTakeFirst();
      await deps.db.transaction().execute(async (tx) => {
        await tx.updateTable('channel_dispatches').set({ status, presented_on: presentedOn ?? null, delivered_on: d.deliveredOn ?? d.readOn ?? null, term_from: termFrom, updated_at: new Date() }).where('key', '=', dispatch.key).execute();
        if (outbox && status !== 'niet_afgehaald') {
          await tx.updateTable('outbox_messages').set({ status: status === 'bezorgd' ? 'delivered' : 'failed', last_error: status === 'teruggestuurd' ? `teruggestuurd (${cb.ref}): ${d.reason ?? ''}` : null }).where('id', '=', outbox.id).execute();
        }
        await recordAudit(tx, {
          actor_id: 'kanaal', actor_role: 'systeem', action: `handhaving.letter.${status}`, subject_type: 'handhaving', subject_id: dispatch.case_id,
          details: { channel: dbChannel, providerRef: cb.ref, deliveryId: cb.deliveryId, presentedOn, deliveredOn: d.deliveredOn ?? null, termFrom },
          request_id: request.id, idempotency_key: `channel-callback:${cb.deliveryId}`,
        });
        const letter = outbox?.subject ?? dispatch.communication_key;
        const location = caseRow?.location_id ?? dispatch.case_id;
        const task = status === 'niet_afgehaald'
          ? { template: 'brief_niet_afgehaald' as const, message: render('brief_niet_afgehaald', { location, letter, tracking: cb.ref, presentedOn: presentedOn ?? '?', termFrom: termFrom ?? '?' }) }
          : status === 'teruggestuurd'
            ? { template: 'brief_niet_bezorgd' as const, message: render('brief_niet_bezorgd', { location, letter, tracking: cb.ref }) }
            : undefined;
        await appendTimelineEntry(tx, {
          dossier_id: dispatch.dossier_id, occurred_at: new Date(), kind: 'communicatie',
          title: task ? task.message.subject : `Aangetekende brief bezorgd: ${letter}`,
          details: { caseId: dispatch.case_id, channel: dbChannel, providerRef: cb.ref, status, presentedOn, termFrom },
          actor_id: null, idempotency_key: `channel-callback:${cb.deliveryId}`,
        });
        if (task) {
          await enqueueMessage(tx, {
            idempotency_key: `letter-${status}:${dispatch.key}`, channel: 'intern', recipient_user_id: caseRow?.case_manager_id ?? null, recipient_address: null,
            template: task.template, subject: task.message.subject, body: task.message.body, subject_type: 'handhaving', subject_id: dispatch.case_id, last_error: null, sent_at: null,
          });
        }
      });
      const outcome: LetterOutcome = { key: dispatch.communication_key, status: cb.event as LetterOutcome['status'], presentedOn, deliveredOn: d.deliveredOn ?? d.readOn ?? null, termFrom };
      await deps.temporal.workflow.getHandle(dispatch.step_workflow_id).signal(letterOutcomeSignal, outcome).catch((err: unknown) => {
        if (!isWorkflowGone(err)) throw err;
      });
      return { accepted: true, duplicate: false, status };
    });
  }
}
