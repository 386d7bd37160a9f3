import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database } from '../db/schema.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  smtpUrl: string;
  from: string;
  intervalMs: number;
  /** Messages handled per round. */
  batchSize?: number;
  log?: (message: string) => void;
}

export interface RunningDispatcher {
  /** One round now (tests, shutdown); resolves with the number of messages sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Sends the outbox's e-mail messages over SMTP. Each message is claimed in a transaction with
 * `for update skip locked`, so several workers never send the same one, and carries a Message-ID
 * derived from its idempotency key: should a crash fall between the SMTP answer and the commit,
 * the message is sent again with the same Message-ID, which mail systems de-duplicate.
 * Addresses that are not e-mail addresses (the parents' and local government's lists, letters) are
 * left for their own channel.
 */
export function startOutboxDispatcher(options: DispatcherOptions): RunningDispatcher {
  const transport = nodemailer.createTransport(options.smtpUrl);
  const domain = options.from.split('@')[1] ?? 'handhaving.local';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = false;

  /** Sends the oldest queued e-mail not tried yet in this round; undefined when there is none. */
  async function sendOne(triedThisRound: string[]): Promise<{ id: string; sent: boolean } | undefined> {
    return options.db.transaction().execute(async (tx) => {
      let query = tx
        .selectFrom('outbox_messages')
        .selectAll()
        .where('status', '=', 'queued')
        .where('channel', '=', 'email')
        .where('recipient_address', 'like', '%@%');
      if (triedThisRound.length > 0) query = query.where('id', 'not in', triedThisRound);
      const message = await query.orderBy('id').limit(1).forUpdate().skipLocked().executeTakeFirst();
      if (!message) return undefined;
      // A formal letter to the organiser by e-mail carries its PDF, the same document as the registered letter's.
      const document = await tx.selectFrom('enforcement_documents').select(['template', 'case_id', 'pdf']).where('communication_key', '=', message.idempotency_key).executeTakeFirst();
      try {
        await transport.sendMail({
          from: options.from,
          to: message.recipient_address!,
          subject: message.subject,
          text: message.body,
          messageId: `<${Buffer.from(message.idempotency_key).toString('base64url')}@${domain}>`,
          ...(document ? { attachments: [{ filename: `${document.template}-${document.case_id}.pdf`, content: Buffer.from(document.pdf), contentType: 'application/pdf' }] } : {}),
        });
        await tx.updateTable('outbox_messages').set({ status: 'sent', sent_at: new Date(), attempts: message.attempts + 1, last_error: null }).where('id', '=', message.id).execute();
        return { id: message.id, sent: true };
      } catch (err) {
        const attempts = message.attempts + 1;
        // Only the server's permanent refusal (SMTP 5xx) may end a message; a server that is away
        // or slow never does: the e-mail waits, however long the outage (docs/reliability.md).
        const code = (err as { responseCode?: number }).responseCode;
        const refused = typeof code === 'number' && code >= 500 && code < 600;
        await tx
          .updateTable('outbox_messages')
          .set({ attempts, last_error: (err as Error).message.slice(0, 500), status: refused && attempts >= 3 ? 'failed' : 'queued' })
          .where('id', '=', message.id)
          .execute();
        return { id: message.id, sent: false };
      }
    });
  }

  /** One pass over the queue: each message at most once, so a failing one waits for the next round. */
  async function round(): Promise<number> {
    const tried: string[] = [];
    let sent = 0;
    while (tried.length < (options.batchSize ?? 50) && !stopped) {
      const result = await sendOne(tried);
      if (!result) break;
      tried.push(result.id);
      if (result.sent) sent += 1;
    }
    return sent;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch((err: unknown) => {
          options.log?.(`outbox dispatcher: ${(err as Error).message}`);
          return 0;
        })
        .finally(schedule);
    }, options.intervalMs);
  }
  schedule();

  return {
    runOnce: () => (running = running.then(round, round)),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
      transport.close();
    },
  };
}

/** The dispatcher when SMTP_URL is configured; without it e-mails stay queued (and say so). */
export function outboxFromConfig(
  config: { smtpUrl: string | undefined; smtpFrom: string; outboxPollMs: number },
  db: Kysely<Database>,
  log: (message: string) => void,
): RunningDispatcher | undefined {
  if (!config.smtpUrl) {
    log('outbox: SMTP_URL is not set; e-mails stay queued in outbox_messages');
    return undefined;
  }
  log(`outbox: sending e-mails every ${config.outboxPollMs} ms as ${config.smtpFrom}`);
  return startOutboxDispatcher({ db, smtpUrl: config.smtpUrl, from: config.smtpFrom, intervalMs: config.outboxPollMs, log });
}
