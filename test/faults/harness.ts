import { outboxIncidentId } from '../../db/repositories/outbox.js';
import type { RunningModularSimulator } from '../../modular/simulator.js';
import { diagnoseLost, openIncidents, raisedIncidents } from './diagnose.js';
import { dupFigures, type CheckResult } from './report.js';
import {
  type ApiProc, type AppEnv, appEnv, type Child, createDatabase, log, sleep, type Smtp, startApi, startModular, startSmtp, startTemporal,
  startWorker, stopChild, temporalClient, type TemporalServer, type TestDatabase,
} from './system.js';
import { type ApiClient, awaitAll, duplicates, enforcementOverrides, type Mix, plan, type Proc, slowestDrive, totalDuplicates } from './workload.js';

// The frame every fault check shares: what it counts, its clean-ups run in reverse whatever
// happens, the stage it starts (a database, Temporal, Modular, SMTP and the application's
// environment), its worker and API processes, and the common counting at the end (lost,
// duplicated, refused) with the figures every check prints.

/** What a check counts as it goes; `runCheck` turns it into the CheckResult. */
export interface Tally extends Pick<CheckResult, 'started' | 'inFlight' | 'lost' | 'duplicated' | 'figures' | 'failures'> {
  /** Registers a clean-up; they run in reverse order when the check ends, failing or not. */
  onCleanup(fn: () => Promise<unknown>): void;
}

export interface CheckHead {
  id: string;
  title: string;
  /** A known gap (docs/reliability.md): its failures are reported and fail the run only with FAULTS_STRICT=1. */
  knownGap?: boolean;
}

export async function runCheck(head: CheckHead, body: (t: Tally) => Promise<void>): Promise<CheckResult> {
  const t0 = Date.now();
  const cleanups: (() => Promise<unknown>)[] = [];
  const t: Tally = { started: 0, inFlight: 0, lost: 0, duplicated: 0, figures: {}, failures: [], onCleanup: (fn) => cleanups.push(fn) };
  try {
    await body(t);
  } catch (err) {
    t.failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  const strict = process.env.FAULTS_STRICT === '1';
  const gap = head.knownGap ? ` — KNOWN GAP${strict ? '' : ', reported, not failing (FAULTS_STRICT=1 fails it)'}` : '';
  const { started, inFlight, lost, duplicated, figures, failures } = t;
  return {
    id: head.id,
    title: `${head.title}${gap}`,
    ok: failures.length === 0 || (head.knownGap === true && !strict),
    started, inFlight, lost, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000),
  };
}

export interface Stage {
  database: TestDatabase;
  temporal: TemporalServer;
  modular?: RunningModularSimulator;
  smtp: Smtp;
  env: Record<string, string>;
  /** The uncertain e-mails the check's operator settled so far (settleUncertain). */
  settled: { resolved: number; retried: number };
}

export interface StageOptions {
  /** The database's label (hh_faults_<run>_<label>). */
  label: string;
  seedScale: number;
  /** Temporal persisted to a file (--db-filename), to be killed and restarted on it. */
  persistTemporal?: boolean;
  /** Without the Modular simulator (MODULAR_URL unset). */
  noModular?: boolean;
  /** The DATABASE_URL the processes get (e.g. through a proxy); the database's own by default. */
  databaseUrl?(database: TestDatabase): Promise<string>;
  /** Environment beyond the defaults (task queue, Modular, SMTP, the compressed enforcement terms). */
  env?: Partial<AppEnv>;
}

/** Starts what the application runs against, each stopped again when the check ends. */
export async function startStage(t: Tally, o: StageOptions): Promise<Stage> {
  const [database, temporal, modular, smtp] = await Promise.all([
    createDatabase(o.label, o.seedScale),
    startTemporal(o.persistTemporal ?? false),
    o.noModular ? undefined : startModular(),
    startSmtp(),
  ]);
  t.onCleanup(() => database.drop());
  t.onCleanup(() => temporal.stop());
  if (modular) t.onCleanup(() => modular.stop());
  t.onCleanup(() => smtp.stop());
  const env = await appEnv({
    databaseUrl: o.databaseUrl ? await o.databaseUrl(database) : database.url,
    temporalAddress: temporal.address,
    taskQueue: 'handhaving-faults',
    modularUrl: modular?.url,
    smtpUrl: smtp.url,
    enforcementOverrides,
    ...o.env,
  });
  return { database, temporal, modular, smtp, env, settled: { resolved: 0, retried: 0 } };
}

/** The application's processes: workers and APIs, the current ones stopped when the check ends (a check may replace them). */
export interface App {
  workers: Child[];
  apis: ApiProc[];
}

export async function startApp(t: Tally, s: Stage, shape: { workers: string[]; apis: string[] } = { workers: ['worker'], apis: ['api'] }): Promise<App> {
  const app: App = {
    workers: await Promise.all(shape.workers.map((name) => startWorker(name, s.env))),
    apis: await Promise.all(shape.apis.map((name) => startApi(name, s.env))),
  };
  t.onCleanup(async () => {
    for (const c of [...app.apis.map((a) => a.child), ...app.workers]) await stopChild(c);
  });
  s.modular?.setCallbackUrl(`${app.apis.at(-1)!.url}/modular/webhook`);
  return app;
}

/** Plans the check's processes on its seeded database (started through the API later); duplicates count from `since`. */
export async function planWorkload(t: Tally, s: Stage, mix: Mix, tag: string): Promise<{ procs: Proc[]; since: Date }> {
  const procs = await plan(s.database.db, mix, tag);
  t.started = procs.length;
  return { procs, since: new Date(Date.now() - 1_000) };
}

export interface Outcome {
  mix: Mix;
  procs: Proc[];
  /** The processes not at their state when the check stopped waiting (awaitAll). */
  open: Proc[];
  since: Date;
  /** The clients whose error answers are judged (every one must be problem+json); the first is the workload's. */
  clients: ApiClient[];
  /** How long to let anything that would be sent twice arrive before counting (3 s). */
  settleMs?: number;
}

/**
 * The common end of a check: counts what was lost and what happened twice at the far ends, and
 * adds the figures and failures every check reports. `extra` figures come first.
 */
export async function countOutcome(t: Tally, s: Stage, o: Outcome, extra: Record<string, string | number> = {}): Promise<void> {
  const [client] = o.clients;
  // E-mails a kill left uncertain are not lost and not sent twice: the operator settles them.
  const late = client ? await settleUncertain(s, client) : 0;
  const open = late > 0 && client ? await awaitAll(client, s.database.db, o.open, 60_000) : o.open;
  const { settled } = s;
  t.lost = open.length;
  // Let anything that would be sent twice arrive before counting.
  await sleep(o.settleMs ?? 3_000);
  const dups = await duplicates(s.database.db, s.smtp, s.modular?.url, o.since);
  t.duplicated = totalDuplicates(dups);
  const stillOpen = await openIncidents(s.database.db, o.since);
  const notAccepted = o.procs.filter((p) => p.notAccepted);
  const commandFailures = o.procs.filter((p) => p.commandFailures.length > 0);
  Object.assign(t.figures, {
    'processes by kind': JSON.stringify(o.mix),
    ...extra,
    'e-mails flagged uncertain (incident; operator resolved as received / retried as not received)': `${settled.resolved + settled.retried} (${settled.resolved} / ${settled.retried})`,
    'accepted by the API': o.procs.filter((p) => p.id).length,
    'not accepted (refused/no answer)': notAccepted.length,
    'commands that needed a retry or failed': commandFailures.length,
    'API 503 answers to the workload (all problem+json, retried)': client?.unavailable ?? 0,
    'slowest start per kind (ms)': slowestDrive(o.procs),
    'e-mails at the SMTP server': s.smtp.received.length,
    'incidents still open at the end': stillOpen.length ? `${stillOpen.length}: ${stillOpen.slice(0, 3).join(' | ')}` : 0,
    'incidents raised during the check (kind, step, status)': await raisedIncidents(s.database.db, o.since),
    ...dupFigures(dups),
  });
  for (const p of notAccepted) {
    const row = p.kind === 'aanmaning' ? await s.database.db.selectFrom('enforcement_cases').select('id').where('location_id', '=', p.locationId).executeTakeFirst() : undefined;
    if (row) p.notAccepted += ` (the case ${row.id} exists: the client never got an answer)`;
  }
  if (notAccepted.length) t.failures.push(`${notAccepted.length} not accepted, e.g. ${notAccepted[0]!.notAccepted}`);
  if (commandFailures.length) t.failures.push(`${commandFailures.length} with failed commands, e.g. ${commandFailures[0]!.key}: ${commandFailures[0]!.commandFailures.join('; ')}`);
  if (t.lost) {
    t.failures.push(`${t.lost} lost (did not reach their state within the check): ${open.slice(0, 5).map((p) => `${p.kind} ${p.id}`).join(', ')}`);
    const temporal = temporalClient(s.temporal.address);
    try {
      for (const line of await diagnoseLost(temporal, s.database.db, open)) t.failures.push(`  waiting: ${line}`);
    } finally {
      await temporal.connection.close();
    }
  }
  if (t.duplicated) t.failures.push(`duplicates: ${dups.details.slice(0, 8).join('; ')}`);
  const badErrors = o.clients.flatMap((c) => c.badErrors);
  if (badErrors.length) t.failures.push(`bad error answers: ${badErrors.slice(0, 3).join(' | ')}`);
}

/** Waits until `procs` has half (or `share`) of its processes started, bounded; then a random 0–`jitterMs`. */
export async function whenStarted(procs: Proc[], share: number, jitterMs: number, timeoutMs = 120_000): Promise<void> {
  const by = Date.now() + timeoutMs;
  while (procs.filter((p) => p.driveMs !== undefined).length < share * procs.length && Date.now() < by) await sleep(250);
  await sleep(Math.random() * jitterMs);
}

/**
 * What an operator does with the outbox's incidents (docs/reliability.md, "An e-mail whose
 * delivery is uncertain"): looks in the SMTP server's log for the e-mail's Message-ID; resolves the
 * incident when the server has it (the e-mail counts as sent), retries it when it has not. Counted
 * in the stage's `settled`; answers how many it settled now.
 */
export async function settleUncertain(s: Stage, client: ApiClient): Promise<number> {
  const rows = await s.database.db.selectFrom('outbox_messages').select(['id', 'idempotency_key']).where('status', '=', 'uncertain').execute();
  const atServer = new Set(s.smtp.received.map((m) => m.messageId.replace(/^<|@.*$/g, '')));
  let now = 0;
  for (const row of rows) {
    const has = atServer.has(Buffer.from(row.idempotency_key).toString('base64url'));
    const r = await client.call('POST', `/incidents/${outboxIncidentId(row.id)}/${has ? 'resolve' : 'retry'}`, 'u-admin', {});
    if (r.status === 200 || r.status === 202) {
      s.settled[has ? 'resolved' : 'retried'] += 1;
      now += 1;
    }
  }
  return now;
}

/**
 * Waits for every accepted process to reach its state, the operator settling uncertain e-mails
 * as they are flagged: a process whose e-mail a kill left uncertain reaches its state only then.
 */
export function awaitProcesses(s: Stage, client: ApiClient, procs: Proc[], timeoutMs: number): Promise<Proc[]> {
  return awaitAll(client, s.database.db, procs, timeoutMs, () => settleUncertain(s, client));
}
