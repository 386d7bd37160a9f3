import { type Kysely, sql } from 'kysely';
import nodemailer from 'nodemailer';
import { createIncidentActivities } from '../activities/incidents.js';
import { resolveIncident } from '../db/repositories/incidents.js';
import { outboxIncidentId, outboxIncidentSubject, outboxIncidentWorkflowType } from '../db/repositories/outbox.js';
import type { Database } from '../db/schema.js';
import type { OutboxMessage } from '../db/tables/meldingen.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  smtpUrl: string;
  from: string;
  intervalMs: number;
  /** Messages handled per round. */
  batchSize?: number;
  log?: (message: string) => void;
  /** SMTP time-outs (ms): connecting and the greeting (10 s), silence within the conversation (60 s). */
  timeouts?: { connectMs?: number; socketMs?: number };
}

export interface RunningDispatcher {
  /** One round now (tests, shutdown); resolves with the number of messages sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** SMTP 5xx this often in a row: the message is `failed` (and an incident says so). */
const refusalsBeforeFailed = 3;

/**
 * The advisory lock a sender holds on its session for as long as a message is `sending` (two
 * 32-bit keys: this space and the row's id), and the id of the incident of a message, in SQL.
 */
const lockKeys = (id: string) => sql`hashtext('outbox_messages.sending'), (${id}::bigint % 2147483647)::int`;
const incidentIdSql = sql`md5('outbox-message:' || m.id)::uuid`;

/** The team and dossier of the report or case an e-mail is about: whose coordinator hears of its incident. */
async function placeOf(db: Kysely<Database>, m: OutboxMessage): Promise<{ teamId: string | null; dossierId: string | null }> {
  const row = m.subject_type === 'melding'
    ? await db.selectFrom('meldingen').select(['team_id', 'dossier_id']).where('id', '=', m.subject_id).executeTakeFirst()
    : m.subject_type === 'handhaving'
      ? await db.selectFrom('enforcement_cases').select(['team_id', 'dossier_id']).where('id', '=', m.subject_id).executeTakeFirst()
      : undefined;
  return { teamId: row?.team_id ?? null, dossierId: row?.dossier_id ?? null };
}

/** The promise, or a rejection (no SMTP answer: `uncertain`) when it takes longer than `ms`. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from the SMTP server within ${ms} ms`), { code: 'ENOANSWER' })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** What an SMTP failure says about the message: not sent (try again), refused (5xx), or unknown. */
type Failure = 'not-sent' | 'refused' | 'uncertain';

function classify(err: unknown): Failure {
  const e = err as { responseCode?: number; syscall?: string; code?: string; message?: string };
  // The server answered: it did not take the message (4xx for now, 5xx for good).
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'refused' : 'not-sent';
  // The conversation never began: refused or unreachable, no greeting.
  if (e.syscall === 'connect' || e.syscall === 'getaddrinfo' || e.code === 'EDNS' || /Greeting never received|Connection timeout/.test(e.message ?? '')) return 'not-sent';
  // The connection broke or fell silent after it began: the server may have taken the message.
  return 'uncertain';
}

/**
 * Sends the outbox's e-mail messages over SMTP, never one twice and never one lost without a
 * person knowing (docs/reliability.md, "An e-mail whose delivery is uncertain"):
 *
 * 1. The sender takes a session-level advisory lock on the message, then commits `sending` (with
 *    `sending_at` and the attempt) BEFORE it speaks to the SMTP server.
 * 2. After the server's 250 it commits `sent` (retrying that commit while the database is away),
 *    then lets go of the lock.
 * 3. A message found `sending` whose lock is free has lost its sender (a worker killed between the
 *    250 and the commit, or before the 250: SMTP cannot tell us which) and becomes `uncertain`:
 *    it is NOT sent again on its own; one incident asks a person, whose retry sends it again and
 *    whose resolve marks it sent. The lock, not a lease, says whether the sender lives: PostgreSQL
 *    drops it the moment the sender's session ends, and never while it lives, however slow SMTP is.
 *
 * Each message carries a Message-ID derived from its idempotency key. Addresses that are not
 * e-mail addresses (the parents' and local government's lists, letters) are left for their own
 * channel. An SMTP server that is away never ends a message; only a permanent refusal (5xx,
 * three times) does, and that raises an incident too.
 */
export function startOutboxDispatcher(options: DispatcherOptions): RunningDispatcher {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: options.timeouts?.connectMs ?? 10_000,
    greetingTimeout: options.timeouts?.connectMs ?? 10_000,
    socketTimeout: options.timeouts?.socketMs ?? 60_000,
  });
  const domain = options.from.split('@')[1] ?? 'handhaving.local';
  // However the conversation hangs, the sender stops waiting: the message is then `uncertain`.
  const hardLimitMs = (options.timeouts?.socketMs ?? 60_000) + 30_000;
  const incidents = (db: Kysely<Database>) => createIncidentActivities(db);
  /** Messages this dispatcher is sending now (on an embedded database every lock is one session's). */
  const sending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = false;

  /** One incident per message, raised in the transaction that marks it (so neither is without the other). */
  async function raise(tx: Kysely<Database>, m: OutboxMessage, failure: 'uncertain' | 'refused', detail: string) {
    const uncertain = failure === 'uncertain';
    await incidents(tx).raiseIncident({
      incidentId: outboxIncidentId(m.id),
      workflowId: outboxIncidentSubject(m.id),
      runId: m.idempotency_key,
      workflowType: outboxIncidentWorkflowType,
      activityType: 'sendEmail',
      kind: 'technisch',
      errorType: uncertain ? 'DeliveryUncertain' : 'DeliveryRefused',
      message: uncertain
        ? `E-mail ${m.id} ("${m.subject}", ${m.template}): the sender stopped during the SMTP conversation (${detail}); the server may or may not have received it. ` +
          'It is not sent again on its own. Ask the recipient or the mail server\'s log: retry sends it again, resolve marks it sent.'
        : `E-mail ${m.id} ("${m.subject}", ${m.template}) was refused by the SMTP server ${m.attempts} times (${detail}). Retry sends it again; resolve leaves it unsent.`,
      attempts: m.attempts,
      ...(await placeOf(tx, m)),
      alert: {
        subject: uncertain ? `Incident: verzending van e-mail ${m.id} onzeker` : `Incident: e-mail ${m.id} geweigerd`,
        body: uncertain
          ? `Van de e-mail "${m.subject}" (${m.template}) is niet zeker of de mailserver hem ontving. Hij wordt niet vanzelf opnieuw verstuurd: een beheerder kiest opnieuw versturen of afhandelen (incident ${outboxIncidentId(m.id)}).`
          : `De mailserver weigerde de e-mail "${m.subject}" (${m.template}) ${m.attempts} keer. Een beheerder kiest opnieuw versturen of afhandelen (incident ${outboxIncidentId(m.id)}).`,
        timelineTitle: uncertain ? 'Incident: verzending van een e-mail onzeker' : 'Incident: e-mail geweigerd',
      },
    });
  }

  /**
   * Messages left `sending` by a sender that is gone become `uncertain` with their incident; an
   * `uncertain` or `failed` one without its incident (a crash between the two) gets it.
   */
  async function sweep(): Promise<void> {
    const rows = await options.db
      .selectFrom('outbox_messages as m')
      .leftJoin('incidents as i', (j) => j.on(sql`i.id`, '=', incidentIdSql))
      .selectAll('m')
      .where('m.channel', '=', 'email')
      .where((eb) => eb.or([eb('m.status', '=', 'sending'), eb.and([eb('m.status', 'in', ['uncertain', 'failed']), eb('i.id', 'is', null)])]))
      .orderBy('m.id')
      .limit(100)
      .execute();
    for (const row of rows) {
      if (sending.has(row.id)) continue;
      await options.db.connection().execute(async (conn) => {
        const { rows: [lock] } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKeys(row.id)}) as ok`.execute(conn);
        if (!lock?.ok) return; // its sender lives
        try {
          await conn.transaction().execute(async (tx) => {
            if (row.status === 'sending') {
              const m = await tx.updateTable('outbox_messages').set({ status: 'uncertain', last_error: 'the sender stopped between sending and recording the outcome' })
                .where('id', '=', row.id).where('status', '=', 'sending').returningAll().executeTakeFirst();
              if (m) await raise(tx, m, 'uncertain', `found sending since ${row.sending_at?.toISOString() ?? '?'} without its sender`);
            } else {
              await raise(tx, row, row.status === 'uncertain' ? 'uncertain' : 'refused', row.last_error ?? 'no error recorded');
            }
          });
          options.log?.(`outbox: e-mail ${row.id} ${row.status === 'sending' ? 'left sending by a sender that is gone: uncertain, incident raised' : `${row.status}: incident raised`}`);
        } finally {
          await sql`select pg_advisory_unlock(${lockKeys(row.id)})`.execute(conn).catch(() => undefined);
        }
      });
    }
  }

  /**
   * Records the outcome of an attempt on the row this sender claimed (same attempt, still
   * `sending`, or `uncertain` when a sweep took it for lost). The outcome is known only here, so
   * it is tried again, bounded (2 minutes), while the database is away; should that not do, the
   * row stays `sending` and a later sweep makes it `uncertain`.
   */
  async function record(conn: Kysely<Database>, m: OutboxMessage, change: (tx: Kysely<Database>) => Promise<void>): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (let wait = 250, db = conn; ; wait = Math.min(wait * 2, 5_000), db = options.db) {
      try {
        await db.transaction().execute(change);
        return;
      } catch (err) {
        if (Date.now() > deadline || stopped) throw err;
        options.log?.(`outbox: recording e-mail ${m.id} failed (${(err as Error).message}); trying again`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Claims, sends and records one message, holding its lock on `conn` throughout. */
  async function attempt(conn: Kysely<Database>, id: string): Promise<boolean> {
    const now = new Date();
    const m = await conn.updateTable('outbox_messages')
      .set({ status: 'sending', sending_at: now, attempts: sql<number>`attempts + 1` })
      .where('id', '=', id).where('status', '=', 'queued')
      .returningAll().executeTakeFirst();
    if (!m) return false;
    const mine = (tx: Kysely<Database>) => tx.updateTable('outbox_messages').where('id', '=', m.id).where('attempts', '=', m.attempts).where('status', 'in', ['sending', 'uncertain']);
    // A formal letter to the organiser by e-mail carries its PDF, the same document as the registered letter's.
    const document = await conn.selectFrom('enforcement_documents').select(['template', 'case_id', 'pdf']).where('communication_key', '=', m.idempotency_key).executeTakeFirst();
    try {
      await within(hardLimitMs, transport.sendMail({
        from: options.from,
        to: m.recipient_address!,
        subject: m.subject,
        text: m.body,
        messageId: `<${Buffer.from(m.idempotency_key).toString('base64url')}@${domain}>`,
        ...(document ? { attachments: [{ filename: `${document.template}-${document.case_id}.pdf`, content: Buffer.from(document.pdf), contentType: 'application/pdf' }] } : {}),
      }));
    } catch (err) {
      const failure = classify(err);
      const error = (err as Error).message.slice(0, 500);
      const failed = failure === 'refused' && m.attempts >= refusalsBeforeFailed;
      await record(conn, m, async (tx) => {
        const status = failure === 'uncertain' ? 'uncertain' : failed ? 'failed' : 'queued';
        const row = await mine(tx).set({ status, last_error: error }).returningAll().executeTakeFirst();
        if (row && (failure === 'uncertain' || failed)) await raise(tx, row, failure === 'uncertain' ? 'uncertain' : 'refused', error);
      });
      return false;
    }
    await record(conn, m, async (tx) => {
      await mine(tx).set({ status: 'sent', sent_at: new Date(), last_error: null }).execute();
      // Sent after all (a retry an operator asked for, or a sweep that was too quick): its incident is over.
      if (m.attempts > 1) await resolveIncident(tx, outboxIncidentId(m.id));
    });
    return true;
  }

  /** Sends the oldest queued e-mail not tried yet in this round; undefined when there is none. */
  async function sendOne(triedThisRound: string[]): Promise<{ id: string; sent: boolean } | undefined> {
    let query = options.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('status', '=', 'queued')
      .where('channel', '=', 'email')
      .where('recipient_address', 'like', '%@%');
    if (triedThisRound.length > 0) query = query.where('id', 'not in', triedThisRound);
    const next = await query.orderBy('id').limit(1).executeTakeFirst();
    if (!next) return undefined;
    const id = next.id;
    return options.db.connection().execute(async (conn) => {
      const { rows: [lock] } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKeys(id)}) as ok`.execute(conn);
      if (!lock?.ok) return { id, sent: false }; // another sender has it
      sending.add(id);
      try {
        return { id, sent: await attempt(conn, id) };
      } finally {
        sending.delete(id);
        await sql`select pg_advisory_unlock(${lockKeys(id)})`.execute(conn).catch(() => undefined);
      }
    });
  }

  /** One pass: the sweep, then the queue, each message at most once, so a failing one waits for the next round. */
  async function round(): Promise<number> {
    await sweep().catch((err: unknown) => options.log?.(`outbox: sweep: ${(err as Error).message}`));
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

  /** Rounds run one after the other, whether the timer or runOnce asks. */
  const next = () => (running = running.then(round, round));

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      next()
        .catch((err: unknown) => {
          options.log?.(`outbox dispatcher: ${(err as Error).message}`);
          return 0;
        })
        .finally(schedule);
    }, options.intervalMs);
  }
  schedule();

  return {
    runOnce: next,
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
