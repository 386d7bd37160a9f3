import { connectDatabase } from '../../db/connect.js';
import { startOutboxDispatcher } from '../../platform/outbox-dispatcher.js';

// The outbox dispatcher alone in a process of its own (the worker runs the same code), for the
// fault smoke test in vitest (test/integration/faults-smoke.test.ts), which kills it with SIGKILL.
// DATABASE_URL, SMTP_URL, OUTBOX_POLL_MS.
const { db } = await connectDatabase({ kind: 'postgres', url: process.env.DATABASE_URL!, poolSize: 4 });
startOutboxDispatcher({
  db,
  smtpUrl: process.env.SMTP_URL!,
  from: 'handhaving@opgroeien.test',
  intervalMs: Number(process.env.OUTBOX_POLL_MS ?? 200),
  log: (m) => process.stdout.write(`${m}\n`),
});
process.stdout.write('dispatcher running\n');
