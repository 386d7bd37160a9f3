import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { connectDatabase, type DatabaseHandle } from '../db/connect.js';
import type { Config } from './config.js';
import { ConfigError } from './config.js';

/** The database the configuration names: PostgreSQL from DATABASE_URL, else PGlite under DATA_DIR. */
export function openDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? connectDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize })
    : connectDatabase({ kind: 'embedded', dataDir: resolve(config.dataDir, 'pglite') });
}

/**
 * A Temporal client whose connection is made on first use, so the API starts (and answers
 * /healthz, and 503 on /readyz) while Temporal is still away. The data converter is required:
 * every client of the product encrypts its payloads (platform/payload-codec.ts).
 */
export function createTemporalClient(address: string, namespace: string, dataConverter: DataConverter, options: { interactive?: boolean } = {}): Client {
  const connection = Connection.lazy({
    address,
    connectTimeout: 5_000,
    // A person waits on the API's calls: while Temporal is away they get 503 in about three
    // seconds (and retry, with their Idempotency-Key), not after the SDK's twenty seconds of
    // retrying. Workers and schedulers keep the SDK's patient default.
    ...(options.interactive ? { interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 6 }))] } : {}),
  });
  return new Client({ connection, namespace, dataConverter });
}

/**
 * JWT_SECRET, or for the local all-in-one mode a random secret kept in DATA_DIR/jwt-secret, so
 * that `npm run tokens` and a restarted `npm start` agree without anyone inventing a secret.
 */
export function jwtSecret(config: Config, { createIfMissing }: { createIfMissing: boolean }): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(resolve(config.dataDir), 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!createIfMissing) {
    throw new ConfigError('JWT_SECRET', `is required (or run \`npm start\` once to create ${file})`);
  }
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Runs `stop` once on the first SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdownSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      stop(signal).then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`shutdown failed: ${err instanceof Error ? err.stack : String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
}
