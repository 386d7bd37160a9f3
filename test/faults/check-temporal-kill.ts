import { awaitProcesses, countOutcome, planWorkload, runCheck, startApp, startStage, whenStarted } from './harness.js';
import type { CheckResult } from './report.js';
import { isAlive, kill9, log, sleep, startWorker } from './system.js';
import { ApiClient, driveAll, type Mix, pendingNow, reportDeadlines } from './workload.js';

export interface TemporalKillOptions {
  mix: Mix;
  budgetS: number;
  /** How long the Temporal server stays dead. */
  downMs: number;
  concurrency: number;
  seedScale: number;
}

/**
 * Check 2: the Temporal server (the CLI's dev server, persisted with --db-filename) is killed with
 * SIGKILL mid-flight and started again on the same file and port. While it is away: /readyz says
 * 503 problem+json naming Temporal, an intake is registered (201) and its start queued, a command
 * answers 503 problem+json. After: every process resumes, every queued start is made.
 */
export function temporalKillCheck(o: TemporalKillOptions): Promise<CheckResult> {
  return runCheck({ id: '2', title: 'Temporal server killed (SIGKILL) and restarted on its persisted state' }, async (t) => {
    const stage = await startStage(t, { label: 'temporal', seedScale: o.seedScale, persistTemporal: true, env: { deadlineOverrides: reportDeadlines(o.budgetS) } });
    const { database, temporal, env } = stage;
    const app = await startApp(t, stage);
    const api = app.apis[0]!;
    const client = new ApiClient([api.url]);
    const { procs, since } = await planWorkload(t, stage, o.mix, 'temporal');
    log(`check 2: driving ${procs.length} processes; the Temporal server will be killed`);
    const driving = driveAll(client, procs, o.concurrency);

    // Kill it once half of the processes have been started (their timers and steps then run).
    await whenStarted(procs, 0.5, 2_000);
    t.inFlight = await pendingNow(database.db, procs);
    await kill9(temporal.child);
    const downAt = Date.now();
    log(`check 2: kill -9 Temporal (pid ${temporal.child.pid}); ${t.inFlight} processes pending`);

    // While it is away: readiness, a command and a read, probed every second.
    const probe = new ApiClient([api.url]);
    const seen = { readyz503: 0, readyzNamesTemporal: 0, readyzOther: 0, intake201: [] as string[], intakeOther: [] as string[], command503: 0, commandOther: [] as string[], read: new Map<number, number>() };
    const target = procs.find((p) => p.kind === 'rungs' && p.id) ?? procs.find((p) => p.kind === 'rungs')!;
    let lastReadyDetail = '';
    // Three probes, each in its own loop (a command may wait up to its connect time-out).
    const downFor = () => Date.now() - downAt < o.downMs;
    const readyLoop = async () => {
      while (downFor()) {
        const ready = await probe.once('GET', '/readyz', undefined, undefined, undefined, 10_000).catch(() => undefined);
        if (ready?.status === 503 && ready.contentType.startsWith('application/problem+json')) {
          seen.readyz503 += 1;
          lastReadyDetail = String(ready.body.detail ?? '');
          if (/temporal/i.test(lastReadyDetail)) seen.readyzNamesTemporal += 1;
        } else seen.readyzOther += 1;
        await sleep(1_000);
      }
    };
    // An intake is registered and answered without Temporal (its start waits in the register's
    // queue, docs/meldingen.md "Never lost"); a command on that report needs its workflow: 503.
    const commandLoop = async () => {
      while (downFor()) {
        const intake = await probe.once('POST', '/meldingen', target.teamCoordinator, {
          source: 'derde', channel: 'webformulier', location: { locationId: target.locationId },
          description: 'Melding tijdens de storing van Temporal.', categories: ['kwaliteit_pedagogisch'],
        }, `faults-temporal-down-probe-${Date.now()}`, 30_000).catch(() => undefined);
        if (intake?.status === 201 && typeof intake.body.id === 'string') {
          seen.intake201.push(intake.body.id);
          const command = await probe.once('POST', `/meldingen/${intake.body.id}/triage`, target.teamCoordinator, {
            triage: 'regulier', reason: 'Bevestigd tijdens de storing van Temporal.',
          }, undefined, 30_000).catch(() => undefined);
          if (command?.status === 503 && command.contentType.startsWith('application/problem+json')) seen.command503 += 1;
          else seen.commandOther.push(String(command?.status ?? 'no answer'));
        } else seen.intakeOther.push(String(intake?.status ?? 'no answer'));
        await sleep(1_000);
      }
    };
    const readLoop = async () => {
      while (downFor() && target.id) {
        const read = await probe.once('GET', `/meldingen/${target.id}`, target.teamCoordinator, undefined, undefined, 30_000).catch(() => undefined);
        if (read) seen.read.set(read.status, (seen.read.get(read.status) ?? 0) + 1);
        await sleep(1_000);
      }
    };
    await Promise.all([readyLoop(), commandLoop(), readLoop()]);
    const workerSurvived = isAlive(app.workers[0]!);
    const r = Date.now();
    await temporal.restart();
    const restartMs = Date.now() - r;
    log(`check 2: Temporal back after ${Math.round((Date.now() - downAt) / 1000)} s (restart ${restartMs} ms); worker ${workerSurvived ? 'survived' : 'had exited'}`);
    if (!isAlive(app.workers[0]!)) app.workers[0] = await startWorker('worker', env);
    const readyAfter = await (async () => {
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const x = await probe.once('GET', '/readyz', undefined).catch(() => undefined);
        if (x?.status === 200) return Date.now() - downAt;
        await sleep(500);
      }
      return -1;
    })();
    await driving;
    // Every report registered while Temporal was away has its workflow once it is back (an API's sweep).
    const unstarted = await (async () => {
      const until = Date.now() + 60_000;
      for (;;) {
        const queued = await database.db.selectFrom('melding_starts').select('melding_id').where('melding_id', 'in', seen.intake201.length ? seen.intake201 : ['-']).execute();
        if (queued.length === 0 || Date.now() > until) return queued.length;
        await sleep(1_000);
      }
    })();
    const open = await awaitProcesses(stage, client, procs, Math.max(120_000, o.budgetS * 3_000));
    await countOutcome(t, stage, { mix: o.mix, procs, open, since, clients: [client, probe] }, {
      'Temporal down (s)': Math.round(o.downMs / 1000),
      '/readyz while down: 503 problem+json / naming Temporal / other': `${seen.readyz503} / ${seen.readyzNamesTemporal} / ${seen.readyzOther}`,
      '/readyz detail while down': lastReadyDetail.slice(0, 160),
      'POST /meldingen while down: 201 / other': `${seen.intake201.length} / ${seen.intakeOther.length}${seen.intakeOther.length ? ` (${[...new Set(seen.intakeOther)].join(',')})` : ''}`,
      'a command on such a report while down: 503 problem+json / other': `${seen.command503} / ${seen.commandOther.length}${seen.commandOther.length ? ` (${[...new Set(seen.commandOther)].join(',')})` : ''}`,
      'reports registered while down still without their workflow 60 s after': unstarted,
      'GET /meldingen/{id} while down (status×n)': [...seen.read].map(([s, n]) => `${s}×${n}`).join(', '),
      'worker process survived the outage': String(workerSurvived),
      '/readyz 200 again after (s from kill)': readyAfter < 0 ? 'never' : Math.round(readyAfter / 1000),
    });
    if (seen.readyz503 === 0 || seen.readyzOther > 0) t.failures.push(`/readyz while Temporal was down: ${seen.readyz503} × 503, ${seen.readyzOther} × other`);
    if (seen.readyzNamesTemporal < seen.readyz503) t.failures.push(`/readyz did not always name Temporal: "${lastReadyDetail}"`);
    if (seen.intake201.length === 0 || seen.intakeOther.length > 0) t.failures.push(`intakes while Temporal was down: ${seen.intake201.length} × 201, others ${[...new Set(seen.intakeOther)].join(',')}`);
    if (seen.commandOther.length > 0) t.failures.push(`commands while Temporal was down answered ${[...new Set(seen.commandOther)].join(',')} instead of 503 problem+json`);
    if (unstarted > 0) t.failures.push(`${unstarted} reports registered while Temporal was down never got their workflow`);
    if ([...seen.read.keys()].some((s) => s !== 200 && s !== 503)) t.failures.push(`reads while down answered ${[...seen.read.keys()].join(',')}`);
    if (readyAfter < 0) t.failures.push('/readyz never 200 again');
  });
}
