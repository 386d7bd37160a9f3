import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { addDays, localDateOf } from '../../workflows/clock/brussels-time.js';
import type { Smtp } from './system.js';
import { sleep, tokenFor } from './system.js';
import { reportRungs, secondsDeadline } from '../support/deadlines.js';

// The processes a fault check puts in flight, started and driven through the real API exactly as
// the integration tests do (test/integration/*-helpers.ts), and the checks of what they became.

export type Kind = 'rungs' | 'feedback' | 'aanmaning' | 'inspection';

export interface Proc {
  kind: Kind;
  key: string;
  locationId: string;
  teamCoordinator: string;
  caseManager: string;
  /** melding id, case id or inspection id, once the API answered. */
  id?: string;
  /** The API refused or never answered the start: the process was not accepted (not lost). */
  notAccepted?: string;
  /** A later command of the process could not be given (reported; its state is checked anyway). */
  commandFailures: string[];
  /** How long starting and driving it took (ms). */
  driveMs?: number;
}

export interface Mix {
  rungs: number;
  feedback: number;
  aanmaning: number;
  inspection: number;
}

/** Report deadlines of seconds: three rungs (reminder, due, overdue) around a `budgetS` budget. */
export function reportDeadlines(budgetS: number) {
  const step = Math.max(1, Math.round(budgetS / 3)) * 1000;
  return { report_follow_up: secondsDeadline(budgetS * 1000, ...reportRungs(step, step)) };
}

/** Enforcement day terms compressed as in test/integration/handhaving-helpers.ts. */
export const enforcementOverrides = { compressDayMs: 1_500, hearingTermWorkingDays: 2, objectionTermDays: 2, mentesContactWorkingDays: 2, reminderBeforeMs: 500 };

// ----- HTTP against one or more API processes -------------------------------------------------------

export interface CallResult {
  status: number;
  body: Record<string, unknown>;
  contentType: string;
}

export class ApiClient {
  /** Answers 503 seen (each was checked to be problem+json). */
  unavailable = 0;
  /** 503 answers that were NOT problem+json, or 5xx other than 503. */
  badErrors: string[] = [];
  networkErrors = 0;
  private next = 0;
  constructor(public urls: string[]) {}

  /** One request, to the next API process in turn; no retry. */
  async once(method: string, path: string, as: string | undefined, json?: unknown, key?: string, timeoutMs = 35_000): Promise<CallResult> {
    const url = this.urls[this.next++ % this.urls.length]!;
    const headers: Record<string, string> = {};
    if (as) headers.authorization = `Bearer ${tokenFor(as)}`;
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(`${url}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status === 503) {
      this.unavailable += 1;
      if (!contentType.startsWith('application/problem+json') || body.status !== 503) this.badErrors.push(`503 not problem+json on ${method} ${path}: ${contentType} ${text.slice(0, 200)}`);
    } else if (res.status >= 500) {
      this.badErrors.push(`${res.status} on ${method} ${path}: ${text.slice(0, 300)}`);
    }
    return { status: res.status, body, contentType };
  }

  /** Retries network errors and 503 (another API process, later) until `budgetMs` is spent. */
  async call(method: string, path: string, as: string | undefined, json?: unknown, key?: string, budgetMs = 120_000): Promise<CallResult> {
    const deadline = Date.now() + budgetMs;
    let last: CallResult | undefined;
    let lastErr = '';
    while (Date.now() < deadline) {
      try {
        last = await this.once(method, path, as, json, key, Math.min(35_000, Math.max(1_000, deadline - Date.now())));
        if (last.status !== 503) return last;
      } catch (err) {
        this.networkErrors += 1;
        lastErr = (err as Error).message;
      }
      await sleep(1_000);
    }
    if (last) return last;
    throw new Error(`${method} ${path}: no answer within ${budgetMs} ms (${lastErr})`);
  }
}

// ----- choosing locations ----------------------------------------------------------------------

interface Loc {
  locationId: string;
  teamId: string;
  caseManager: string;
}

async function locations(db: Kysely<Database>): Promise<Loc[]> {
  const rows = await db
    .selectFrom('dossiers')
    .select(['location_id', 'team_id', 'case_manager_id'])
    .where('case_manager_id', 'is not', null)
    .where('team_id', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ locationId: r.location_id, teamId: r.team_id!, caseManager: r.case_manager_id! }));
}

/** The processes of a mix; enforcement cases each get their own location (one case per location). */
export async function plan(db: Kysely<Database>, mix: Mix, tag: string): Promise<Proc[]> {
  const locs = await locations(db);
  const needed = mix.aanmaning;
  if (locs.length < needed + 1) throw new Error(`seed too small: ${locs.length} locations for ${needed} enforcement cases`);
  const procs: Proc[] = [];
  let n = 0;
  const make = (kind: Kind, loc: Loc): Proc => ({
    kind,
    key: `faults-${tag}-${kind}-${n++}`,
    locationId: loc.locationId,
    teamCoordinator: `u-tc-${loc.teamId.replace(/^team-/, '')}`,
    caseManager: loc.caseManager,
    commandFailures: [],
  });
  for (let i = 0; i < mix.aanmaning; i++) procs.push(make('aanmaning', locs[i]!));
  const rest = locs.slice(needed);
  for (let i = 0; i < mix.rungs; i++) procs.push(make('rungs', rest[i % rest.length]!));
  for (let i = 0; i < mix.feedback; i++) procs.push(make('feedback', rest[(i * 7) % rest.length]!));
  for (let i = 0; i < mix.inspection; i++) procs.push(make('inspection', rest[(i * 13) % rest.length]!));
  // Interleave the kinds, so every kind is in flight at every moment.
  return procs.sort((a, b) => hash(a.key) - hash(b.key));
}

function hash(s: string) {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

// ----- driving ---------------------------------------------------------------------------------

const intake = (p: Proc) => ({
  source: 'derde',
  channel: 'webformulier',
  reporter: { name: 'Sam Janssens', email: `melder.${p.key}@voorbeeld.test` },
  location: { locationId: p.locationId },
  description: 'De verzorgers reageren niet op vragen van ouders en de ruimte is rommelig.',
  categories: ['kwaliteit_pedagogisch', 'communicatie_ouders'],
});

async function caseAt(api: ApiClient, id: string, as: string, flow: string, block: string | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await api.call('GET', `/handhaving/${id}`, as, undefined, undefined, Math.max(1_000, deadline - Date.now())).catch(() => undefined);
    const live = r?.body.live as { current?: { flow?: string; block?: string } | null } | null | undefined;
    if (live?.current?.flow === flow && (block === undefined || live.current.block === block)) return true;
    await sleep(500);
  }
  return false;
}

/** Starts one process and gives the commands it needs; never throws (failures are recorded). */
export async function drive(api: ApiClient, p: Proc): Promise<void> {
  const t = Date.now();
  try {
    if (p.kind === 'rungs' || p.kind === 'feedback') {
      const r = await api.call('POST', '/meldingen', p.teamCoordinator, intake(p), p.key);
      if (r.status !== 201 && r.status !== 200) return void (p.notAccepted = `POST /meldingen ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      p.id = r.body.id as string;
      if (p.kind === 'feedback') {
        const assignee = (r.body.assigneeId as string | null) ?? p.caseManager;
        const ack = await api.call('POST', `/meldingen/${p.id}/acknowledge`, assignee, {}, `${p.key}-ack`);
        if (ack.status !== 200) p.commandFailures.push(`acknowledge ${ack.status} ${String(ack.body.detail ?? '').slice(0, 150)}`);
        const fb = await api.call('POST', `/meldingen/${p.id}/feedback`, assignee, { channel: 'email', message: `Terugkoppeling ${p.key}` }, `${p.key}-fb`);
        if (fb.status !== 200) p.commandFailures.push(`feedback ${fb.status} ${String(fb.body.detail ?? '').slice(0, 150)}`);
      }
    } else if (p.kind === 'inspection') {
      const r = await api.call('POST', '/inspections', p.teamCoordinator, {
        locationId: p.locationId,
        reason: `Opvolging van tekortkomingen (${p.key})`,
        questions: ['Is de registratie van aanwezigheden volledig?'],
        urgency: 'regulier',
      }, p.key);
      if (r.status !== 201 && r.status !== 200) return void (p.notAccepted = `POST /inspections ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      p.id = r.body.id as string;
    } else {
      // The location's own case manager acts (access may be scoped to the team's dossiers).
      const kb = p.caseManager;
      const r = await api.call('POST', '/handhaving', kb, {
        locationId: p.locationId,
        urgent: false,
        milestone: { kind: 'advies_handhaving', reference: { type: 'inspectieverslag', id: `IV-${p.key}` } },
      }, p.key);
      if (r.status !== 201 && r.status !== 200) return void (p.notAccepted = `POST /handhaving ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      p.id = r.body.id as string;
      if (!(await caseAt(api, p.id, p.teamCoordinator, 'aanmaning', undefined, 120_000))) return void p.commandFailures.push('never reached the aanmaning');
      const remedyBy = addDays(localDateOf(Date.now()), 1);
      const s = await api.call('POST', `/handhaving/${p.id}/shortcomings`, kb, { shortcomings: ['Te weinig begeleiders voor het aantal kinderen', 'Geen brandoefening'], remedyBy }, `${p.key}-sc`);
      if (s.status !== 200) p.commandFailures.push(`shortcomings ${s.status} ${String(s.body.detail ?? '').slice(0, 150)}`);
      const t = await api.call('POST', `/handhaving/${p.id}/talk`, kb, { at: new Date().toISOString(), summary: 'Gesprek met de verantwoordelijke over de tekortkomingen.' }, `${p.key}-talk`);
      if (t.status !== 200) p.commandFailures.push(`talk ${t.status} ${String(t.body.detail ?? '').slice(0, 150)}`);
    }
  } catch (err) {
    if (!p.id) p.notAccepted = `no answer: ${(err as Error).message}`;
    else p.commandFailures.push(`error: ${(err as Error).message}`);
  } finally {
    p.driveMs = Date.now() - t;
  }
}

/** The slowest start per kind (ms): how long a client waited while the fault lasted. */
export function slowestDrive(procs: Proc[]): string {
  const by = new Map<string, number>();
  for (const p of procs) by.set(p.kind, Math.max(by.get(p.kind) ?? 0, p.driveMs ?? 0));
  return [...by].map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Drives all processes, `concurrency` at a time. */
export async function driveAll(api: ApiClient, procs: Proc[], concurrency: number): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < procs.length) {
      const p = procs[i++]!;
      await drive(api, p);
    }
  }));
}

// ----- what each process must become ------------------------------------------------------------

/** Whether the process reached its expected state, read through the API (the live workflow state). */
export async function reached(api: ApiClient, db: Kysely<Database>, p: Proc): Promise<boolean> {
  if (!p.id) return false;
  if (p.kind === 'rungs') {
    const r = await api.once('GET', `/meldingen/${p.id}`, p.teamCoordinator);
    const live = r.body.live as { firedRungs?: string[] } | null;
    return r.status === 200 && r.body.overdue === true && (live?.firedRungs?.length ?? 0) === 3;
  }
  if (p.kind === 'feedback') {
    const r = await api.once('GET', `/meldingen/${p.id}`, p.teamCoordinator);
    const live = r.body.live as { feedback?: { outboxKey: string | null } | null } | null;
    if (r.status !== 200 || r.body.phase !== 'in_behandeling' || !live?.feedback?.outboxKey) return false;
    const row = await db.selectFrom('outbox_messages').select('status').where('idempotency_key', '=', live.feedback.outboxKey).executeTakeFirst();
    return row?.status === 'sent';
  }
  if (p.kind === 'inspection') {
    const r = await api.once('GET', `/inspections/${p.id}`, p.teamCoordinator);
    return r.status === 200 && typeof r.body.modularOrderId === 'string' && r.body.status !== 'aangevraagd';
  }
  const r = await api.once('GET', `/handhaving/${p.id}`, p.teamCoordinator);
  const live = r.body.live as { current?: { flow?: string; communications?: unknown[] } | null } | null;
  if (r.status !== 200 || live?.current?.flow !== 'aanmaning' || (live.current.communications?.length ?? 0) < 4) return false;
  const letters = await db.selectFrom('outbox_messages').select(['status', 'channel', 'recipient_address']).where('subject_id', '=', p.id).where('channel', '!=', 'intern').execute();
  return letters.length === 3 && letters.every((l) => l.channel !== 'email' || !l.recipient_address?.includes('@') || l.status === 'sent');
}

/**
 * Polls every accepted process until all reached their state or the time is up; answers the lost
 * ones. `eachRound` runs before every round (what an operator does meanwhile).
 */
export async function awaitAll(api: ApiClient, db: Kysely<Database>, procs: Proc[], timeoutMs: number, eachRound?: () => Promise<unknown>): Promise<Proc[]> {
  const deadline = Date.now() + timeoutMs;
  let open = procs.filter((p) => p.id);
  while (open.length > 0 && Date.now() < deadline) {
    await eachRound?.();
    const still: Proc[] = [];
    for (let i = 0; i < open.length; i += 10) {
      const batch = open.slice(i, i + 10);
      const ok = await Promise.all(batch.map((p) => reached(api, db, p).catch(() => false)));
      batch.forEach((p, j) => !ok[j] && still.push(p));
    }
    open = still;
    if (open.length > 0) await sleep(2_000);
  }
  return open;
}

// ----- what must not be there twice -------------------------------------------------------------

export interface Duplicates {
  outboxByKey: number;
  outboxBySubjectTemplateRecipient: number;
  smtpByMessageId: number;
  smtpByRecipientSubject: number;
  rungs: number;
  timelineByKey: number;
  modularOrders: number;
  details: string[];
}

export async function duplicates(db: Kysely<Database>, smtp: Smtp | undefined, modularUrl: string | undefined, since: Date): Promise<Duplicates> {
  const details: string[] = [];
  const byKey = await db.selectFrom('outbox_messages').select(['idempotency_key', sql<number>`count(*)::int`.as('n')])
    .where('created_at', '>=', since).groupBy('idempotency_key').having(sql`count(*)`, '>', 1).execute();
  byKey.forEach((r) => details.push(`outbox key ${r.idempotency_key} ×${r.n}`));
  const byStr = await db.selectFrom('outbox_messages')
    .select(['subject_id', 'template', 'channel', sql<string>`coalesce(recipient_user_id, recipient_address, '')`.as('recipient'), sql<number>`count(*)::int`.as('n')])
    .where('created_at', '>=', since)
    // The body too: one case legitimately sends two reminders (same template, same case manager)
    // for two different terms; the same message twice has the same body.
    .groupBy(['subject_id', 'template', 'channel', sql`coalesce(recipient_user_id, recipient_address, '')`, sql`md5(body)`])
    .having(sql`count(*)`, '>', 1).execute();
  byStr.forEach((r) => details.push(`outbox ${r.subject_id}/${r.template}/${r.channel}→${r.recipient} ×${r.n}`));
  const rungs = await db.selectFrom('timeline_entries')
    .select([sql<string>`details->>'meldingId'`.as('melding'), sql<string>`details->>'rungId'`.as('rung'), sql<number>`count(*)::int`.as('n')])
    .where('kind', '=', 'escalatie').where('recorded_at', '>=', since)
    .groupBy([sql`details->>'meldingId'`, sql`details->>'rungId'`]).having(sql`count(*)`, '>', 1).execute();
  rungs.forEach((r) => details.push(`rung ${r.melding}/${r.rung} ×${r.n} on the timeline`));
  const tlKey = await db.selectFrom('timeline_entries').select(['idempotency_key', sql<number>`count(*)::int`.as('n')])
    .where('recorded_at', '>=', since).where('idempotency_key', 'is not', null).groupBy('idempotency_key').having(sql`count(*)`, '>', 1).execute();
  tlKey.forEach((r) => details.push(`timeline key ${r.idempotency_key} ×${r.n}`));
  let smtpById = 0;
  let smtpByRs = 0;
  if (smtp) {
    const ids = new Map<string, number>();
    const rs = new Map<string, number>();
    for (const m of smtp.received) {
      ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
      const k = `${m.to.join(',')}|${m.subject}`;
      rs.set(k, (rs.get(k) ?? 0) + 1);
    }
    for (const [k, n] of ids) if (n > 1) { smtpById += 1; details.push(`SMTP Message-ID ${k} ×${n}`); }
    for (const [k, n] of rs) if (n > 1) { smtpByRs += 1; details.push(`SMTP ${k} ×${n}`); }
  }
  let modular = 0;
  if (modularUrl) {
    const orders = (await (await fetch(`${modularUrl}/_control/orders`)).json()) as { reference: string; orderId: string }[];
    const refs = new Map<string, number>();
    for (const o of orders) refs.set(o.reference, (refs.get(o.reference) ?? 0) + 1);
    for (const [k, n] of refs) if (n > 1) { modular += 1; details.push(`Modular reference ${k}: ${n} orders`); }
  }
  return {
    outboxByKey: byKey.length,
    outboxBySubjectTemplateRecipient: byStr.length,
    smtpByMessageId: smtpById,
    smtpByRecipientSubject: smtpByRs,
    rungs: rungs.length,
    timelineByKey: tlKey.length,
    modularOrders: modular,
    details,
  };
}

export const totalDuplicates = (d: Duplicates) =>
  d.outboxByKey + d.outboxBySubjectTemplateRecipient + d.smtpByMessageId + d.smtpByRecipientSubject + d.rungs + d.timelineByKey + d.modularOrders;

/** Accepted processes whose side effect is still due, straight from the database (cheap, for the moment of a kill). */
export async function pendingNow(db: Kysely<Database>, procs: Proc[]): Promise<number> {
  const started = procs.filter((p) => p.id);
  const meldingIds = started.filter((p) => p.kind === 'rungs').map((p) => p.id!);
  const caseIds = started.filter((p) => p.kind === 'aanmaning').map((p) => p.id!);
  const inspIds = started.filter((p) => p.kind === 'inspection').map((p) => p.id!);
  const feedbackIds = started.filter((p) => p.kind === 'feedback').map((p) => p.id!);
  let done = 0;
  if (meldingIds.length) {
    const r = await db.selectFrom('outbox_messages').select(['subject_id', sql<number>`count(*)::int`.as('n')]).where('subject_id', 'in', meldingIds).where('channel', '=', 'intern').groupBy('subject_id').execute();
    done += r.filter((x) => x.n >= 3).length;
  }
  if (caseIds.length) {
    const r = await db.selectFrom('outbox_messages').select(['subject_id', sql<number>`count(*)::int`.as('n')]).where('subject_id', 'in', caseIds).where('channel', '!=', 'intern').where('status', '=', 'sent').groupBy('subject_id').execute();
    done += r.filter((x) => x.n >= 2).length;
  }
  if (inspIds.length) {
    const r = await db.selectFrom('inspections').select('id').where('id', 'in', inspIds).where('modular_order_id', 'is not', null).execute();
    done += r.length;
  }
  if (feedbackIds.length) {
    const r = await db.selectFrom('outbox_messages').select('subject_id').where('subject_id', 'in', feedbackIds).where('channel', '=', 'email').where('status', '=', 'sent').execute();
    done += r.length;
  }
  return started.length - done;
}
