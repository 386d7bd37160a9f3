import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { installWorkerLogging } from '../platform/worker.js';
import { createProcessSettings } from '../workflows/settings.js';
import { createTemporalClient, onShutdownSignal, openDatabase } from '../platform/runtime.js';
import { outboxFromConfig } from '../platform/outbox-dispatcher.js';
import { runWorker } from '../platform/services.js';
import { modularClientOptions } from '../modular/setup.js';
import { channelOptions } from '../channels/setup.js';
import { ensureScreeningSchedule } from '../workflows/screening/schedule.js';
import { ensureRetentionSchedule } from '../workflows/retention/schedule.js';
import { createDataConverter, payloadCodecFromConfig } from '../platform/payload-codec.js';

// A worker as its own process (production path). Start as many as the load needs: they share
// the task queue and Temporal spreads the work.
const config = loadConfigOrExit();
installWorkerLogging(config.logLevel);
const settings = exitOnConfigError(() => createProcessSettings(config));
const address = config.temporalAddress ?? '127.0.0.1:7233';
// PAYLOAD_KEYS is required (or the dev keys `npm start` made in DATA_DIR): every payload is encrypted.
const dataConverter = createDataConverter(exitOnConfigError(() => payloadCodecFromConfig(config, { createIfMissing: false })));
const { db, description } = await openDatabase(config);
const worker = await runWorker({
  // Without MODULAR_URL inspection orders wait (their activity retries) until a worker has it.
  modular: config.modularUrl ? modularClientOptions(config, config.modularUrl) : undefined,
  address,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  db,
  settings,
  dataConverter,
  workflowBundlePath: config.workflowBundle,
  shutdownGraceMs: config.shutdownGraceMs,
  // Issue 13: REGISTERED_MAIL_URL, EBOX_URL, SMTP_URL; an absent channel leaves its letters queued.
  channels: channelOptions(config),
});
// The schedule's action carries workflow input: created with the codec, like every other client.
const scheduler = createTemporalClient(address, config.temporalNamespace, dataConverter);
try {
  await ensureScreeningSchedule({ client: scheduler, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings: settings.screening() });
  await ensureRetentionSchedule({ client: scheduler, namespace: config.temporalNamespace, taskQueue: config.taskQueue, retentionDays: config.reportRetentionDays });
} finally {
  await scheduler.connection.close();
}
const outbox = outboxFromConfig(config, db, (line) => process.stdout.write(`${line}\n`));
process.stdout.write(`worker polling ${config.taskQueue} on ${address}/${config.temporalNamespace}; database ${description}\n`);

onShutdownSignal(async () => {
  await worker.stop();
  await outbox?.stop();
  await db.destroy();
});
