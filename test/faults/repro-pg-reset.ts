import { sql } from 'kysely';
import { connectDatabase } from '../../db/connect.js';
import { freePort } from './system.js';
import { TcpProxy } from './tcp-proxy.js';

// Minimal reproduction of the defect check 3 found (docs/reliability.md, Known gaps): a query in
// flight when the PostgreSQL connection is reset crashes the whole process with an unhandled
// 'error' event of pg's Client, instead of only failing that query.
//   node --import tsx test/faults/repro-pg-reset.ts   → exit 0 "survived" when fixed, a crash when not.
const admin = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const proxy = new TcpProxy(await freePort(), admin.hostname, Number(admin.port || 5432));
await proxy.restore();
const url = new URL(admin);
url.host = proxy.address;
const { db } = await connectDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
const query = sql`select pg_sleep(5)`.execute(db).then(
  () => 'query completed',
  (err: Error) => `query rejected: ${err.message}`,
);
setTimeout(() => void proxy.cut(), 500);
process.stdout.write(`${await query}\nprocess survived the connection reset\n`);
process.exit(0);
