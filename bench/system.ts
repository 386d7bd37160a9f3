/**
 * The system under measurement, as production runs it but in one process: a Temporal dev server
 * (in memory, on a free port of 127.0.0.1), a scratch PostgreSQL database (or PGlite in a temporary
 * folder), the real migrations and the synthetic Flanders, a worker with the payload codec and the
 * API listening on 127.0.0.1. Everything it makes it removes again in `stop()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, Connection, Client as TemporalClient } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkerStatus } from '@temporalio/worker';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { connectDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { seedFlanders } from '../db/seed/index.js';
import { loadConfig } from '../platform/config.js';
import { type DevServer, startDevServer } from '../platform/dev-server.js';
import { AesGcmPayloadCodec, createDataConverter, parsePayloadKeys, payloadKeyring } from '../platform/payload-codec.js';
import { createProcessSettings, type ProcessSettings } from '../workflows/settings.js';
import { type RunningApi, runApi } from '../platform/services.js';
import { ensureTemporalCli } from '../platform/temporal-cli.js';
import { createTokenService, type TokenService } from '../api/auth/tokens.js';
import { createWorker, installWorkerLogging, type WorkerSetup, type WorkerTuning } from '../platform/worker.js';
import { startModularSimulator } from '../modular/simulator.js';
import { freePort } from '../test/support/free-port.js';
import { adminQuery as adminQueryAt } from '../test/support/postgres-admin.js';

installWorkerLogging('warn');

// A system stopped under overload may still have requests in flight whose Temporal calls end after
// the connection closed; grpc throws that from a callback. Noted, not fatal: the figures are taken.
process.on('uncaughtException', (err) => {
  if (err instanceof Error && err.message.includes('Channel has been shut down')) {
    process.stderr.write('bench: a request still in flight when its Temporal connection closed (ignored)\n');
    return;
  }
  throw err;
});

export const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const namespace = 'handhaving-bench';

/** The bench's payload key: every client and worker encrypts, as in production. */
const codec = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(`bench-1:${randomBytes(32).toString('base64')}`), undefined));
export const dataConverter = createDataConverter(codec);

export { freePort };

/**
 * When each handled report of a bench present (`which`, a condition on `meldingen m`) was picked
 * up, written as the live processes write it: the audit record, and the report's own
 * `picked_up_at` (its projection keeps the first), which the dashboard's deadline performance reads.
 */
export async function recordPickUps(db: Kysely<Database>, which: RawBuilder<unknown>): Promise<void> {
  await sql`
    insert into audit_log (actor_id, actor_role, action, subject_type, subject_id, details, occurred_at)
    select coalesce(m.assignee_id, 'u-admin'), 'klantenbeheerder', 'melding.acknowledged', 'melding', m.id, '{}',
           m.received_at + case when m.triage = 'crisis' then (abs(hashtext(m.id)) % 120) * interval '1 minute' else (abs(hashtext(m.id)) % 36) * interval '1 hour' end
      from meldingen m where ${which} and m.phase <> 'toegewezen'`.execute(db);
  await sql`update meldingen m set picked_up_at = a.occurred_at from audit_log a
             where a.subject_type = 'melding' and a.action = 'melding.acknowledged' and a.subject_id = m.id and m.picked_up_at is null`.execute(db);
}

/** Runs one statement as PostgreSQL's administrator (TEST_DATABASE_ADMIN_URL). */
export const adminQuery = (query: string) => adminQueryAt(adminUrl, query);

/** One dev server and one workflow bundle for the whole bench run. */
export interface BenchServer {
  dev: DevServer;
  bundlePath: string;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const cli = await ensureTemporalCli();
  const [dev, bundle] = await Promise.all([
    startDevServer({ cli, port: await freePort(), namespace, logLevel: 'error' }),
    bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
  ]);
  const bundlePath = join(tmpdir(), `handhaving-bench-workflows-${randomBytes(4).toString('hex')}.js`);
  writeFileSync(bundlePath, bundle.code);
  // An interrupted run takes its dev server along: one left running, with the thousands of
  // workflows of an unfinished part, skewed the next run's figures (2026-12-03).
  const interrupted = (signal: NodeJS.Signals) => {
    void dev.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    dev,
    bundlePath,
    async stop() {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      await dev.stop();
      rmSync(bundlePath, { force: true });
    },
  };
}

export interface BenchDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'embedded';
  /** The database's name (PostgreSQL) or folder (PGlite). */
  name: string;
  /** A second pool on the same database (PostgreSQL only), for the API when it gets its own. */
  url?: string;
  drop(): Promise<void>;
}

/** A scratch database with the real migrations; seeded with `seedScale` of Flanders when given. */
export async function scratchDatabase(kind: 'postgres' | 'embedded', options: { poolSize?: number; seedScale?: number } = {}): Promise<BenchDatabase> {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  let url: string | undefined;
  let name: string;
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'handhaving-bench-pglite-'));
    name = dir;
    ({ db } = await connectDatabase({ kind: 'embedded', dataDir: dir }));
    drop = async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    name = `hh_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(`create database "${name}"`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    ({ db } = await connectDatabase({ kind: 'postgres', url, poolSize: options.poolSize ?? 10 }));
    drop = async () => {
      await db.destroy();
      await adminQuery(`drop database if exists "${name}" with (force)`);
    };
  }
  try {
    await migrateToLatest(db);
    if (options.seedScale) await seedFlanders(db, { scale: options.seedScale, now: new Date(), rosterAround: new Date() });
  } catch (err) {
    await drop();
    throw err;
  }
  return { db, kind, name, url, drop };
}

export interface BenchSystemOptions {
  server: BenchServer;
  database: BenchDatabase;
  /** Connections in the API's pool and in the worker's (PostgreSQL only); default 10 each. */
  poolSize?: number;
  tuning?: WorkerTuning;
  deadlineOverrides?: Record<string, unknown>;
  enforcementOverrides?: Record<string, unknown>;
  /** Settings of every new report's intake (the levers of bench/intake.ts). */
  intakePath?: { localActivities?: boolean; singleSave?: boolean };
  /** Start the Modular simulator, advancing each order one status every stepMs. */
  modularStepMs?: number;
  /** Share the worker's NativeConnection with the API's client (needed for eager workflow start). */
  sharedConnection?: boolean;
  screeningSelectionSize?: number;
}

export interface BenchSystem {
  url: string;
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  settings: ProcessSettings;
  tokens: TokenService;
  token(userId: string): string;
  /** The worker's own figures (cached workflows, tasks in flight): bench/open-processes.ts. */
  workerStatus(): WorkerStatus;
  /** Replaces the worker by one with `tuning` on the same task queue (one variable at a time). */
  restartWorker(tuning?: WorkerTuning): Promise<void>;
  stop(): Promise<void>;
}

/** A worker as `runWorker` (platform/services.ts) runs it, with its handle kept for status and restart. */
async function benchWorker(setup: WorkerSetup): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const { worker, close } = await createWorker(setup);
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await close();
      }
    },
  };
}

export async function startBenchSystem(options: BenchSystemOptions): Promise<BenchSystem> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // Best effort: the rest is still cleaned up.
      }
    }
  };
  try {
    // As in production (`npm run api`, `npm run worker`): the API and the worker each have their
    // own pool of DATABASE_POOL_SIZE (10) connections. PGlite has one connection for both.
    let db = options.database.db;
    let workerDb = options.database.db;
    if (options.database.url) {
      ({ db } = await connectDatabase({ kind: 'postgres', url: options.database.url, poolSize: options.poolSize ?? 10 }));
      ({ db: workerDb } = await connectDatabase({ kind: 'postgres', url: options.database.url, poolSize: options.poolSize ?? 10 }));
      const [apiPool, workerPool] = [db, workerDb];
      cleanups.push(() => apiPool.destroy(), () => workerPool.destroy());
    }
    const address = options.server.dev.address;
    const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
    const base = createProcessSettings({
      ...loadConfig({}),
      deadlineOverrides: options.deadlineOverrides ?? {},
      enforcementOverrides: options.enforcementOverrides ?? {},
      ...(options.screeningSelectionSize ? { screeningSelectionSize: options.screeningSelectionSize } : {}),
    });
    const settings: ProcessSettings = options.intakePath
      ? { ...base, melding: (at: Date) => ({ ...base.melding(at), intakePath: options.intakePath }) }
      : base;
    let modular: { baseUrl: string; timeoutMs: number; backoffMs: number } | undefined;
    let modularWebhook: { secret: string; toleranceMs: number } | undefined;
    let setCallback: ((url: string) => void) | undefined;
    if (options.modularStepMs !== undefined) {
      const secret = randomBytes(32).toString('hex');
      const sim = await startModularSimulator({ host: '127.0.0.1', port: 0, secret, stepMs: options.modularStepMs });
      cleanups.push(() => sim.stop());
      modular = { baseUrl: sim.url, timeoutMs: 5_000, backoffMs: 200 };
      modularWebhook = { secret, toleranceMs: 300_000 };
      setCallback = (url) => sim.setCallbackUrl(url);
    }
    const workerSetup: WorkerSetup = {
      address, namespace, taskQueue, db: workerDb, settings, dataConverter, modular,
      workflowBundlePath: options.server.bundlePath, shutdownGraceMs: 2_000, tuning: options.tuning,
    };
    let worker = await benchWorker(workerSetup);
    cleanups.push(() => worker.stop());
    let temporal: Client;
    if (options.sharedConnection) {
      const native = await NativeConnection.connect({ address });
      cleanups.push(() => native.close());
      temporal = new TemporalClient({ connection: native as unknown as Connection, namespace, dataConverter });
    } else {
      const connection = await Connection.connect({ address });
      cleanups.push(() => connection.close());
      temporal = new TemporalClient({ connection, namespace, dataConverter });
    }
    const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-bench');
    const api: RunningApi = await runApi(
      { db, temporal, namespace, taskQueue, tokens, settings, ...(modularWebhook ? { modularWebhook } : {}) },
      // The per-user limits would answer 429 long before a load run ends: lifted for measuring.
      { logger: false, bodyLimit: 1 << 20, rateLimits: { perUserPerMinute: 1e9, processStartsPerHour: 1e9, perAddressPerMinute: 1e9 } },
      '127.0.0.1',
      0,
    );
    // Under overload the API's close waits for requests that wait on updates the worker has not
    // answered: bounded, so that the worker is stopped next and nothing writes after the caller
    // drops the database.
    cleanups.push(() => Promise.race([api.stop(), new Promise<void>((r) => setTimeout(r, 10_000).unref())]));
    setCallback?.(`${api.url}/modular/webhook`);
    return {
      url: api.url,
      db,
      temporal,
      taskQueue,
      settings,
      tokens,
      token: (userId: string) => tokens.sign({ sub: userId, role: 'from-db', name: userId }),
      workerStatus: () => worker.worker.getStatus(),
      async restartWorker(tuning?: WorkerTuning) {
        await worker.stop();
        worker = await benchWorker({ ...workerSetup, tuning });
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ----- measuring -------------------------------------------------------------------------------

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface LoadResult {
  count: number;
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * Runs `fn` from `concurrency` clients until `count` calls are made or `maxMs` has passed
 * (bounded in both), and answers the latencies of the successful ones.
 */
/**
 * Runs `fn` `count` times on `concurrency` clients; each call is timed whole, or by the
 * milliseconds it answers (what it checks after its answer is then not timed). `pauseMs`: each
 * client waits this long before each call (not timed).
 */
export async function load(
  fn: (i: number) => Promise<void | number>,
  { count, concurrency, maxMs, pauseMs = 0 }: { count: number; concurrency: number; maxMs: number; pauseMs?: number },
): Promise<LoadResult> {
  const times: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const stopAt = t0 + maxMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count && performance.now() < stopAt) {
      const i = next++;
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      const s = performance.now();
      try {
        const timed = await fn(i);
        times.push(typeof timed === 'number' ? timed : performance.now() - s);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { count: times.length, errors, firstError, seconds, perSecond: times.length / seconds, p50: percentile(times, 50), p99: percentile(times, 99) };
}

export const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
export const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
export const log = (line: string) => process.stdout.write(`${line}\n`);
