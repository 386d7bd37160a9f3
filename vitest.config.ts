import { defineConfig } from 'vitest/config';

// Two projects: pure logic (fast, no services) and integration (a real Temporal dev server and a
// real PostgreSQL, started once for the run by test/integration/global-setup.ts).
export default defineConfig({
  test: {
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
          // Two cores: one file at a time keeps the dev server and PostgreSQL responsive.
          fileParallelism: false,
        },
      },
    ],
  },
});
