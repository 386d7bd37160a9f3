import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { createTemporalClient, jwtSecret, onShutdownSignal, openDatabase } from '../platform/runtime.js';
import { runApi } from '../platform/services.js';
import { createProcessSettings } from '../workflows/settings.js';
import { tokenServiceFromConfig } from '../api/auth/tokens.js';
import { modularWebhookSecret } from '../modular/setup.js';
import { channelWebhookSecret, channelWebhookSettings } from '../channels/setup.js';
import { signInFromConfig } from '../api/routes/sign-in.js';
import { codecServerOrigins, createDataConverter, payloadCodecFromConfig } from '../platform/payload-codec.js';

// The API as its own process (production path): needs a reachable Temporal and database.
const config = loadConfigOrExit();
const address = config.temporalAddress ?? '127.0.0.1:7233';
// JWT_JWKS_URL: the identity provider's keys; otherwise HS256 with JWT_SECRET (required then).
const tokens = exitOnConfigError(() => tokenServiceFromConfig(config, () => jwtSecret(config, { createIfMissing: false })));
const settings = exitOnConfigError(() => createProcessSettings(config));
// Sign-in for the web UI: OIDC_ISSUER (production) and/or DEV_SIGN_IN (docs/ui.md#sign-in).
const signIn = exitOnConfigError(() => signInFromConfig(config, tokens));
// PAYLOAD_KEYS is required (or the dev keys `npm start` made in DATA_DIR): the API encrypts what it sends to Temporal.
const payloadCodec = exitOnConfigError(() => payloadCodecFromConfig(config, { createIfMissing: false }));
// Without MODULAR_WEBHOOK_SECRET (or the dev secret file) the Modular webhook answers 503.
let modularSecret: string | undefined;
try {
  modularSecret = modularWebhookSecret(config, { createIfMissing: false });
} catch {
  modularSecret = undefined;
}
const { db, description } = await openDatabase(config);
const temporal = createTemporalClient(address, config.temporalNamespace, createDataConverter(payloadCodec), { interactive: true });
const api = await runApi(
  { db, temporal, namespace: config.temporalNamespace, taskQueue: config.taskQueue, settings, tokens, signIn: signIn.settings,
    ...(modularSecret ? { modularWebhook: { secret: modularSecret, toleranceMs: config.modularWebhookToleranceS * 1000 } } : {}),
    codecServer: { codec: payloadCodec, allowedOrigins: codecServerOrigins(config), roles: config.payloadCodecRoles },
    // Issue 13: the sending channels' callbacks (CHANNEL_WEBHOOK_SECRET); without it they answer 503.
    channelWebhook: channelWebhookSettings(config, channelWebhookSecret(config, { createIfMissing: false })) },
  { logger: { level: config.logLevel }, bodyLimit: config.bodyLimit },
  config.host,
  config.port,
);
api.app.log.info({ database: description, temporal: address, namespace: config.temporalNamespace, tokens: tokens.describe, signIn: signIn.describe }, `API on ${api.url}`);

onShutdownSignal(async () => {
  await api.stop();
  await temporal.connection.close();
  await db.destroy();
});
