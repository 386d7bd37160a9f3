import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { recordAudit } from '../db/repositories/audit.js';
import { exitOnConfigError, loadConfigOrExit } from '../platform/config.js';
import { createDataConverter, payloadCodecFromConfig } from '../platform/payload-codec.js';
import { createTemporalClient, openDatabase } from '../platform/runtime.js';
import { resyncCases } from '../workflows/enforcement/resync.js';

// `npm run cases:resync [-- --apply] [--grace-s 120]`: finds the running enforcement cases whose
// step runs without the case knowing it (docs/reliability.md, gap 7) and, with --apply, asks each
// such step to report to its case again. Prints the report as JSON (ids only, no personal data);
// exit 1 when a stuck case is left (not repaired, or found without --apply). Each repair request
// is audited as handhaving.step_progress_resent when DATABASE_URL is set (the embedded database
// belongs to the running `npm start`).
const { values } = parseArgs({ options: { apply: { type: 'boolean', default: false }, 'grace-s': { type: 'string', default: '120' } } });
const graceS = Number(values['grace-s']);
if (!Number.isInteger(graceS) || graceS < 0 || graceS > 86_400) {
  process.stderr.write('--grace-s must be a whole number of seconds from 0 to 86400\n');
  process.exit(2);
}
const config = loadConfigOrExit();
const codec = exitOnConfigError(() => payloadCodecFromConfig(config, { createIfMissing: false }));
const temporal = createTemporalClient(config.temporalAddress ?? '127.0.0.1:7233', config.temporalNamespace, createDataConverter(codec));
const database = config.databaseUrl ? await openDatabase(config) : undefined;
const operator = `operator:${userInfo().username}`;
try {
  const report = await resyncCases(temporal, {
    taskQueue: config.taskQueue,
    apply: values.apply,
    graceMs: graceS * 1000,
    beforeRepair: async (c) => {
      if (!database) return;
      await recordAudit(database.db, {
        actor_id: operator, actor_role: 'operator', action: 'handhaving.step_progress_resent', subject_type: 'handhaving', subject_id: c.caseId,
        details: { stepWorkflowId: c.stepWorkflowId, stepStartedAt: c.stepStartedAt }, request_id: null,
        idempotency_key: `step-progress-resent:${c.stepWorkflowId}:${Date.now()}`,
      });
    },
  });
  process.stdout.write(`${JSON.stringify({ applied: values.apply, audited: values.apply && database !== undefined, ...report }, null, 2)}\n`);
  if (report.stuck.some((c) => c.repaired !== true)) process.exitCode = 1;
} finally {
  await temporal.connection.close();
  await database?.db.destroy();
}
