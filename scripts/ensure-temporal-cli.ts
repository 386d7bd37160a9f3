import { ensureTemporalCli } from '../platform/temporal-cli.js';

// Run by `npm start`, `npm test` and .ci/run before anything needs the dev server.
const path = await ensureTemporalCli();
process.stdout.write(`Temporal CLI: ${path}\n`);
