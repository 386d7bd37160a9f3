import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { adminQuery } from '../support/postgres-admin.js';
import type { FaultInjection } from '../../activities/enforcement.js';
import { connectDatabase } from '../../db/connect.js';
import { grantApplicationRole } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { workerSlot } from './workers.js';
import { DEFAULT_TEST_SEED_SCALE, prepareTestDatabase, TEST_SEED_REFERENCE_DATE } from './test-database.js';
import { loadConfig } from '../../platform/config.js';
import { createProcessSettings, type ProcessSettings } from '../../workflows/settings.js';
import { AesGcmPayloadCodec, createDataConverter, parsePayloadKeys, payloadKeyring } from '../../platform/payload-codec.js';
import { createTemporalClient } from '../../platform/runtime.js';
import { type RunningApi, type RunningService, runApi, runWorker } from '../../platform/services.js';
import { createTokenService, type TokenService } from '../../api/auth/tokens.js';
import { installWorkerLogging } from '../../platform/worker.js';
import { type RunningModularSimulator, startModularSimulator } from '../../modular/simulator.js';
import { type RunningRegisteredMailSimulator, startRegisteredMailSimulator } from '../../channels/registered-mail/simulator.js';
import { type RunningEboxSimulator, startEboxSimulator } from '../../channels/ebox/simulator.js';
import { type SmtpSink, startSmtpSink } from '../../channels/smtp-sink.js';

installWorkerLogging('warn');

export { TEST_SEED_REFERENCE_DATE };

/** The Temporal dev server of this file's worker (global-setup.ts starts one per worker). */
export const temporalAddress = (): string => inject('temporalAddresses')[workerSlot()]!;

/** PAYLOAD_KEYS of every test system: a fixed key, so a failing test's history can be decoded afterwards. */
export const TEST_PAYLOAD_KEYS = `test-1:${Buffer.from('handhaving-test-payload-key-0001').toString('base64')}`;
/** The codec and data converter every test worker and client uses (platform/payload-codec.ts). */
export const testPayloadCodec = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(TEST_PAYLOAD_KEYS), undefined));
export const testDataConverter: DataConverter = createDataConverter(testPayloadCodec);
/** The Web UI origin the test API's codec endpoint allows (CORS). */
export const TEST_TEMPORAL_UI_ORIGIN = 'http://127.0.0.1:8233';

export interface TestSystem {
  url: string;
  /** The database as its owner (migrations, seed, and tests that set up or inspect state). */
  db: Kysely<Database>;
  /**
   * The same database as the application's role, the connection of the API and the worker: only
   * the grants of `npm run migrate` with APP_DATABASE_ROLE (docs/security.md). On PGlite, `db`.
   */
  appDb: Kysely<Database>;
  temporal: Client;
  /** The data converter of the worker and `temporal` (encrypting): replays need it too. */
  dataConverter: DataConverter;
  taskQueue: string;
  /** The token service of the API: signs tokens for the seeded users, or for a second API. */
  tokens: TokenService;
  settings: ProcessSettings;
  /** A bearer token for a seeded user id (docs/synthetic-data.md), e.g. 'u-kb-antwerpen-1'. */
  token(userId: string): string;
  /** fetch against the API, with the user's token when one is named. */
  http(path: string, init?: RequestInit & { as?: string; json?: unknown }): Promise<Response>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
  /** The Modular simulator over real HTTP, when asked for (options.modular). */
  modular?: { url: string; secret: string; sim: RunningModularSimulator };
  /** Issue 13: the sending channels' simulators over real HTTP (and an SMTP sink), when asked for (options.channels). */
  channels?: { secret: string; registeredMail: RunningRegisteredMailSimulator; ebox: RunningEboxSimulator; smtp: SmtpSink };
}

export interface TestSystemOptions {
  /** 'postgres' (default): a fresh database on the real server; 'embedded': PGlite in a temp folder. */
  database?: 'postgres' | 'embedded';
  /** Scale of the synthetic Flanders seeded into it (1 = all of Flanders). */
  seedScale?: number;
  /** DEADLINE_OVERRIDES for this system, e.g. deadlines of seconds to see escalations happen. */
  deadlineOverrides?: Record<string, unknown>;
  /** ENFORCEMENT_OVERRIDES for this system, e.g. `compressDayMs` to run day terms in seconds. */
  enforcementOverrides?: Record<string, unknown>;
  /** Activities that fail their first attempt after their side effect (exactly-once tests). */
  faults?: FaultInjection;
  /** Start the Modular simulator on a free port (steps on command only) and wire it to worker and webhook. */
  modular?: { timeoutMs?: number; webhookToleranceMs?: number };
  /** Register the development sign-in (POST /dev/sign-in, the UI's user picker; api/routes/sign-in.ts). */
  devSignIn?: boolean;
  /** Issue 13: start the registered-mail and e-Box simulators and an SMTP sink, wired to worker and callbacks. */
  channels?: boolean;
  /** Another Temporal dev server than the run's shared one (same namespace), e.g. one persisting to a file. */
  temporalAddress?: string;
}

/**
 * The whole system for one test file: a fresh database with the real migrations and a small
 * seed, a worker on its own task queue of the shared dev server, and the API on a free port.
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const suffix = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };

  try {
    const kind = options.database ?? 'postgres';
    const seedScale = options.seedScale ?? DEFAULT_TEST_SEED_SCALE;
    // On PostgreSQL the default database is a copy of the run's template (global-setup.ts): the
    // same migrations and seed, made once instead of once per file.
    const fromTemplate = kind === 'postgres' && seedScale === DEFAULT_TEST_SEED_SCALE;
    const db = await openTestDatabase(kind, suffix, cleanups, fromTemplate);
    if (!fromTemplate) await prepareTestDatabase(db, seedScale);
    const appDb = await openApplicationDatabase(kind, db, cleanups);

    const address = options.temporalAddress ?? temporalAddress();
    const namespace = inject('temporalNamespace');
    const taskQueue = `test-${suffix}`;
    const settings = createProcessSettings({
      ...loadConfig({}),
      deadlineOverrides: options.deadlineOverrides ?? {},
      enforcementOverrides: options.enforcementOverrides ?? {},
    });
    let modular: TestSystem['modular'];
    if (options.modular) {
      const secret = randomBytes(32).toString('hex');
      const sim = await startModularSimulator({ host: '127.0.0.1', port: 0, secret, stepMs: 0 });
      cleanups.push(() => sim.stop());
      modular = { url: sim.url, secret, sim };
    }
    let channels: TestSystem['channels'];
    if (options.channels) {
      const secret = randomBytes(32).toString('hex');
      const registeredMail = await startRegisteredMailSimulator({ host: '127.0.0.1', port: 0, secret, stepMs: 0 });
      cleanups.push(() => registeredMail.stop());
      const ebox = await startEboxSimulator({ host: '127.0.0.1', port: 0, secret });
      cleanups.push(() => ebox.stop());
      const smtp = await startSmtpSink();
      cleanups.push(() => smtp.stop());
      channels = { secret, registeredMail, ebox, smtp };
    }
    const channelOptions = channels
      ? { registeredMail: { baseUrl: channels.registeredMail.url, timeoutMs: 5_000 }, ebox: { baseUrl: channels.ebox.url, timeoutMs: 5_000 }, smtp: { url: channels.smtp.url, from: 'handhaving@opgroeien.test' } }
      : undefined;
    const modularClient = modular ? { baseUrl: modular.url, timeoutMs: options.modular?.timeoutMs ?? 2_000, backoffMs: 100 } : undefined;
    let worker: RunningService | undefined;
    const startWorker = async () => {
      worker = await runWorker({ address, namespace, taskQueue, db: appDb, settings, dataConverter: testDataConverter, faults: options.faults, modular: modularClient, channels: channelOptions, workflowBundlePath: inject('workflowBundlePath'), shutdownGraceMs: 1_000 });
    };
    const stopWorker = async () => {
      await worker?.stop();
      worker = undefined;
    };
    await startWorker();
    cleanups.push(stopWorker);

    const temporal = createTemporalClient(address, namespace, testDataConverter, { interactive: true });
    cleanups.push(() => temporal.connection.close());
    // Test files share the dev server and the seeded location ids (a case's workflow id is its
    // location's): leave no running workflow behind for the next file to attach to.
    cleanups.push(() => terminateRunning(temporal, taskQueue));
    const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-test');
    const api: RunningApi = await runApi(
      { db: appDb, temporal, namespace, taskQueue, tokens, settings,
        codecServer: { codec: testPayloadCodec, allowedOrigins: [TEST_TEMPORAL_UI_ORIGIN], roles: loadConfig({}).payloadCodecRoles },
        ...(options.devSignIn ? { signIn: { dev: { tokens, lifetimeS: 3600 } } } : {}),
        ...(modular ? { modularWebhook: { secret: modular.secret, toleranceMs: options.modular?.webhookToleranceMs ?? 300_000 } } : {}),
        ...(channels ? { channelWebhook: { secret: channels.secret, toleranceMs: 300_000 } } : {}) },
      // Tests drive hundreds of requests a minute as one user; the limits have their own test
      // (security.test.ts), on an API of their own.
      { logger: process.env.TEST_API_LOG ? { level: 'error' } : false, bodyLimit: 64 * 1024, rateLimits: { perUserPerMinute: 1_000_000, perAddressPerMinute: 1_000_000, processStartsPerHour: 1_000_000 } },
      '127.0.0.1',
      0,
    );
    cleanups.push(() => api.stop());
    modular?.sim.setCallbackUrl(`${api.url}/modular/webhook`);
    channels?.registeredMail.setCallbackUrl(`${api.url}/channels/registered-mail/webhook`);
    channels?.ebox.setCallbackUrl(`${api.url}/channels/ebox/webhook`);

    const token = (userId: string) => tokens.sign({ sub: userId, role: 'from-db', name: userId });
    return {
      url: api.url,
      db,
      appDb,
      temporal,
      dataConverter: testDataConverter,
      taskQueue,
      settings,
      token,
      tokens,
      http(path, init = {}) {
        const { as, json, ...rest } = init;
        const headers = new Headers(rest.headers);
        if (as) headers.set('authorization', `Bearer ${token(as)}`);
        if (json !== undefined) headers.set('content-type', 'application/json');
        return fetch(`${api.url}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
      },
      startWorker,
      stopWorker,
      stop: cleanup,
      modular,
      channels,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function openTestDatabase(kind: 'postgres' | 'embedded', suffix: string, cleanups: (() => Promise<void> | void)[], fromTemplate: boolean) {
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'handhaving-pglite-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { db } = await connectDatabase({ kind: 'embedded', dataDir: dir });
    cleanups.push(() => db.destroy());
    return db;
  }
  const adminUrl = inject('pgAdminUrl');
  const name = `hh_test_${inject('runId')}_${suffix}`;
  await adminQuery(adminUrl, fromTemplate ? `create database "${name}" template "${inject('pgTemplate')}"` : `create database "${name}"`);
  cleanups.push(() => adminQuery(adminUrl, `drop database if exists "${name}" with (force)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { db } = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  cleanups.push(() => db.destroy());
  return db;
}

/**
 * The test database as the run's application role (global-setup.ts), after giving it the grants
 * `npm run migrate` gives APP_DATABASE_ROLE. PGlite has a single role: the owner's connection.
 */
async function openApplicationDatabase(kind: 'postgres' | 'embedded', ownerDb: Kysely<Database>, cleanups: (() => Promise<void> | void)[]) {
  if (kind === 'embedded') return ownerDb;
  const role = inject('pgAppRole');
  await grantApplicationRole(ownerDb, role);
  const { rows: [current] } = await sql<{ name: string }>`select current_database() as name`.execute(ownerDb);
  const url = new URL(inject('pgAdminUrl'));
  url.username = role;
  url.password = '';
  url.pathname = `/${current!.name}`;
  const { db } = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  cleanups.push(() => db.destroy());
  return db;
}

async function terminateRunning(temporal: Client, taskQueue: string) {
  const running = [];
  for await (const wf of temporal.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) running.push(wf);
  // Parents first: their children end with them, instead of failing them from below.
  running.sort((a, b) => Number(Boolean(a.parentExecution)) - Number(Boolean(b.parentExecution)));
  for (const wf of running) {
    await temporal.workflow.getHandle(wf.workflowId, wf.runId).terminate('test file finished').catch(() => undefined);
  }
}
