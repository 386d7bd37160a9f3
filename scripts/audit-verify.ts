import { verifyAuditChain } from '../db/repositories/audit.js';
import { loadConfigOrExit } from '../platform/config.js';
import { openDatabase } from '../platform/runtime.js';

// `npm run audit:verify`: walks the audit log's hash chain (docs/security.md, "Audit trail").
// Prints { valid, checked, firstBrokenId, lastHash } as JSON; exit 1 when the chain is broken.
// Reading is enough: it runs as the application's role (DATABASE_URL) as well as the owner.
const config = loadConfigOrExit();
const { db, description } = await openDatabase(config);
try {
  const result = await verifyAuditChain(db);
  process.stdout.write(`${JSON.stringify({ database: description, ...result })}\n`);
  if (!result.valid) {
    process.stderr.write(`audit log chain broken at record ${result.firstBrokenId} (after ${result.checked - 1} good records)\n`);
    process.exitCode = 1;
  }
} finally {
  await db.destroy();
}
