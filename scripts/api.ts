import { exitOnConfigError, loadConfigOrExit } from '../lib/config.js';
import { createTemporalClient, jwtSecret, onShutdownSignal, openDatabase } from '../lib/runtime.js';
import { runApi } from '../lib/services.js';
import { createProcessSettings } from '../lib/process-settings.js';
import { createTokenService } from '../lib/tokens.js';
import { modularWebhookSecret } from '../lib/modular/setup.js';

// The API as its own process (production path): needs a reachable Temporal and database.
const config = loadConfigOrExit();
const address = config.temporalAddress ?? '127.0.0.1:7233';
const secret = exitOnConfigError(() => jwtSecret(config, { createIfMissing: false }));
const settings = exitOnConfigError(() => createProcessSettings(config));
// Without MODULAR_WEBHOOK_SECRET (or the dev secret file) the Modular webhook answers 503.
let modularSecret: string | undefined;
try {
  modularSecret = modularWebhookSecret(config, { createIfMissing: false });
} catch {
  modularSecret = undefined;
}
const { db, description } = await openDatabase(config);
const temporal = createTemporalClient(address, config.temporalNamespace);
const api = await runApi(
  { db, temporal, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings, tokens: createTokenService(secret, config.jwtIssuer),
    ...(modularSecret ? { modularWebhook: { secret: modularSecret, toleranceMs: config.modularWebhookToleranceS * 1000 } } : {}) },
  { logger: { level: config.logLevel }, bodyLimit: config.bodyLimit },
  config.host,
  config.port,
);
api.app.log.info({ database: description, temporal: address, namespace: config.temporalNamespace }, `API on ${api.url}`);

onShutdownSignal(async () => {
  await api.stop();
  await temporal.connection.close();
  await db.destroy();
});
