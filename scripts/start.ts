import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateToLatest } from '../db/migrate.js';
import { isDatabaseEmpty, referenceMoment, seedFlanders } from '../db/seed/index.js';
import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { installWorkerLogging } from '../platform/worker.js';
import { type DevServer, startDevServer } from '../platform/dev-server.js';
import { createTemporalClient, jwtSecret, onShutdownSignal, openDatabase } from '../platform/runtime.js';
import { outboxFromConfig } from '../platform/outbox-dispatcher.js';
import { runApi } from '../platform/services.js';
import { ensureTemporalCli } from '../platform/temporal-cli.js';
import { createProcessSettings } from '../workflows/settings.js';
import { createTokenService, tokenServiceFromConfig } from '../api/auth/tokens.js';
import { modularWebhookSecret } from '../modular/setup.js';
import { startModularSimulator } from '../modular/simulator.js';
import { startRegisteredMailSimulator } from '../channels/registered-mail/simulator.js';
import { startEboxSimulator } from '../channels/ebox/simulator.js';
import { channelOptions, channelWebhookSecret, channelWebhookSettings } from '../channels/setup.js';
import { signInFromConfig } from '../api/routes/sign-in.js';
import { buildUi } from '../platform/ui-build.js';
import { ensureSchedules, runConfiguredWorker } from './configured-worker.js';
import { codecServerOrigins, createDataConverter, payloadCodecFromConfig } from '../platform/payload-codec.js';
import { type BackgroundDemo, startDemoInBackground } from '../demo/background.js';

// The whole system in one terminal: Temporal (a local dev server unless TEMPORAL_ADDRESS is
// set), the database (PostgreSQL from DATABASE_URL, else embedded), the worker and the API.
const config = loadConfigOrExit();
installWorkerLogging(config.logLevel);
const settings = exitOnConfigError(() => createProcessSettings(config));
const log = (line: string) => process.stdout.write(`[start] ${line}\n`);
// Every payload to Temporal is encrypted (docs/security.md); without PAYLOAD_KEYS a dev key is kept in DATA_DIR/payload-keys.
const payloadCodec = exitOnConfigError(() => payloadCodecFromConfig(config, { createIfMissing: true }));
const dataConverter = createDataConverter(payloadCodec);
// The Web UI decodes through the API's codec endpoint (api/routes/codec.ts), on the API's configured port.
const codecEndpoint = `http://${['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/codec`;

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
    uiCodecEndpoint: codecEndpoint,
    logLevel: 'error',
    echo: true,
  });
  address = devServer.address;
}

const { db, description } = await openDatabase(config);
const applied = await migrateToLatest(db);
log(`database: ${description}${applied.length ? `; applied ${applied.join(', ')}` : ''}`);
// The living demo (docs/synthetic-data.md) is made only on a database this start seeded.
let seededNow = false;
if (config.seedOnStart && (await isDatabaseEmpty(db))) {
  seededNow = true;
  log(`empty database: seeding the synthetic Flanders up to ${config.seedReferenceDate} (docs/synthetic-data.md)`);
  // History pinned to SEED_REFERENCE_DATE; only the crisis roster is stretched to cover today.
  const seeded = await seedFlanders(db, { now: referenceMoment(config.seedReferenceDate), rosterAround: new Date() });
  log(`seeded ${JSON.stringify(seeded.counts)} in ${seeded.elapsedMs} ms`);
}

// Zorginspectie's Modular: MODULAR_URL, or else the simulator (modular-sim/) in this process.
const modularSecret = modularWebhookSecret(config, { createIfMissing: true });
const modularSim = config.modularUrl
  ? undefined
  : await startModularSimulator({ host: config.host, port: config.modularSimPort, secret: modularSecret, stepMs: config.modularSimStepMs, callbackUrl: config.modularSimCallbackUrl });
const modularUrl = config.modularUrl ?? modularSim!.url;

// Issue 13: the sending channels (docs/letters.md): REGISTERED_MAIL_URL / EBOX_URL, or else their simulators in this process.
const channelSecret = channelWebhookSecret(config, { createIfMissing: true });
const registeredMailSim = config.registeredMailUrl
  ? undefined
  : await startRegisteredMailSimulator({ host: config.host, port: config.registeredMailSimPort, secret: channelSecret!, stepMs: config.channelSimStepMs });
const eboxSim = config.eboxUrl ? undefined : await startEboxSimulator({ host: config.host, port: config.eboxSimPort, secret: channelSecret! });
const channels = channelOptions(config, { registeredMail: registeredMailSim?.url, ebox: eboxSim?.url });

const worker = await runConfiguredWorker({ config, address, db, settings, dataConverter, modularUrl, channels });
const outbox = outboxFromConfig(config, db, log);
const temporal = createTemporalClient(address, config.temporalNamespace, dataConverter, { interactive: true });
const schedules = await ensureSchedules(temporal, config, settings);
log(`risk screening schedule: ${schedules.screening}`);
log(`retention schedule: ${schedules.retention} (personal data erased ${config.reportRetentionDays} days after a report's closure, docs/retention.md)`);
const tokens = tokenServiceFromConfig(config, () => jwtSecret(config, { createIfMissing: true }));
// The web UI (docs/ui.md): built at every start, about a second.
await buildUi({ log });
// Development sign-in: on unless DEV_SIGN_IN=false or the identity provider's tokens are used.
const signIn = exitOnConfigError(() => signInFromConfig(config, tokens, config.devSignIn || (process.env.DEV_SIGN_IN === undefined && !config.jwtJwksUrl)));
const api = await runApi(
  { db, temporal, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings, tokens, signIn: signIn.settings,
    modularWebhook: { secret: modularSecret, toleranceMs: config.modularWebhookToleranceS * 1000 },
    channelWebhook: channelWebhookSettings(config, channelSecret),
    codecServer: { codec: payloadCodec, allowedOrigins: codecServerOrigins(config), roles: config.payloadCodecRoles } },
  { logger: { level: config.logLevel }, bodyLimit: config.bodyLimit },
  config.host,
  config.port,
);
if (modularSim && !config.modularSimCallbackUrl) modularSim.setCallbackUrl(`${api.url}/modular/webhook`);
registeredMailSim?.setCallbackUrl(`${api.url}/channels/registered-mail/webhook`);
eboxSim?.setCallbackUrl(`${api.url}/channels/ebox/webhook`);

log(`API and UI:      ${api.url}/  (OpenAPI: ${api.url}/docs)`);
log(`Temporal:        ${address} namespace ${config.temporalNamespace}${devServer?.uiUrl ? `, Web UI ${devServer.uiUrl}` : ''}`);
if (devServer?.uiUrl) log(`payload codec:   key ${payloadCodec.currentKeyId}; the Web UI decodes through ${codecEndpoint} after you sign in at ${api.url}/codec/ (docs/security.md)`);
log(`Modular:         ${modularUrl}${modularSim ? ' (simulator; control endpoints under /_control)' : ''}`);
log(`letters:         registered mail ${channels.registeredMail?.baseUrl ?? '(none)'}${registeredMailSim ? ' (simulator)' : ''}, e-Box ${channels.ebox?.baseUrl ?? '(none)'}${eboxSim ? ' (simulator)' : ''}, e-mail ${channels.smtp ? 'SMTP_URL' : 'queued (no SMTP_URL)'} (docs/letters.md)`);
log(config.jwtJwksUrl ? `bearer tokens:   from the identity provider (${tokens.describe})` : 'bearer tokens:   npm run tokens   (in another terminal)');
log(`sign-in:         ${signIn.describe}`);
log('ready; Ctrl-C stops everything');

// On a database seeded just now: a living present, made through the API in the background (the
// API is ready already); it signs development tokens for the seeded users, so not with JWT_JWKS_URL.
let demo: BackgroundDemo | undefined;
if (seededNow && config.demoOnStart) {
  if (config.jwtJwksUrl) log('demo: skipped (JWT_JWKS_URL is set: the demo signs development tokens)');
  else {
    const demoTokens = createTokenService(jwtSecret(config, { createIfMissing: true }), config.jwtIssuer, { audience: config.jwtAudience, maxLifetimeS: config.jwtMaxLifetimeS });
    demo = startDemoInBackground({ apiUrl: api.url, tokens: demoTokens, simulatorUrl: modularSim?.url, log });
  }
}

onShutdownSignal(async (signal) => {
  log(`${signal}: stopping the API (in-flight requests finish), the worker, the database${devServer ? ', the dev server' : ''}`);
  await demo?.stop();
  await api.stop();
  await worker.stop();
  await outbox?.stop();
  await modularSim?.stop();
  await registeredMailSim?.stop();
  await eboxSim?.stop();
  await temporal.connection.close();
  await db.destroy();
  await devServer?.stop();
  log('stopped');
});
