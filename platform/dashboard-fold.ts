import type { Kysely } from 'kysely';
import { foldDashboard } from '../db/repositories/dashboard-fold.js';
import type { Database } from '../db/schema.js';

export interface DashboardFoldOptions {
  db: Kysely<Database>;
  /** Between rounds (default 5 s). */
  intervalMs?: number;
  /** Deltas per summary per batch (default 5,000): one short transaction each. */
  batchRows?: number;
  /** A round stops taking batches after this long (default 2 s) and goes on at the next one. */
  roundBudgetMs?: number;
  log?: (message: string) => void;
}

export interface RunningDashboardFold {
  /** One round now (tests, the bench): answers the rows moved. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Keeps the dashboard's delta tables small (docs/work-surfaces.md, "Team dashboard"): every
 * `intervalMs` it folds batches of deltas into the summaries until a batch comes back short or
 * the round's budget is spent. Any number of workers may run one: the fold's advisory lock is
 * tried, so one folds and the others skip the round. Readers are exact whatever this does; a
 * failing round is logged and the next one tries again: it never stops the worker.
 */
export function startDashboardFold(options: DashboardFoldOptions): RunningDashboardFold {
  const intervalMs = options.intervalMs ?? 5_000;
  const batchRows = options.batchRows ?? 5_000;
  const budgetMs = options.roundBudgetMs ?? 2_000;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = false;
  let failing = false;

  async function round(): Promise<number> {
    const until = performance.now() + budgetMs;
    let total = 0;
    for (;;) {
      const moved = await foldDashboard(options.db, batchRows);
      if (moved === null) return total;
      total += moved;
      // A short batch: everything visible is folded (a full one leaves the rest for the next).
      if (moved < batchRows || stopped || performance.now() > until) return total;
    }
  }

  function next(): Promise<number> {
    running = running.catch(() => 0).then(round).then(
      (moved) => {
        if (failing) log('dashboard fold: folding again');
        failing = false;
        return moved;
      },
      (err: unknown) => {
        // Logged once per outage, not once per round.
        if (!failing) log(`dashboard fold: ${err instanceof Error ? err.message : String(err)} (the dashboard stays exact; retrying every ${intervalMs} ms)`);
        failing = true;
        return 0;
      });
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void next().finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    runOnce() {
      // As a round, after the one running; its error goes to the caller.
      running = running.catch(() => 0).then(round);
      return running;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
