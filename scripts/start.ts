import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateToLatest } from '../db/migrate.js';
import { isDatabaseEmpty, seedFlanders } from '../db/seed/index.js';
import { exitOnConfigError, loadConfigOrExit } from '../lib/config.js';
import { installWorkerLogging } from '../lib/worker.js';
import { type DevServer, startDevServer } from '../lib/dev-server.js';
import { createTemporalClient, jwtSecret, onShutdownSignal, openDatabase } from '../lib/runtime.js';
import { runApi, runWorker } from '../lib/services.js';
import { ensureTemporalCli } from '../lib/temporal-cli.js';
import { createProcessSettings } from '../lib/process-settings.js';
import { createTokenService } from '../lib/tokens.js';

// The whole system in one terminal: Temporal (a local dev server unless TEMPORAL_ADDRESS is
// set), the database (PostgreSQL from DATABASE_URL, else embedded), the worker and the API.
const config = loadConfigOrExit();
installWorkerLogging(config.logLevel);
const settings = exitOnConfigError(() => createProcessSettings(config));
const log = (line: string) => process.stdout.write(`[start] ${line}\n`);

let devServer: DevServer | undefined;
let address = config.temporalAddress;
if (!address) {
  const cli = await ensureTemporalCli();
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const dbFilename = resolve(config.dataDir, 'temporal.db');
  log(`starting the Temporal dev server (${cli}), state in ${dbFilename}`);
  devServer = await startDevServer({
    cli,
    port: config.temporalDevPort,
    uiPort: config.temporalUiPort,
    namespace: config.temporalNamespace,
    dbFilename,
    logLevel: 'error',
    echo: true,
  });
  address = devServer.address;
}

const { db, description } = await openDatabase(config);
const applied = await migrateToLatest(db);
log(`database: ${description}${applied.length ? `; applied ${applied.join(', ')}` : ''}`);
if (config.seedOnStart && (await isDatabaseEmpty(db))) {
  log('empty database: seeding the synthetic Flanders (docs/synthetic-data.md)');
  const seeded = await seedFlanders(db);
  log(`seeded ${JSON.stringify(seeded.counts)} in ${seeded.elapsedMs} ms`);
}

const worker = await runWorker({
  address,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  db,
  settings,
  workflowBundlePath: config.workflowBundle,
  shutdownGraceMs: config.shutdownGraceMs,
});
const temporal = createTemporalClient(address, config.temporalNamespace);
const tokens = createTokenService(jwtSecret(config, { createIfMissing: true }), config.jwtIssuer);
const api = await runApi(
  { db, temporal, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings, tokens },
  { logger: { level: config.logLevel }, bodyLimit: config.bodyLimit },
  config.host,
  config.port,
);

log(`API and UI:      ${api.url}/  (OpenAPI: ${api.url}/docs)`);
log(`Temporal:        ${address} namespace ${config.temporalNamespace}${devServer?.uiUrl ? `, Web UI ${devServer.uiUrl}` : ''}`);
log('bearer tokens:   npm run tokens   (in another terminal)');
log('ready; Ctrl-C stops everything');

onShutdownSignal(async (signal) => {
  log(`${signal}: stopping the API (in-flight requests finish), the worker, the database${devServer ? ', the dev server' : ''}`);
  await api.stop();
  await worker.stop();
  await temporal.connection.close();
  await db.destroy();
  await devServer?.stop();
  log('stopped');
});
