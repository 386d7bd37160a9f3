import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { freePort } from '../support/free-port.js';
import { adminQuery, dropDatabasesStartingWith } from '../support/postgres-admin.js';
import type { SMTPServer } from 'smtp-server';
import { receivingSmtpServer } from '../../channels/smtp-sink.js';
import { connectDatabase } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';
import { referenceMoment, seedFlanders } from '../../db/seed/index.js';
import { createDataConverter, parsePayloadKeys, payloadKeyring, AesGcmPayloadCodec } from '../../platform/payload-codec.js';
import { createTemporalClient } from '../../platform/runtime.js';
import { ensureTemporalCli } from '../../platform/temporal-cli.js';
import { createTokenService } from '../../api/auth/tokens.js';
import { startModularSimulator, type RunningModularSimulator } from '../../modular/simulator.js';
import { searchAttributeCliArgs } from '../../workflows/search-attributes.js';

// The pieces every fault check is made of: real processes (the Temporal CLI's dev server,
// `scripts/worker.ts`, `scripts/api.ts`, `scripts/migrate.ts`) started and killed with real
// signals, a fresh PostgreSQL database, an in-process SMTP server and the Modular simulator.
// Everything listens on 127.0.0.1.

export const ROOT = resolve(import.meta.dirname, '../..');
export const RUN_ID = randomBytes(3).toString('hex');
export const RUN_DIR = join(ROOT, 'tmp', `faults-${RUN_ID}`);
export const PG_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NAMESPACE = 'handhaving';
export const PAYLOAD_KEYS = `faults-1:${Buffer.from('handhaving-fault-payload-key-001').toString('base64')}`;
export const JWT_SECRET = randomBytes(32).toString('hex');
export const WEBHOOK_SECRET = randomBytes(32).toString('hex');
export const SEED_REFERENCE_DATE = '2026-11-01';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const log = (msg: string) => process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export const dataConverter = createDataConverter(new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(PAYLOAD_KEYS), undefined)));
export const tokens = createTokenService(JWT_SECRET, 'handhaving-orchestrator');
export const tokenFor = (userId: string) => tokens.sign({ sub: userId, role: 'from-db', name: userId });

export { freePort };

/** Polls until check passes or the time is up (bounded). */
export async function until<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (check(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 400) ?? String(lastErr)})`);
}

// ----- child processes ---------------------------------------------------------------------------

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  exited: Promise<void>;
  output(): string;
}

const children = new Set<Child>();

/** Every child still alive is killed when this process ends, however it ends. */
function killLeftovers() {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
process.on('exit', killLeftovers);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killLeftovers();
    process.exit(130);
  });
}

/** Spawns one process, its output into RUN_DIR/<name>-<n>.log (and kept in memory, last 8 KB). */
export function spawnChild(name: string, command: string, args: string[], env: Record<string, string>): Child {
  mkdirSync(RUN_DIR, { recursive: true });
  const file = join(RUN_DIR, `${name}-${Date.now()}.log`);
  const out = createWriteStream(file);
  const proc = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (b: Buffer) => {
    out.write(b);
    tail = (tail + b.toString()).slice(-8_000);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<void>((r) => proc.once('exit', () => {
    out.end();
    r();
  }));
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  const child: Child = { name, proc, pid: proc.pid, exited, output: () => tail };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/**
 * `node --import tsx <script>`: the entry runs in this very process (pid), so SIGKILL hits the
 * worker or API itself. (`npx tsx` would put npx and tsx's own launcher between us and it: a
 * SIGKILL to those would orphan the real process instead of killing it.)
 */
export function spawnEntry(name: string, script: string, env: Record<string, string>): Child {
  return spawnChild(name, process.execPath, ['--import', 'tsx', script], env);
}

export function isAlive(c: Child) {
  return c.proc.exitCode === null && c.proc.signalCode === null;
}

/** kill -9. */
export async function kill9(c: Child): Promise<void> {
  if (!isAlive(c)) return;
  process.kill(c.pid, 'SIGKILL');
  await c.exited;
}

/** SIGTERM, then SIGKILL after graceMs. */
export async function stopChild(c: Child, graceMs = 15_000): Promise<void> {
  if (!isAlive(c)) return;
  process.kill(c.pid, 'SIGTERM');
  const t = setTimeout(() => isAlive(c) && process.kill(c.pid, 'SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(t);
}

export async function waitForOutput(c: Child, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(c.output())) {
    if (!isAlive(c)) throw new Error(`${c.name} exited (${c.proc.exitCode ?? c.proc.signalCode}) before ${pattern}:\n${c.output().slice(-3_000)}`);
    if (Date.now() > deadline) throw new Error(`${c.name}: no ${pattern} within ${timeoutMs} ms:\n${c.output().slice(-3_000)}`);
    await sleep(200);
  }
}

// ----- Temporal --------------------------------------------------------------------------------

export interface TemporalServer {
  address: string;
  child: Child;
  dbFile: string;
  /** Starts the server again on the same port and file (after a kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Temporal CLI's dev server. `persist`: on a SQLite file (--db-filename), so a kill -9 keeps
 * its state (check 2); otherwise in memory, which is several times faster on a loaded machine.
 */
export async function startTemporal(persist = false): Promise<TemporalServer> {
  const cli = await ensureTemporalCli();
  const port = await freePort();
  mkdirSync(RUN_DIR, { recursive: true });
  const dbFile = join(RUN_DIR, `temporal-${port}.db`);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', NAMESPACE, '--headless', '--log-level', 'error'];
  if (persist) args.push('--db-filename', dbFile);
  for (const a of searchAttributeCliArgs()) args.push('--search-attribute', a);
  const address = `127.0.0.1:${port}`;
  const server: TemporalServer = {
    address,
    dbFile,
    child: undefined as unknown as Child,
    async restart() {
      server.child = spawnChild('temporal', cli, args, {});
      await temporalReady(address, server.child, 90_000);
    },
    async stop() {
      await stopChild(server.child, 10_000);
    },
  };
  await server.restart();
  return server;
}

export async function temporalReady(address: string, child: Child | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && !isAlive(child)) throw new Error(`temporal exited:\n${child.output()}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await c.workflowService.describeNamespace({ namespace: NAMESPACE });
        return;
      } finally {
        await c.close();
      }
    } catch (err) {
      last = (err as Error).message;
      await sleep(300);
    }
  }
  throw new Error(`temporal at ${address} not ready within ${timeoutMs} ms: ${last}`);
}

let bundlePath: string | undefined;
/** One workflow bundle per run (WORKFLOW_BUNDLE), so a restarted worker polls within seconds. */
export async function workflowBundle(): Promise<string> {
  if (bundlePath) return bundlePath;
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  // The path platform/worker.ts bundles from (not imported: that would load every activity here).
  const { code } = await bundleWorkflowCode({ workflowsPath: join(ROOT, 'workflows', 'index.ts'), logger: quiet });
  mkdirSync(RUN_DIR, { recursive: true });
  bundlePath = join(RUN_DIR, 'workflows.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

// ----- PostgreSQL ------------------------------------------------------------------------------

const admin = (query: string) => adminQuery(PG_ADMIN_URL, query);

export interface TestDatabase {
  name: string;
  url: string;
  /** The same database through another host:port (a proxy). */
  urlVia(hostPort: string): string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

/** A fresh database, migrated by the real `scripts/migrate.ts` process, seeded with a small Flanders. */
export async function createDatabase(label: string, seedScale: number): Promise<TestDatabase> {
  const name = `hh_faults_${RUN_ID}_${label}`;
  await admin(`create database "${name}"`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const migrate = spawnEntry('migrate', 'scripts/migrate.ts', { DATABASE_URL: url, LOG_LEVEL: 'warn' });
  await migrate.exited;
  if (migrate.proc.exitCode !== 0) throw new Error(`migrate exited ${migrate.proc.exitCode}:\n${migrate.output()}`);
  const { db } = await connectDatabase({ kind: 'postgres', url, poolSize: 4 });
  await seedFlanders(db, { scale: seedScale, now: referenceMoment(SEED_REFERENCE_DATE), rosterAround: new Date() });
  return {
    name,
    url,
    urlVia(hostPort: string) {
      const v = new URL(url);
      v.host = hostPort;
      return v.toString();
    },
    db,
    async drop() {
      await db.destroy().catch(() => undefined);
      await admin(`drop database if exists "${name}" with (force)`);
    },
  };
}

// ----- SMTP ------------------------------------------------------------------------------------

export interface Received {
  to: string[];
  subject: string;
  messageId: string;
}

export interface Smtp {
  port: number;
  url: string;
  received: Received[];
  /** Called right after a message was accepted (250 sent): a test may crash the sender there. */
  onAccepted?: (m: Received) => void;
  /** Stops listening and drops open connections: the server is away (connection refused). */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSmtp(): Promise<Smtp> {
  const port = await freePort();
  const received: Received[] = [];
  let server: SMTPServer | undefined;
  const make = () => {
    const server = receivingSmtpServer(({ to, subject, messageId }) => {
      const m = { to, subject, messageId };
      received.push(m);
      smtp.onAccepted?.(m);
    });
    // A client that resets its connection (a worker killed mid-delivery) is not our failure.
    server.on('error', () => undefined);
    return server;
  };
  const smtp: Smtp = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async up() {
      server = make();
      server.listen(port, '127.0.0.1');
      await once(server.server, 'listening');
    },
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((r) => {
        s.close(() => r());
        // Open connections would keep it half alive: an outage drops them.
        for (const conn of (s as unknown as { connections: Set<{ close(): void }> }).connections ?? []) conn.close();
      });
    },
    stop: () => smtp.down(),
  };
  await smtp.up();
  return smtp;
}

// ----- Modular ---------------------------------------------------------------------------------

export async function startModular(): Promise<RunningModularSimulator> {
  return startModularSimulator({ host: '127.0.0.1', port: 0, secret: WEBHOOK_SECRET, stepMs: 0 });
}

// ----- the application processes ---------------------------------------------------------------

export interface AppEnv {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  modularUrl?: string;
  smtpUrl?: string;
  deadlineOverrides?: unknown;
  enforcementOverrides?: unknown;
  outboxPollMs?: number;
  extra?: Record<string, string>;
}

export async function appEnv(e: AppEnv): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    DATABASE_URL: e.databaseUrl,
    DATABASE_POOL_SIZE: '8',
    TEMPORAL_ADDRESS: e.temporalAddress,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: e.taskQueue,
    JWT_SECRET,
    PAYLOAD_KEYS,
    MODULAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    MODULAR_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '3000',
    DATA_DIR: join(RUN_DIR, 'data'),
    WORKFLOW_BUNDLE: await workflowBundle(),
    DEADLINE_OVERRIDES: JSON.stringify(e.deadlineOverrides ?? {}),
    ENFORCEMENT_OVERRIDES: JSON.stringify(e.enforcementOverrides ?? {}),
    OUTBOX_POLL_MS: String(e.outboxPollMs ?? 500),
    SEED_REFERENCE_DATE,
    ...(e.modularUrl ? { MODULAR_URL: e.modularUrl } : {}),
    ...(e.smtpUrl ? { SMTP_URL: e.smtpUrl } : {}),
    ...e.extra,
  };
  return env;
}

export async function startWorker(name: string, env: Record<string, string>): Promise<Child> {
  const c = spawnEntry(name, 'scripts/worker.ts', env);
  await waitForOutput(c, /worker polling/, 120_000);
  return c;
}

export interface ApiProc {
  child: Child;
  url: string;
  port: number;
}

export async function startApi(name: string, env: Record<string, string>, port?: number): Promise<ApiProc> {
  const p = port ?? (await freePort());
  const c = spawnEntry(name, 'scripts/api.ts', { ...env, HOST: '127.0.0.1', PORT: String(p) });
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!isAlive(c)) throw new Error(`${name} exited:\n${c.output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz:\n${c.output()}`);
    await sleep(300);
  }
  return { child: c, url, port: p };
}

export function temporalClient(address: string) {
  return createTemporalClient(address, NAMESPACE, dataConverter);
}

export function cleanupRunDir() {
  if (process.env.FAULTS_KEEP_LOGS !== '1') rmSync(RUN_DIR, { recursive: true, force: true });
}

/** Drops every database of this run that a crashed check left behind. */
export async function dropRunDatabases(): Promise<void> {
  await dropDatabasesStartingWith(PG_ADMIN_URL, `hh_faults_${RUN_ID}_`);
}
