import { defineConfig } from 'vitest/config';
import { integrationWorkers } from './test/integration/workers.js';

// Two projects: pure logic (fast, no services) and integration (a real Temporal dev server and a
// real PostgreSQL, started once for the run by test/integration/global-setup.ts).
export default defineConfig({
  test: {
    maxWorkers: integrationWorkers,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Three files at a time on two cores, each worker with its own Temporal dev server
          // (workers.ts): most of a file's time is waiting on timers and polls, which the others fill.
          fileParallelism: true,
          maxWorkers: integrationWorkers,
        },
      },
    ],
  },
});
