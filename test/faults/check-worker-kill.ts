import { dupFigures, type CheckResult } from './report.js';
import { appEnv, type Child, createDatabase, kill9, stopChild, temporalClient, log, sleep, startApi, startModular, startSmtp, startTemporal, startWorker } from './system.js';
import { ApiClient, awaitAll, driveAll, duplicates, enforcementOverrides, type Mix, pendingNow, plan, slowestDrive, reportDeadlines, totalDuplicates } from './workload.js';

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
export async function workerKillCheck(o: WorkerKillOptions): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const figures: Record<string, string | number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let started = 0;
  let inFlight = 0;
  let lost = 0;
  let duplicated = 0;
  try {
    const [database, temporal, modular, smtp] = await Promise.all([createDatabase('kill', o.seedScale), startTemporal(), startModular(), startSmtp()]);
    cleanups.push(() => database.drop(), () => temporal.stop(), () => modular.stop(), () => smtp.stop());
    const env = await appEnv({
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      taskQueue: 'handhaving-faults',
      modularUrl: modular.url,
      smtpUrl: smtp.url,
      deadlineOverrides: reportDeadlines(o.budgetS),
      enforcementOverrides,
    });
    let worker: Child = await startWorker('worker', env);
    const api = await startApi('api', env);
    cleanups.push(async () => {
      await stopChild(api.child);
      await stopChild(worker);
    });
    modular.setCallbackUrl(`${api.url}/modular/webhook`);
    const client = new ApiClient([api.url]);
    const tc = temporalClient(temporal.address);
    cleanups.push(() => tc.connection.close());
    const running = async () => (await tc.workflow.count('ExecutionStatus = "Running"')).count;
    const runningAtKill: number[] = [];
    const procs = await plan(database.db, o.mix, 'kill');
    started = procs.length;
    const since = new Date(Date.now() - 1_000);
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
        const share = k / o.kills;
        while (procs.filter((p) => p.driveMs !== undefined).length < share * procs.length * 0.98) await sleep(250);
        await sleep(Math.random() * 3_000);
        pendingAtKill.push(await pendingNow(database.db, procs).catch(() => -1));
        runningAtKill.push(await running().catch(() => -1));
        killTimes.push(Math.round((Date.now() - t0) / 1000));
        await kill9(worker);
        log(`check 1: kill -9 worker (pid ${worker.pid}), ${pendingAtKill.at(-1)} accepted processes with a side effect still due, ${runningAtKill.at(-1)} workflows running`);
        await sleep(500 + Math.random() * 2_500);
        const r = Date.now();
        worker = await startWorker('worker', env);
        restartMs.push(Date.now() - r);
      }
    })();
    await Promise.all([driving, killer]);
    const notAccepted = procs.filter((p) => p.notAccepted);
    const accepted = procs.filter((p) => p.id);
    const commandFailures = procs.filter((p) => p.commandFailures.length > 0);
    inFlight = Math.max(0, ...pendingAtKill);
    log(`check 1: all started (${accepted.length} accepted); waiting for every process to reach its state`);
    const open = await awaitAll(client, database.db, procs, Math.max(120_000, o.budgetS * 3_000));
    lost = open.length;
    // Let anything that would be sent twice arrive before counting.
    await sleep(3_000);
    const dups = await duplicates(database.db, smtp, modular.url, since);
    duplicated = totalDuplicates(dups);
    const orders = (await (await fetch(`${modular.url}/_control/orders`)).json()) as { createRequests: number }[];
    Object.assign(figures, {
      'processes by kind': JSON.stringify(o.mix),
      'in flight at each kill (accepted, side effect still due)': pendingAtKill.join(', '),
      'running workflows at each kill (Temporal; processes and their child flows)': runningAtKill.join(', '),
      'kill moments (s after start)': killTimes.join(', '),
      'worker restart (ms until polling)': restartMs.join(', '),
      'accepted by the API': accepted.length,
      'not accepted (refused/no answer)': notAccepted.length,
      'commands that needed a retry or failed': commandFailures.length,
      'API 503 answers (all problem+json)': client.unavailable,
      'slowest start per kind (ms)': slowestDrive(procs),
      'e-mails at the SMTP server': smtp.received.length,
      'Modular orders / create requests': `${orders.length} / ${orders.reduce((s, x) => s + x.createRequests, 0)}`,
      ...dupFigures(dups),
    });
    for (const p of notAccepted) {
      const row = p.kind === 'aanmaning' ? await database.db.selectFrom('enforcement_cases').select('id').where('location_id', '=', p.locationId).executeTakeFirst() : undefined;
      if (row) p.notAccepted += ` (the case ${row.id} exists: the client never got an answer)`;
    }
    if (notAccepted.length) failures.push(`${notAccepted.length} not accepted, e.g. ${notAccepted[0]!.notAccepted}`);
    if (commandFailures.length) failures.push(`${commandFailures.length} with failed commands, e.g. ${commandFailures[0]!.key}: ${commandFailures[0]!.commandFailures.join('; ')}`);
    if (lost) failures.push(`${lost} lost: ${open.slice(0, 5).map((p) => `${p.kind} ${p.id}`).join(', ')}`);
    if (duplicated) failures.push(`duplicates: ${dups.details.slice(0, 8).join('; ')}`);
    if (client.badErrors.length) failures.push(`bad error answers: ${client.badErrors.slice(0, 3).join(' | ')}`);
  } catch (err) {
    failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  return { id: '1', title: 'worker killed mid-flight (kill -9, restart)', ok: failures.length === 0, started, inFlight, lost, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000) };
}
