import { awaitProcesses, countOutcome, planWorkload, runCheck, startApp, startStage, whenStarted } from './harness.js';
import { type CheckResult } from './report.js';
import { kill9, log, sleep, startWorker, temporalClient } from './system.js';
import { ApiClient, driveAll, type Mix, pendingNow, reportDeadlines } from './workload.js';

export interface WorkerKillOptions {
  mix: Mix;
  kills: number;
  /** Report budget in seconds (rungs at budget − budget/3, budget, budget + budget/3). */
  budgetS: number;
  concurrency: number;
  seedScale: number;
}

/**
 * Check 1: hundreds of processes in flight (reports with escalation rungs due, enforcement cases
 * sending their aanmaning letters and e-mails, inspections ordering at Modular), started through
 * the real API; the one worker process is killed with SIGKILL at random moments and restarted.
 */
export function workerKillCheck(o: WorkerKillOptions): Promise<CheckResult> {
  return runCheck({ id: '1', title: 'worker killed mid-flight (kill -9, restart)' }, async (t) => {
    const t0 = Date.now();
    const stage = await startStage(t, { label: 'kill', seedScale: o.seedScale, env: { deadlineOverrides: reportDeadlines(o.budgetS) } });
    const { database, modular, env } = stage;
    const app = await startApp(t, stage);
    const client = new ApiClient([app.apis[0]!.url]);
    const tc = temporalClient(stage.temporal.address);
    t.onCleanup(() => tc.connection.close());
    const running = async () => (await tc.workflow.count('ExecutionStatus = "Running"')).count;
    const runningAtKill: number[] = [];
    const { procs, since } = await planWorkload(t, stage, o.mix, 'kill');
    log(`check 1: driving ${procs.length} processes (${JSON.stringify(o.mix)}), ${o.kills} worker kill(s)`);

    // The kills: at random moments while processes are being started and their timers run.
    const killTimes: number[] = [];
    const pendingAtKill: number[] = [];
    const restartMs: number[] = [];
    const driving = driveAll(client, procs, o.concurrency);
    // Kill k of n when k/n of the processes have been started (the last one once all are in
    // flight), plus a random 0–3 s: the kill lands at a random moment of the work.
    const killer = (async () => {
      for (let k = 1; k <= o.kills; k++) {
        await whenStarted(procs, (k / o.kills) * 0.98, 3_000, Number.POSITIVE_INFINITY);
        pendingAtKill.push(await pendingNow(database.db, procs).catch(() => -1));
        runningAtKill.push(await running().catch(() => -1));
        killTimes.push(Math.round((Date.now() - t0) / 1000));
        await kill9(app.workers[0]!);
        log(`check 1: kill -9 worker (pid ${app.workers[0]!.pid}), ${pendingAtKill.at(-1)} accepted processes with a side effect still due, ${runningAtKill.at(-1)} workflows running`);
        await sleep(500 + Math.random() * 2_500);
        const r = Date.now();
        app.workers[0] = await startWorker('worker', env);
        restartMs.push(Date.now() - r);
      }
    })();
    await Promise.all([driving, killer]);
    t.inFlight = Math.max(0, ...pendingAtKill);
    log(`check 1: all started (${procs.filter((p) => p.id).length} accepted); waiting for every process to reach its state`);
    const open = await awaitProcesses(stage, client, procs, Math.max(120_000, o.budgetS * 3_000));
    const orders = (await (await fetch(`${modular!.url}/_control/orders`)).json()) as { createRequests: number }[];
    await countOutcome(t, stage, { mix: o.mix, procs, open, since, clients: [client] }, {
      'in flight at each kill (accepted, side effect still due)': pendingAtKill.join(', '),
      'running workflows at each kill (Temporal; processes and their child flows)': runningAtKill.join(', '),
      'kill moments (s after start)': killTimes.join(', '),
      'worker restart (ms until polling)': restartMs.join(', '),
      'Modular orders / create requests': `${orders.length} / ${orders.reduce((s, x) => s + x.createRequests, 0)}`,
    });
  });
}
