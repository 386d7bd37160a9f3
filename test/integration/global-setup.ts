import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { freePort } from '../support/free-port.js';
import { adminQuery, dropDatabasesStartingWith } from '../support/postgres-admin.js';
import { prepareTestDatabase } from './test-database.js';
import { connectDatabase } from '../../db/connect.js';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../platform/dev-server.js';
import { workflowsPath } from '../../platform/worker.js';
import { ensureTemporalCli } from '../../platform/temporal-cli.js';
import { buildUi } from '../../platform/ui-build.js';
import { integrationWorkers } from './workers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One dev server per integration worker (vitest.config.ts): a file uses its worker's (harness.ts). */
    temporalAddresses: string[];
    temporalNamespace: string;
    workflowBundlePath: string;
    pgAdminUrl: string;
    runId: string;
    /** The application's role for this run: the API and worker of every test system connect as it (harness.ts). */
    pgAppRole: string;
    /** The database every default test system copies (migrated and seeded once per run). */
    pgTemplate: string;
  }
}

export { freePort };

/**
 * Once per test run: a real Temporal dev server (in memory, on a free port) and a check that
 * PostgreSQL answers. Each test file then makes its own database and worker (test/integration/harness.ts).
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const pgAdminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${pgAdminUrl} (set TEST_DATABASE_ADMIN_URL): ${(err as Error).message}`);
  }
  // The role the API and worker of every test file connect as: only the grants of
  // grantApplicationRole (db/migrate.ts), so every test also proves the app needs no more.
  const pgAppRole = `hh_test_app_${runId}`;
  await admin.query(`create role "${pgAppRole}" login nosuperuser nocreatedb nocreaterole noreplication nobypassrls`);
  await admin.end();
  const pgTemplate = await makeTemplate(pgAdminUrl, `hh_test_${runId}_template`).catch(async (err: unknown) => {
    await dropRole(pgAdminUrl, pgAppRole);
    throw err;
  });

  const namespace = 'handhaving-test';
  // The web UI the browser tests load (docs/ui.md): built once per run, about a second.
  await buildUi();
  const [servers, bundle] = await Promise.all([
    ensureTemporalCli().then((cli) => Promise.all(Array.from({ length: integrationWorkers }, async () => startDevServer({ cli, port: await freePort(), namespace, logLevel: 'error' })))),
    bundleWorkflowCode({ workflowsPath, logger: quietLogger }),
  ]).catch(async (err: unknown) => {
    await dropRole(pgAdminUrl, pgAppRole);
    throw err;
  });
  const workflowBundlePath = join(tmpdir(), `handhaving-workflows-${runId}.js`);
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddresses', servers.map((server) => server.address));
  project.provide('temporalNamespace', namespace);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('pgAdminUrl', pgAdminUrl);
  project.provide('runId', runId);
  project.provide('pgAppRole', pgAppRole);
  project.provide('pgTemplate', pgTemplate);

  return async () => {
    for (const server of servers) await server.stop();
    rmSync(workflowBundlePath, { force: true });
    await dropDatabasesStartingWith(pgAdminUrl, `hh_test_${runId}_`);
    await dropRole(pgAdminUrl, pgAppRole);
  };
}

/** Migrated and seeded once; each file's database is then a copy (`create database … template`). */
async function makeTemplate(adminUrl: string, name: string): Promise<string> {
  await adminQuery(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { db } = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  try {
    await prepareTestDatabase(db);
  } finally {
    // A template may have no open connection while it is copied.
    await db.destroy();
  }
  return name;
}

async function dropRole(adminUrl: string, role: string) {
  await adminQuery(adminUrl, `drop role if exists "${role}"`).catch((err: Error) => {
    process.stderr.write(`could not drop the test role ${role}: ${err.message}\n`);
  });
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error(message: string, meta?: Record<string, unknown>) {
    process.stderr.write(`${message} ${JSON.stringify(meta ?? {})}\n`);
  },
};
