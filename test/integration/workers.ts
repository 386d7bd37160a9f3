/**
 * How many integration test files run at once (vitest.config.ts). Each worker gets its own
 * Temporal dev server: test files share the seeded location ids, and a case's workflow id is its
 * location's, so two files at once on one server would start each other's workflows.
 */
export const integrationWorkers = 2;

/** The index of this file's worker (vitest's VITEST_POOL_ID counts from 1). */
export const workerSlot = (): number => (Number(process.env.VITEST_POOL_ID ?? '1') - 1) % integrationWorkers;
