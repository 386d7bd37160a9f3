import { listActiveUsers } from '../db/repositories/users.js';
import { buildStaff } from '../db/seed/index.js';
import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { jwtSecret, openDatabase } from '../platform/runtime.js';
import { createTokenService } from '../api/auth/tokens.js';

// Development aid: HS256 bearer tokens (valid JWT_MAX_LIFETIME_S, 12 hours by default), one line
// per user, or one user's token alone with `npm run tokens -- u-kb-antwerpen-1`. Users come from
// PostgreSQL when DATABASE_URL is set; the embedded database belongs to the running `npm start`
// (PGlite allows one process), so then they come from the deterministic seed, which is what that
// database was filled with. With JWT_JWKS_URL the API accepts only the identity provider's tokens,
// so there is nothing to sign here.
const config = loadConfigOrExit();
if (config.jwtJwksUrl) {
  process.stderr.write(`JWT_JWKS_URL is set: the API accepts only tokens of the identity provider (${config.jwtJwksUrl}), not tokens signed with JWT_SECRET\n`);
  process.exit(78);
}
const tokens = createTokenService(exitOnConfigError(() => jwtSecret(config, { createIfMissing: false })), config.jwtIssuer, {
  audience: config.jwtAudience,
  maxLifetimeS: config.jwtMaxLifetimeS,
});
const only = process.argv[2];

async function users() {
  if (!config.databaseUrl) return buildStaff().users.map((u) => ({ id: u.id, role: u.role, name: u.name }));
  const { db } = await openDatabase(config);
  try {
    return await listActiveUsers(db);
  } finally {
    await db.destroy();
  }
}

const selected = (await users()).filter((u) => !only || u.id === only);
if (selected.length === 0) {
  process.stderr.write(only ? `no active user ${only}\n` : 'no users: run `npm start` or `npm run seed` first\n');
  process.exitCode = 1;
}
for (const u of selected) {
  const token = tokens.sign({ sub: u.id, role: u.role, name: u.name });
  process.stdout.write(only ? `${token}\n` : `${u.id.padEnd(22)} ${u.role.padEnd(18)} ${u.name.padEnd(28)} ${token}\n`);
}
