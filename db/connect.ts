import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// `date` columns stay 'YYYY-MM-DD' text: a JavaScript Date would shift them by the time zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value: string) => value);
// bigint (bigserial ids, counts) stays a string in pg; counts are cast explicitly where needed.

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'embedded'; dataDir: string | undefined };

export interface DatabaseHandle {
  db: Kysely<Database>;
  target: DatabaseTarget['kind'];
  /** A short description for logs, without credentials. */
  description: string;
}

/** PostgreSQL when a URL is given; otherwise PGlite, on disk under dataDir (in memory if undefined). */
export async function connectDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10, connectionTimeoutMillis: 5_000 });
    // A client losing its server must not crash the process, idle or busy: an idle one's error
    // comes to the pool, a busy one's to the client (its query is rejected with it, which the API
    // answers as 503 and an activity retries).
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const url = new URL(target.url);
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      target: 'postgres',
      description: `postgres://${url.host}${url.pathname}`,
    };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.dataDir, {
    parsers: { [DATE_OID]: (value: string) => value },
  });
  return {
    db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) }),
    target: 'embedded',
    description: target.dataDir ? `embedded PGlite at ${target.dataDir}` : 'embedded PGlite in memory',
  };
}
