import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import {
  meldingStartConfirmed,
  meldingStartFailed,
  overdueMeldingStarts,
  queuedMeldingStart,
} from '../../../db/repositories/melding-starts.js';
import { meldingStartAttributes } from '../../../workflows/melding/client.js';
import { type MeldingInput, meldingWorkflowId, meldingWorkflowType } from '../../../workflows/melding/definitions.js';
import { ReportCase } from '../../../workflows/melding/report-case.js';
import type { AppDependencies } from '../../dependencies.js';

/** A report the API registered: its input carries the intake's decision. */
export type RegisteredInput = MeldingInput & { intake: NonNullable<MeldingInput['intake']> };

/** When the sweep runs, and how old a queued start must be before the sweep takes it from the intake that queued it. */
export const meldingStartTiming = { sweepEveryMs: 2_000, graceMs: 5_000, batch: 100, failuresPerRound: 3 } as const;

/** The intake's decision (first state and changes), by the workflow's own code, from the input that carries it. */
export function decidedIntake(input: RegisteredInput) {
  const report = new ReportCase(input);
  const events = report.registerAndRoute(Date.parse(input.intake.at), input.createdBy, input.intake.crisisCoordinator);
  return { state: report.state, events };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export interface MeldingStarter {
  /** After the intake's commit: starts the workflow in the background; a start that fails stays queued for the sweep. */
  kick(input: RegisteredInput): void;
  /**
   * For a command or a read that found no workflow: starts it now when its start is still queued
   * (the intake's own start not through yet, or waiting for the sweep). True when it did; false
   * when none is queued; the start's error when it failed (it stays queued).
   */
  startIfQueued(meldingId: string): Promise<boolean>;
  /** Starts the starts queued longer than the grace (a batch); answers how many it started. */
  sweep(): Promise<number>;
  /** Sweeps every `sweepEveryMs` until stopped (the API that listens; docs/meldingen.md, "Never lost"). */
  run(): void;
  /** Stops the sweep and waits for the starts in flight. */
  stop(): Promise<void>;
}

/**
 * The starts of reports' workflows after their intake has committed (issue 15; docs/meldingen.md,
 * "Never lost"). A start is idempotent: the workflow id is the report's, `FAIL` on a running
 * workflow and `REJECT_DUPLICATE` on a closed one, so a second start of the same report (the kick
 * and the sweep, two APIs) finds it started and only confirms. The search attributes are those
 * the intake decided, recomputed from the input by the workflow's own code.
 */
export function meldingStarter(deps: Pick<AppDependencies, 'db' | 'temporal' | 'taskQueue'>, log: FastifyBaseLogger): MeldingStarter {
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<number> = Promise.resolve(0);
  let stopped = false;

  async function start(input: RegisteredInput): Promise<void> {
    const { state } = decidedIntake(input);
    try {
      await deps.temporal.workflow.start(meldingWorkflowType, {
        workflowId: meldingWorkflowId(input.meldingId),
        taskQueue: deps.taskQueue,
        // Only ever after the intake's commit: the register holds the report (IntakeDecision.committed).
        args: [{ ...input, intake: { ...input.intake, committed: true } }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: meldingStartAttributes(state),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await meldingStartConfirmed(deps.db, input.meldingId);
  }

  /** A start that failed stays queued, its attempt and error counted, and is thrown. */
  async function attempt(input: RegisteredInput): Promise<void> {
    const track = start(input);
    inFlight.add(track);
    try {
      await track;
    } catch (err) {
      await meldingStartFailed(deps.db, input.meldingId, errorText(err)).catch(() => undefined);
      throw err;
    } finally {
      inFlight.delete(track);
    }
  }

  /** An attempt outside the sweep: its failure logged on its own. */
  async function attemptLogged(input: RegisteredInput, attempts: number): Promise<void> {
    try {
      await attempt(input);
    } catch (err) {
      log.warn({ meldingId: input.meldingId, attempts: attempts + 1, err: errorText(err) }, 'melding start: failed; it stays queued for the sweep');
      throw err;
    }
  }

  /**
   * The fewest attempts first, so that a start that keeps failing does not hold up the others; the
   * round ends after a few failures in a row (Temporal away: the next round tries again). One log
   * line per round, not one per report.
   */
  async function sweep(): Promise<number> {
    const due = await overdueMeldingStarts(deps.db, new Date(Date.now() - meldingStartTiming.graceMs), meldingStartTiming.batch);
    let started = 0;
    let failedInARow = 0;
    let lastError: string | undefined;
    for (const queued of due) {
      if (stopped || failedInARow >= meldingStartTiming.failuresPerRound) break;
      try {
        await attempt(queued.input as unknown as RegisteredInput);
        started += 1;
        failedInARow = 0;
      } catch (err) {
        failedInARow += 1;
        lastError = errorText(err);
      }
    }
    if (lastError) log.warn({ started, queued: due.length, err: lastError }, 'melding start: the sweep could not start every queued report; next round');
    else if (started > 0) log.info({ started, queued: due.length }, 'melding start: the sweep started queued reports');
    return started;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      sweeping = sweeping.then(sweep).catch((err: unknown) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'melding start: sweep failed; next round');
        return 0;
      });
      void sweeping.finally(schedule);
    }, meldingStartTiming.sweepEveryMs);
    timer.unref();
  }

  return {
    kick(input) {
      // After the answer is on its way: the start's encoding would otherwise hold it up.
      setImmediate(() => void attemptLogged(input, 0).catch(() => undefined));
    },
    async startIfQueued(meldingId) {
      const queued = await queuedMeldingStart(deps.db, meldingId);
      if (!queued) return false;
      await attemptLogged(queued.input as unknown as RegisteredInput, queued.attempts);
      return true;
    },
    sweep,
    run() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await sweeping.catch(() => 0);
      await Promise.allSettled([...inFlight]);
    },
  };
}
