import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run screenshots`: runs the per-role browser tests with UI_SCREENSHOTS set, so they save
// the main screens as docs/screenshots/*.png (shown in the README; docs/ui.md). Needs what the
// integration tests need: PostgreSQL on 127.0.0.1:5432 and Chromium.
// ui-roles: sign-in, Mijn werk, reports, notifications; ui-surfaces: the jurist's review, the team
// dashboard, inspections, the risk screening and the model versions.
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const files = ['test/integration/ui-roles.test.ts', 'test/integration/ui-surfaces.test.ts'];
const result = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UI_SCREENSHOTS: join(root, 'docs/screenshots') },
});
process.exit(result.status ?? 1);
