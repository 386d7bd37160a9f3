/**
 * How many integration test files run at once (vitest.config.ts). Three on the 2-core machine:
 * vitest 425 s against 501 s with two, run after run in the same hour (2026-12-02), every test passing; the
 * files mostly wait on timers and polls. Each worker gets its own
 * Temporal dev server: test files share the seeded location ids, and a case's workflow id is its
 * location's, so two files at once on one server would start each other's workflows.
 */
export const integrationWorkers = 3;

/** The index of this file's worker (vitest's VITEST_POOL_ID counts from 1). */
export const workerSlot = (): number => (Number(process.env.VITEST_POOL_ID ?? '1') - 1) % integrationWorkers;
