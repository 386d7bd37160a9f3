import { sql } from 'kysely';
import { awaitProcesses, countOutcome, planWorkload, runCheck, startApp, startStage } from './harness.js';
import type { CheckResult } from './report.js';
import { log, sleep } from './system.js';
import { ApiClient, driveAll, type Mix, reportDeadlines } from './workload.js';

export interface SmtpAwayOptions {
  mix: Mix;
  /** How long the SMTP server refuses connections. */
  downMs: number;
  /** OUTBOX_POLL_MS of the worker. */
  pollMs: number;
  concurrency: number;
  seedScale: number;
  /** Check 5b: an outage that outlasts many polls (once a known gap: e-mails were given up after 10 rounds). */
  long?: boolean;
}

/**
 * Check 5: the SMTP server is away (its port refuses connections) while processes queue e-mails
 * (reports' feedback to the reporter, aanmaning e-mails); when it returns every queued e-mail is
 * sent, each once (counted at the server by Message-ID and by recipient+subject).
 */
export function smtpAwayCheck(o: SmtpAwayOptions): Promise<CheckResult> {
  const id = o.long ? '5b' : '5';
  const title = o.long
    ? `SMTP away for ${Math.round(o.downMs / o.pollMs)} polls (${Math.round(o.downMs / 1000)} s at OUTBOX_POLL_MS=${o.pollMs}): nothing given up, each sent once`
    : `SMTP away ${Math.round(o.downMs / 1000)} s: queued e-mails sent once each when it returns`;
  return runCheck({ id, title }, async (t) => {
    const stage = await startStage(t, { label: o.long ? 'smtp5b' : 'smtp', seedScale: o.seedScale, env: { deadlineOverrides: reportDeadlines(3_600), outboxPollMs: o.pollMs } });
    const { database, smtp } = stage;
    const app = await startApp(t, stage);
    const client = new ApiClient([app.apis[0]!.url]);
    const { procs, since } = await planWorkload(t, stage, o.mix, 'smtp');
    await smtp.down();
    const downAt = Date.now();
    log(`check ${id}: SMTP down; driving ${procs.length} processes that queue e-mails (poll ${o.pollMs} ms, outage ${o.downMs} ms)`);
    // The server returns after downMs, whether or not every process has been started by then.
    const driving = driveAll(client, procs, o.concurrency);
    await sleep(o.downMs);
    const queuedBeforeUp = await database.db.selectFrom('outbox_messages').select(sql<number>`count(*)::int`.as('n'))
      .where('channel', '=', 'email').where('recipient_address', 'like', '%@%').where('status', 'in', ['queued', 'failed']).executeTakeFirstOrThrow();
    t.inFlight = queuedBeforeUp.n;
    const during = await database.db.selectFrom('outbox_messages').select(['status', sql<number>`count(*)::int`.as('n'), sql<number>`max(attempts)::int`.as('maxAttempts')])
      .where('channel', '=', 'email').where('recipient_address', 'like', '%@%').groupBy('status').execute();
    const receivedWhileDown = smtp.received.length;
    await smtp.up();
    log(`check ${id}: SMTP back after ${Math.round((Date.now() - downAt) / 1000)} s; ${t.inFlight} e-mails were queued`);
    await driving;
    const open = await awaitProcesses(stage, client, procs, 90_000);
    await countOutcome(t, stage, { mix: o.mix, procs, open, since, clients: [client], settleMs: Math.max(2_000, o.pollMs * 2) }, {
      'SMTP down (s) / OUTBOX_POLL_MS': `${Math.round(o.downMs / 1000)} / ${o.pollMs}`,
      'e-mails queued when SMTP returned': t.inFlight,
      'outbox e-mails by status at the end of the outage (max attempts)': during.map((d) => `${d.status} ${d.n} (${d.maxAttempts})`).join(', '),
      'received while down': receivedWhileDown,
    });
    const rows = await database.db.selectFrom('outbox_messages').select(['idempotency_key', 'status', 'attempts', 'recipient_address', 'subject'])
      .where('channel', '=', 'email').where('recipient_address', 'like', '%@%').execute();
    const notSent = rows.filter((r) => r.status !== 'sent');
    // The dispatcher's Message-ID is derived from the idempotency key (platform/outbox-dispatcher.ts).
    const ids = new Set(smtp.received.map((m) => m.messageId.replace(/^<|@.*$/g, '')));
    const missingAtServer = rows.filter((r) => !ids.has(Buffer.from(r.idempotency_key).toString('base64url'))).length;
    Object.assign(t.figures, {
      'e-mail rows / sent / not sent': `${rows.length} / ${rows.length - notSent.length} / ${notSent.length}`,
      'not sent by status': [...new Set(notSent.map((r) => r.status))].map((s) => `${s} ${notSent.filter((r) => r.status === s).length}`).join(', ') || '-',
      'outbox e-mails missing at the server': missingAtServer,
    });
    if (receivedWhileDown > 0) t.failures.push(`${receivedWhileDown} received while the server was down`);
    if (notSent.length) t.failures.push(`${notSent.length} e-mails never sent after SMTP returned (status ${[...new Set(notSent.map((r) => `${r.status}/attempts ${r.attempts}`))].slice(0, 3).join(', ')})`);
    if (missingAtServer) t.failures.push(`${missingAtServer} e-mails missing at the SMTP server`);
    t.lost = Math.max(t.lost, notSent.length);
  });
}
