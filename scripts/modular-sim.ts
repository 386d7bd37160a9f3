import { loadConfigOrExit, exitOnConfigError } from '../platform/config.js';
import { modularWebhookSecret } from '../modular/setup.js';
import { onShutdownSignal } from '../platform/runtime.js';
import { startModularSimulator } from '../modular/simulator.js';

// The Modular simulator as its own process (`npm run modular-sim`): point MODULAR_URL at it.
const config = loadConfigOrExit();
const secret = exitOnConfigError(() => modularWebhookSecret(config, { createIfMissing: true }));
const callbackUrl = config.modularSimCallbackUrl ?? `http://${config.host}:${config.port}/modular/webhook`;
const sim = await startModularSimulator({ host: config.host, port: config.modularSimPort, secret, callbackUrl, stepMs: config.modularSimStepMs, logger: false });
process.stdout.write(`[modular-sim] Modular simulator on ${sim.url} (MODULAR_URL), webhooks to ${callbackUrl}, ` +
  `${config.modularSimStepMs > 0 ? `one step every ${config.modularSimStepMs} ms` : 'steps on command only'}\n`);

onShutdownSignal(async () => {
  await sim.stop();
});
