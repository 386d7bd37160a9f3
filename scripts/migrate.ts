import { resolve } from 'node:path';
import { connectDatabase } from '../db/connect.js';
import { ApplicationRoleError, grantApplicationRole, migrateToLatest } from '../db/migrate.js';
import { ConfigError, exitOnConfigError, loadConfigOrExit } from '../platform/config.js';

// Runs as the owner: MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded database.
// With APP_DATABASE_ROLE it then gives the application's role its grants (docs/security.md).
const config = loadConfigOrExit();
const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl;
const appRole = config.appDatabaseRole;
exitOnConfigError(() => {
  if (appRole && !ownerUrl) throw new ConfigError('APP_DATABASE_ROLE', 'needs PostgreSQL (MIGRATION_DATABASE_URL or DATABASE_URL): the embedded database has a single role');
});
/** The password of DATABASE_URL when it connects as the application's role: used only to create that role. */
const appUrl = config.databaseUrl ? new URL(config.databaseUrl) : undefined;
const appPassword = appUrl && appRole && decodeURIComponent(appUrl.username) === appRole && appUrl.password ? decodeURIComponent(appUrl.password) : undefined;

const { db, description } = ownerUrl
  ? await connectDatabase({ kind: 'postgres', url: ownerUrl, poolSize: 2 })
  : await connectDatabase({ kind: 'embedded', dataDir: resolve(config.dataDir, 'pglite') });
try {
  const applied = await migrateToLatest(db);
  process.stdout.write(`${description}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
  if (appRole) {
    const grants = await grantApplicationRole(db, appRole, { createWithPassword: appPassword });
    process.stdout.write(
      `role ${grants.role}${grants.created ? ' (created)' : ''}: SELECT, INSERT on ${grants.appendOnly.join(', ')}; `
      + `SELECT, INSERT, UPDATE, DELETE on ${grants.readWrite.length} other tables\n`,
    );
    if (appUrl && decodeURIComponent(appUrl.username) !== appRole) {
      process.stderr.write(`note: DATABASE_URL connects as "${decodeURIComponent(appUrl.username)}", not as APP_DATABASE_ROLE "${appRole}"\n`);
    }
  } else if (config.migrationDatabaseUrl) {
    process.stderr.write('note: MIGRATION_DATABASE_URL is set but APP_DATABASE_ROLE is not: no grants given\n');
  }
} catch (err) {
  if (err instanceof ApplicationRoleError) {
    process.stderr.write(`APP_DATABASE_ROLE: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await db.destroy();
}
