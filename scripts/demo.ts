import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { jwtSecret } from '../platform/runtime.js';
import { createTokenService } from '../api/auth/tokens.js';
import { createPresent } from '../demo/present.js';

// `npm run demo`: makes (or finishes) the living demo against a running `npm start` or `npm run api`
// (docs/synthetic-data.md, "The living demo"). Idempotent: running it again adds nothing.
// Options: --url <API base URL> (default http://HOST:PORT), --modular-sim <simulator base URL>
// (default http://HOST:MODULAR_SIM_PORT unless MODULAR_URL is set), --no-modular-sim.
const config = loadConfigOrExit();
if (config.jwtJwksUrl) {
  process.stderr.write(`JWT_JWKS_URL is set: the API accepts only tokens of the identity provider (${config.jwtJwksUrl}); the demo signs development tokens and cannot run\n`);
  process.exit(78);
}
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
const apiUrl = (arg('--url') ?? `http://${host}:${config.port}`).replace(/\/$/, '');
const simulatorUrl = process.argv.includes('--no-modular-sim')
  ? undefined
  : (arg('--modular-sim') ?? (config.modularUrl ? undefined : `http://${host}:${config.modularSimPort}`));
const tokens = createTokenService(exitOnConfigError(() => jwtSecret(config, { createIfMissing: false })), config.jwtIssuer, {
  audience: config.jwtAudience,
  maxLifetimeS: config.jwtMaxLifetimeS,
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const summary = await createPresent({ apiUrl, tokens, simulatorUrl, signal: controller.signal });
  if (summary.failures.length > 0) process.exitCode = 1;
} catch (err) {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
