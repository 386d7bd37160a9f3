import { exitOnConfigError, loadConfigOrExit } from '../lib/config.js';
import { installWorkerLogging } from '../lib/worker.js';
import { createProcessSettings } from '../lib/process-settings.js';
import { onShutdownSignal, openDatabase } from '../lib/runtime.js';
import { outboxFromConfig } from '../lib/outbox-dispatcher.js';
import { runWorker } from '../lib/services.js';
import { modularClientOptions } from '../lib/modular/setup.js';
import { ensureScreeningSchedule } from '../lib/risk-model/screening-schedule.js';

// A worker as its own process (production path). Start as many as the load needs: they share
// the task queue and Temporal spreads the work.
const config = loadConfigOrExit();
installWorkerLogging(config.logLevel);
const settings = exitOnConfigError(() => createProcessSettings(config));
const address = config.temporalAddress ?? '127.0.0.1:7233';
const { db, description } = await openDatabase(config);
const worker = await runWorker({
  // Without MODULAR_URL inspection orders wait (their activity retries) until a worker has it.
  modular: config.modularUrl ? modularClientOptions(config, config.modularUrl) : undefined,
  address,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  db,
  settings,
  workflowBundlePath: config.workflowBundle,
  shutdownGraceMs: config.shutdownGraceMs,
});
await ensureScreeningSchedule({ address, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings: settings.screening() });
const outbox = outboxFromConfig(config, db, (line) => process.stdout.write(`${line}\n`));
process.stdout.write(`worker polling ${config.taskQueue} on ${address}/${config.temporalNamespace}; database ${description}\n`);

onShutdownSignal(async () => {
  await worker.stop();
  await outbox?.stop();
  await db.destroy();
});
