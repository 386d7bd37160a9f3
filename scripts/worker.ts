import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { installWorkerLogging } from '../platform/worker.js';
import { createProcessSettings } from '../workflows/settings.js';
import { createTemporalClient, onShutdownSignal, openDatabase } from '../platform/runtime.js';
import { outboxFromConfig } from '../platform/outbox-dispatcher.js';
import { channelOptions } from '../channels/setup.js';
import { ensureSchedules, runConfiguredWorker } from './configured-worker.js';
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
const worker = await runConfiguredWorker({ config, address, db, settings, dataConverter, modularUrl: config.modularUrl, channels: channelOptions(config) });
// The schedule's action carries workflow input: created with the codec, like every other client.
const scheduler = createTemporalClient(address, config.temporalNamespace, dataConverter);
try {
  await ensureSchedules(scheduler, config, settings);
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
