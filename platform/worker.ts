import { fileURLToPath } from 'node:url';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { ProcessSettings } from '../workflows/settings.js';
import { createTemporalClient } from './runtime.js';
import type { FaultInjection } from '../activities/enforcement.js';
import { classifyFailures } from '../activities/classify-failures.js';
import { createActivities } from '../activities/index.js';
import type { Database } from '../db/schema.js';
import type { ModularClientOptions } from '../modular/client.js';
import type { ChannelOptions } from '../channels/clients.js';
import { startDashboardFold } from './dashboard-fold.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const workerLogLevels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG' };

/**
 * The SDK logs every worker state change and the bundler's statistics at INFO; that is noise next
 * to the API's log, so the worker logs WARN and up unless LOG_LEVEL asks for debug or trace.
 * Must run before the first connection; later calls are ignored.
 */
export function installWorkerLogging(logLevel: string): void {
  try {
    Runtime.install({ logger: new DefaultLogger(workerLogLevels[logLevel] ?? 'WARN') });
  } catch {
    // Already installed in this process (tests start several workers).
  }
}

export interface WorkerSetup {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  settings: ProcessSettings;
  /** Encrypts every payload (platform/payload-codec.ts): the worker's and its activities' client use it. */
  dataConverter: DataConverter;
  /** Tests only: activities that fail once after their side effect. */
  faults?: FaultInjection;
  /** Zorginspectie's Modular: where inspection orders go. */
  modular?: ModularClientOptions;
  /** A pre-built bundle (production); bundled from source when absent. */
  workflowBundlePath?: string;
  shutdownGraceMs?: number;
  /** Issue 13: the sending channels for letters (registered mail, e-Box, SMTP); absent ones leave letters queued. */
  channels?: ChannelOptions;
  /**
   * Worker tuning (issue 15, docs/performance.md): concurrency of workflow tasks and (local)
   * activities, and the sticky cache. Absent: `workerTuningDefaults`.
   */
  tuning?: WorkerTuning;
}

export type WorkerTuning = Partial<Pick<WorkerOptions,
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  | 'maxCachedWorkflows'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
>>;

/**
 * Measured by bench/intake.ts and bench/open-processes.ts (docs/performance.md, parts 1 and 3). The
 * SDK's defaults size the sticky cache from the machine's memory; here it is fixed, so 10,000 open
 * processes cost a bounded amount: a process not in the cache is replayed from its history when
 * its timer fires or a command arrives (a report: under a second on the loaded 2-core machine).
 * A cached report costs the worker about 230–290 KB of RSS (2,000: ~0.5 GB; 10,000 would be
 * ~2.5 GB), and a larger cache did not lower the timer lag (part 3). Poller count and
 * workflow-task slots stay the SDK's (10 and 40): 20 pollers made the lag worse; 100 slots lowered
 * it once, on a machine too loaded to tell that from noise, and 100 slots with 20 pollers
 * overloaded the intake (part 1). What bounds the timer lag is the worker's share of the CPU.
 */
export const workerTuningDefaults: WorkerTuning = {
  maxCachedWorkflows: 2_000,
};

/** One worker: every workflow and activity of the product on one task queue. */
export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const connection = await NativeConnection.connect({ address: setup.address });
  const temporal = createTemporalClient(setup.address, setup.namespace, setup.dataConverter);
  // Issue 15: the dashboard's fold runs beside the worker, started and stopped with it (platform/dashboard-fold.ts).
  const dashboardFold = startDashboardFold({ db: setup.db });
  const close = async () => {
    await dashboardFold.stop();
    await temporal.connection.close();
    await connection.close();
  };
  const options: WorkerOptions = {
    connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    dataConverter: setup.dataConverter,
    activities: createActivities({ db: setup.db, temporal, taskQueue: setup.taskQueue, settings: setup.settings, faults: setup.faults, modular: setup.modular, letters: { channels: setup.channels, contactCodec: setup.dataConverter.payloadCodecs?.[0] } }),
    shutdownGraceTime: setup.shutdownGraceMs ?? 10_000,
    interceptors: { activity: [() => ({ inbound: classifyFailures() })] },
    ...workerTuningDefaults,
    ...setup.tuning,
    ...(setup.workflowBundlePath
      ? { workflowBundle: { codePath: setup.workflowBundlePath } }
      : { workflowsPath }),
  };
  try {
    return { worker: await Worker.create(options), close };
  } catch (err) {
    await close();
    throw err;
  }
}
